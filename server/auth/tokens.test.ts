import { describe, expect, it } from 'vitest';
import { generateBoardId, generateToken, hashToken, roleForHash } from './tokens.ts';

describe('tokens', () => {
  it('board ids carry 144 random bits and tokens 192, base64url without padding', () => {
    const id = generateBoardId();
    const token = generateToken();
    expect(Buffer.from(id, 'base64url')).toHaveLength(18);
    expect(Buffer.from(token, 'base64url')).toHaveLength(24);
    expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateToken()).not.toBe(token);
  });

  it('maps a hash to its role and refuses any other', () => {
    const tokens = { facilitator: generateToken(), contributor: generateToken(), viewer: generateToken() };
    const hashes = {
      facilitator: hashToken(tokens.facilitator),
      contributor: hashToken(tokens.contributor),
      viewer: hashToken(tokens.viewer),
    };
    expect(roleForHash(hashes, hashToken(tokens.facilitator))).toBe('facilitator');
    expect(roleForHash(hashes, hashToken(tokens.contributor))).toBe('contributor');
    expect(roleForHash(hashes, hashToken(tokens.viewer))).toBe('viewer');
    expect(roleForHash(hashes, hashToken('nope'))).toBeNull();
    expect(roleForHash(hashes, new Uint8Array(3))).toBeNull();
  });
});
