/**
 * Downloads are streamed: eight at once of a 50 MB workbook keep the serving process within 64 MB
 * of its idle memory (held whole, they would need 400 MB).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, expect, it } from 'vitest';
import { localBlobStore } from '../../functions/store/blobs.js';

const MB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'taizhang-download-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function ask<T>(c: ChildProcess, message?: string): Promise<T> {
  const answer = once(c, 'message').then(([m]) => m as T);
  if (message) c.send(message);
  return answer;
}

it('serves eight concurrent 50 MB downloads within 64 MB of idle memory, each byte for byte', async () => {
  // 50 MB of incompressible bytes, written in 1 MB pieces so that this process holds little of it.
  const key = 'u1/2026-11.xlsx';
  mkdirSync(join(root, 'u1'));
  const hash = createHash('sha256');
  const out = createWriteStream(join(root, key));
  for (let i = 0; i < 50; i++) {
    const piece = randomBytes(MB);
    hash.update(piece);
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const sha256 = hash.digest('hex');

  const signingKey = randomBytes(32).toString('base64url');
  child = fork('tests/helpers/blob-child.ts', [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, BLOB_DIR: root, BLOB_SIGNING_KEY: signingKey },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await ask<{ port: number }>(child);
  const { idle } = await ask<{ idle: number }>(child, 'reset');
  const link = await localBlobStore(root, signingKey).link(key, { size: 50 * MB, sha256, filename: '台账.xlsx', fallback: 'ledger.xlsx' });
  if (typeof link === 'string') throw new Error(`link: ${link}`);

  // Each download is read as a stream and hashed, so this side holds no whole file either.
  const digests = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const res = await fetch(`http://127.0.0.1:${port}${link.url}`);
      expect(res.status).toBe(200);
      const h = createHash('sha256');
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        h.update(chunk);
        bytes += chunk.length;
      }
      return { bytes, sha256: h.digest('hex') };
    }),
  );
  const { peak } = await ask<{ peak: number }>(child, 'peak');
  console.log(`download memory: idle ${(idle / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB during 8 × 50 MB`);
  for (const d of digests) expect(d).toEqual({ bytes: 50 * MB, sha256 });
  expect(peak - idle).toBeLessThanOrEqual(64 * MB);
}, 120_000);
