/** A job whose worker sandbox is killed: its own file, since handlers read their configuration once per process. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { studySession } from '../helpers/fixtures.js';

describe('a job whose worker dies', () => {
  let dying: TestApi;
  afterAll(() => dying?.close());
  beforeAll(() => void vi.spyOn(console, 'log').mockImplementation(() => {}));

  it('is retried once, then failed with a reason, its temporary files gone', async () => {
    // Every worker sandbox kills itself at the first progress report, with its workbook half written.
    dying = await startTestApi({ worker: { env: { TAIZHANG_FAULT: 'compile:row@1' } } });
    expect((await dying.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ date: '2026-11-04' }) })).status).toBe(201);
    const started = await dying.call('POST', '/api/compilations', { as: 'sun-li', body: { period: '2026-11' } });
    expect(started.status).toBe(202);
    const job = await dying.waitForJob(started.headers.get('location')!, 'sun-li');
    expect(job).toMatchObject({ status: 'failed', attempts: 2 });
    expect(job.error).toContain('两次意外中断');
    // The job is marked failed first (the one conditional write that decides it), then its compilation.
    await dying.worker.idle();
    const settled = await dying.call('GET', started.headers.get('location')!, { as: 'sun-li' });
    expect(settled.body.compilation?.status).toBe('failed');
    const tmp = join(dying.blobDir, '.tmp');
    expect(existsSync(tmp) ? readdirSync(tmp).filter((d) => readdirSync(join(tmp, d)).length) : []).toEqual([]);
    // The period is free again for the next request.
    const next = await dying.call('POST', '/api/compilations', { as: 'sun-li', body: { period: '2026-11' } });
    expect([next.status, next.body.id === job.id]).toEqual([202, false]);
  }, 60_000);
});
