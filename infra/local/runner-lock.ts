/**
 * LevelDB lets one process at a time open `.data/db`. `npm start` leaves its process id here while it
 * runs, so `npm run compile` can say why it cannot open the store instead of crashing.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUNNER_PID_FILE = 'runner.pid';

/** What the file holds: the process id on the first line, the URL it serves on the second. */
export const runnerFileText = (url: string) => `${process.pid}\n${url}\n`;

/** The live `npm start` using this data directory (its process id and URL), or undefined. */
export function runningRunner(dataDir: string): { pid: number; url: string } | undefined {
  let pid: number;
  let url: string;
  try {
    const [first, second] = readFileSync(join(dataDir, RUNNER_PID_FILE), 'utf8').split('\n');
    pid = Number(first?.trim());
    url = second?.trim() || 'http://localhost:3000';
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return { pid, url };
  } catch (err) {
    // EPERM: alive but someone else's; ESRCH: a stale file left by a crash.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? { pid, url } : undefined;
  }
}

/**
 * Takes the data directory for this process: creates the pid file only if there is none (so two
 * starts at once cannot both win), replacing one left by a runner that died. Returns the live runner
 * that holds it instead, leaving its file untouched.
 */
export function takeRunnerLock(dataDir: string, url: string): { pid: number; url: string } | undefined {
  const file = join(dataDir, RUNNER_PID_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, runnerFileText(url), { flag: 'wx', mode: 0o600 });
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const running = runningRunner(dataDir);
    if (running) return running;
    rmSync(file, { force: true });
  }
  return runningRunner(dataDir) ?? { pid: 0, url };
}
