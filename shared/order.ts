/**
 * Order keys for cards: fractional indices (strings that sort between their neighbours), so a
 * move rewrites one field of one card. Concurrent inserts at the same spot can yield equal keys;
 * readers break ties by card id, so every peer still sees the same order.
 *
 * Keys come from the document, and a peer may write anything there, so every helper here
 * tolerates malformed keys instead of throwing into a user's action.
 */
import { generateKeyBetween } from 'fractional-indexing';

export function isOrderKey(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) return false;
  try {
    // Validates the key: the library throws on anything it could not have produced.
    generateKeyBetween(value, null);
    return true;
  } catch {
    return false;
  }
}

/** A key after `a` (or the first key when `a` is null or malformed). */
export function keyAfter(a: string | null): string {
  return generateKeyBetween(a && isOrderKey(a) ? a : null, null);
}

/** A key strictly between `a` and `b` where possible; degrades to "after a" on ties or bad keys. */
export function keyBetween(a: string | null, b: string | null): string {
  const lo = a && isOrderKey(a) ? a : null;
  const hi = b && isOrderKey(b) ? b : null;
  if (lo !== null && hi !== null && lo >= hi) return keyAfter(lo);
  return generateKeyBetween(lo, hi);
}
