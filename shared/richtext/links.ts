/**
 * What a link in a card body points at, decided once for the editor, the reader and every export.
 *
 * A URL is read the way a browser reads it (the WHATWG URL parser): leading and trailing control
 * characters and spaces are dropped, tabs and newlines anywhere are dropped, and a backslash is a
 * slash. So `//evil.example/x`, `\\evil.example`, `/\evil.example`, ` //evil.example` and
 * `https:evil` are not relative links at all but links to another host, and they are treated like
 * any other external link: checked against the same schemes and written out in full
 * (`https://evil.example/x`), so that nobody reading the link, or the brief, mistakes where it goes.
 */

/** Schemes a link may use; anything else (javascript:, data:, file:, vbscript: ...) is no link. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel', 'sms']);
const MAX_URL_LENGTH = 2048;

/** Two bases on reserved hosts: a URL is relative only if it stays on whichever one it is read against. */
const BASES = ['https://a.relative.invalid/', 'https://b.relative.invalid/'] as const;

export type LinkTarget =
  /** `#id`: a place in the same document */
  | { kind: 'anchor'; href: string }
  /** a path on the same site (`/boards/x`, `page.html`): meaningful on the site, not in a file */
  | { kind: 'relative'; href: string }
  /** an http(s), mailto, tel or sms URL, written out in full */
  | { kind: 'absolute'; href: string };

/** The link a URL makes, or null when it may not be a link at all. */
export function linkTarget(url: unknown): LinkTarget | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null;
  // Checked first on the URL with every control character and space removed, as before: a scheme
  // spelt with any of them inside ("java\tscript:", "java script:") is refused outright.
  // eslint-disable-next-line no-control-regex
  const squeezed = /^([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\u0000-\u0020]/g, ''));
  if (squeezed && !SAFE_SCHEMES.has(squeezed[1]!.toLowerCase())) return null;
  // What a browser parses: trimmed of C0 controls and spaces, without tabs and newlines.
  // eslint-disable-next-line no-control-regex
  const clean = url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  // other control characters have no place in a link
  // eslint-disable-next-line no-control-regex
  if (clean === '' || /[\u0000-\u001f\u007f]/.test(clean)) return null;
  if (clean.startsWith('#')) return { kind: 'anchor', href: clean };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(clean);
  try {
    if (scheme) {
      if (!SAFE_SCHEMES.has(scheme[1]!.toLowerCase())) return null;
      // read with no base, as in a downloaded file: "https:evil" is https://evil/
      const href = new URL(clean).href;
      // kept as typed when that already says plainly where it goes ("https://example.org")
      const plain = /^(https?:\/\/|mailto:|tel:|sms:)/i.test(clean) && !clean.includes('\\');
      return { kind: 'absolute', href: plain ? clean : href };
    }
    const read = BASES.map((base) => new URL(clean, base));
    if (read.every((u, i) => u.origin === new URL(BASES[i]!).origin)) return { kind: 'relative', href: clean };
    // scheme-less, yet on another host: protocol-relative, or a backslash form of it
    const absolute = read[0]!;
    return SAFE_SCHEMES.has(absolute.protocol.slice(0, -1)) ? { kind: 'absolute', href: absolute.href } : null;
  } catch {
    return null;
  }
}

/** Whether a URL may be a link at all (an anchor, a relative path, or an allowed absolute URL). */
export function isSafeUrl(url: unknown): url is string {
  return linkTarget(url) !== null;
}

/**
 * Where a link in an exported brief goes, or null to show only its text: an `#anchor` (the caller
 * checks that it names a heading) or an absolute URL. A relative path means nothing in a file
 * opened from a disk or a mail, and a viewer could read it as a local path, so it is not a link there.
 */
export function exportedLink(url: unknown): LinkTarget | null {
  const target = linkTarget(url);
  return target && target.kind !== 'relative' ? target : null;
}
