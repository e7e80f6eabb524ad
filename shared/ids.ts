/** Ids for cards, themes and people: no Yjs, so that pages without a board can make them too. */

/** 96 random bits, URL-safe. Uses getRandomValues, which (unlike randomUUID) works on plain http. */
export function newId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
}
