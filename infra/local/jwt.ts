/**
 * Local sign-in: tokens signed by a key kept under `.data/`, verified the way the HTTP API's JWT
 * authorizer verifies the issuer's tokens (signature, issuer, audience, expiry, algorithm).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

import { LOCAL_ISSUER } from '../../functions/core/roster/roster.js';

export { LOCAL_ISSUER };
export const LOCAL_AUDIENCE = 'taizhang-local';
const ALG = 'ES256';
const CLOCK_SKEW_SECONDS = 60;

export interface LocalKeys {
  sign(claims: Record<string, unknown>, options?: { expiresIn?: string }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

async function fromJwk(privateJwk: JWK): Promise<LocalKeys> {
  const { d: _d, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALG);
  const publicKey = await importJWK(publicJwk, ALG);
  return {
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '12h')
        .sign(privateKey),
    verify: async (token) => {
      // Like the cloud's authorizer: a token must say when it expires, and may not be issued in the future.
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALG],
        requiredClaims: ['exp', 'iat'],
      });
      if (payload.iat! > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw new Error('token issued in the future');
      return payload;
    },
  };
}

export async function newLocalKeys(): Promise<LocalKeys> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  return fromJwk(await exportJWK(privateKey));
}

/** The key under `file`, made on first use so that tokens survive restarts. */
export async function loadLocalKeys(file: string): Promise<LocalKeys> {
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process (npm start, or the token script) wrote it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fromJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
}
