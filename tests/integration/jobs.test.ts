/** Compilation jobs through the real API and the local worker (child processes, as Lambda sandboxes). */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { studySession } from '../helpers/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  api = await startTestApi();
  for (const date of ['2026-09-03', '2026-10-03', '2026-11-03'])
    expect((await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ date }) })).status).toBe(201);
});
afterAll(() => api.close());

const post = (period: string, headers: Record<string, string> = {}) => api.call('POST', '/api/compilations', { as: 'sun-li', body: { period }, headers });

describe('compilation jobs', () => {
  it('gives ten identical requests at once one job, and a retry with the same key that job again', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('2026-11', { 'idempotency-key': 'same-job' })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const done = await api.waitForJob(answers[0]!.headers.get('location')!, 'sun-li');
    expect(done).toMatchObject({ status: 'done', attempts: 1 });
    const again = await post('2026-11', { 'idempotency-key': 'same-job' });
    expect([again.status, again.body.id, again.body.status]).toEqual([202, done.id, 'done']);
    expect((await api.call('GET', '/api/compilations?period=2026-11', { as: 'sun-li' })).body.items).toHaveLength(1);
  });

  it('runs at most two jobs of a unit at once: the third gets 429 with Retry-After', async () => {
    const answers = await Promise.all(['2026-08', '2026-09', '2026-10'].map((p) => post(p)));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 202, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.body.detail).toContain('同时进行的汇编已达上限');
    for (const a of answers.filter((x) => x.status === 202)) expect((await api.waitForJob(a.headers.get('location')!, 'sun-li')).status).toBe('done');
    // Slots are given back: the refused period now starts.
    const later = await post(['2026-08', '2026-09', '2026-10'][answers.indexOf(refused)]!);
    expect(later.status).toBe(202);
    await api.waitForJob(later.headers.get('location')!, 'sun-li');
  });

  it('refuses a stored file that was cut short or changed, before sending a byte', async () => {
    const started = await post('2026-09');
    const job = await api.waitForJob(started.headers.get('location')!, 'sun-li');
    const path = join(api.blobDir, 'example-bureau', '2026-09', `${job.compilation.id}.xlsx`);
    const link = (await api.call('GET', `${job.compilation.file}?link=1`, { as: 'sun-li' })).body.url as string;
    const good = readFileSync(path);
    // A byte changed, same size: the link is made, and the blob server refuses it on the checksum.
    const flipped = Buffer.from(good);
    flipped[flipped.length - 10] = flipped[flipped.length - 10]! ^ 0xff;
    writeFileSync(path, flipped);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const changed = await fetch(new URL(link, api.url));
    expect(changed.status).toBe(500);
    expect((await changed.json()).detail).toContain('已损坏');
    // Cut short: the API refuses to hand out a link at all.
    truncateSync(path, good.length - 1000);
    const cut = await api.call('GET', `${job.compilation.file}?link=1`, { as: 'sun-li' });
    out.mockRestore();
    expect(cut.status).toBe(500);
    expect(cut.body.detail).toContain('已损坏');
    writeFileSync(path, good);
    const ok = await fetch(new URL((await api.call('GET', `${job.compilation.file}?link=1`, { as: 'sun-li' })).body.url, api.url));
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(good)).toBe(true);
  });

  it('refuses a link that was tampered with or points elsewhere', async () => {
    const started = await post('2026-10');
    const job = await api.waitForJob(started.headers.get('location')!, 'sun-li');
    const link = (await api.call('GET', `${job.compilation.file}?link=1`, { as: 'sun-li' })).body.url as string;
    expect((await fetch(new URL(link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), api.url))).status).toBe(403);
    expect((await fetch(new URL(link.replace('2026-10', '2026-09'), api.url))).status).toBe(403);
  });
});

