/**
 * A Cognito-compatible server (the cognito-local package) on 127.0.0.1, in a directory of its own,
 * with one user pool: the people routes' Cognito calls go to it over the wire, through the real SDK.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CognitoIdentityProviderClient, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';

export interface LocalCognito {
  endpoint: string;
  userPoolId: string;
  client: CognitoIdentityProviderClient;
  close(): Promise<void>;
}

/** Any key will do: the server checks none, but the SDK signs every request. */
export const COGNITO_TEST_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'cognito-local', AWS_SECRET_ACCESS_KEY: 'cognito-local' };

export async function startLocalCognito(): Promise<LocalCognito> {
  const dir = mkdtempSync(join(tmpdir(), 'taizhang-cognito-'));
  // Its pools default to e-mail usernames; the stack's has usernames, with the e-mail as an alias.
  mkdirSync(join(dir, '.cognito'));
  writeFileSync(join(dir, '.cognito', 'config.json'), JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }));
  const child: ChildProcess = spawn(process.execPath, [resolve('node_modules/cognito-local/lib/bin/start.js')], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const endpoint = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`cognito-local did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`cognito-local exited (${code}): ${out}`));
    });
  });
  // Keep reading, so a chatty server never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  const client = new CognitoIdentityProviderClient({
    region: 'local',
    endpoint,
    credentials: { accessKeyId: COGNITO_TEST_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: COGNITO_TEST_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'taizhang-test', AliasAttributes: ['email'] }));
  return {
    endpoint,
    userPoolId: pool.UserPool!.Id!,
    client,
    close: async () => {
      client.destroy();
      if (child.exitCode === null) {
        const gone = new Promise((ok) => child.once('exit', ok));
        child.kill();
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
