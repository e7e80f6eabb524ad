/**
 * Capability tokens. A board has one secret token per role; whoever holds the link holds the
 * role. Only SHA-256 hashes are stored, so a copy of the database does not grant access.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from '../../shared/schema.ts';

/** 144 bits: unguessable, and a multiple of 3 bytes so base64url has no padding. */
export function generateBoardId(): string {
  return randomBytes(18).toString('base64url');
}

/** 192 bits. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
}

export type TokenHashes = Record<Role, Uint8Array>;

/**
 * The role whose hash equals `hash`, compared in constant time against every role (no early
 * exit), so timing reveals neither whether nor which hash matched.
 */
export function roleForHash(hashes: TokenHashes, hash: Uint8Array): Role | null {
  let found: Role | null = null;
  for (const role of ROLES) {
    const expected = hashes[role];
    if (expected.length === hash.length && timingSafeEqual(expected, hash)) found = role;
  }
  return found;
}

/** Plausible token shape; anything else is refused before hashing. */
export function isTokenShaped(token: string): boolean {
  return token.length > 0 && token.length <= 256;
}
