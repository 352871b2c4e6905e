import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claims, pkcePair } from '../../web/src/auth.js';

describe('sign-in helpers', () => {
  it('makes a PKCE pair whose challenge is the S256 of its verifier (RFC 7636)', async () => {
    const { verifier, challenge } = await pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect((await pkcePair()).verifier).not.toBe(verifier);
  });

  it('reads the claims of a token with Chinese text in them', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'li-na', name: '李娜（示例）', exp: 1 })).toString('base64url');
    expect(claims(`h.${payload}.s`)).toEqual({ sub: 'li-na', name: '李娜（示例）', exp: 1 });
  });
});
