/**
 * The evidence code bundled as a Lambda entry is bundled (the stack's esbuild options, ESM with
 * the require banner), then loaded by Node in a fresh process: file-type is ESM only, cfb and
 * yazl are CommonJS, and both kinds must work inside one bundle.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { BUNDLE_FILE, esbuildOptions } from '../../infra/cloud/bundling.js';
import { FIXTURES } from '../helpers/evidence.js';

const dir = mkdtempSync(join(tmpdir(), 'evidence-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('detects every fixture and writes an archive from inside a bundled Lambda entry', async () => {
  await build({ ...esbuildOptions('get-me', dir), entryPoints: [join(import.meta.dirname, 'fixtures/evidence-entry.ts')] });
  const files = readdirSync(FIXTURES).filter((f) => !f.endsWith('.md')).sort().map((f) => join(FIXTURES, f));
  const script = `const m = await import(${JSON.stringify(pathToFileURL(join(dir, BUNDLE_FILE)).href)}); console.log(JSON.stringify(await m.handler(JSON.parse(process.env.EVENT))));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, EVENT: JSON.stringify({ files, out: join(dir, 'a.zip') }), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  const result = JSON.parse(out.trim().split('\n').pop()!);
  expect(result.kinds).toEqual(['doc', 'docx', 'pdf', 'heic', 'jpeg', 'png', 'webp', 'xls', 'xlsx']);
  expect(result.signedFields).toEqual(['Content-Disposition', 'Content-Type', 'Policy', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature', 'bucket', 'key']);
  expect(result.archive.entries).toBe(files.length + 1);
  expect([result.s3Sink, result.client]).toEqual(['function', 'function']);
}, 60_000);
