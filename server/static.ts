/**
 * Serves the Vite build (`dist/`): files as they are, and `index.html` for the client's routes
 * (`/`, `/b/:id`, `/b/:id/brief`), so they work on reload. A path that looks like a file and is
 * not one (`/robots.txt`, `/x.js`, `/assets/old.css`) is a plain 404: answering it with the page
 * and 200 would hand a crawler, a script tag or a cache an HTML page in place of the file. Any
 * other path gets the page (which says "Page not found") with 404.
 *
 * Every file is served the same way:
 * - **Compressed at build time.** vite.config.ts writes `x.br` and `x.gz` beside each text file;
 *   the one the browser accepts is sent with `Content-Encoding` (brotli first when it takes both),
 *   the file itself when it takes neither. `Vary: Accept-Encoding` on all of them, so a cache
 *   never hands brotli to a browser that asked for gzip.
 * - **Cached by name.** Files whose name carries a content hash (`/assets/*-[hash].*`,
 *   `workbox-[hash].js`) never change: `immutable` for a year. Everything else (the page,
 *   `sw.js`, `registerSW.js`, the manifest, `robots.txt`) is `no-cache`: a browser may keep it but
 *   asks each time, and the `ETag`/`Last-Modified` it has makes the answer a 304 with no body.
 * - **Source maps withheld.** The build writes them (for reading error reports) but `*.map` is a
 *   404 unless `SERVE_SOURCEMAPS=1`: they are the whole source, and most of the bytes.
 *
 * Files are looked up on every request: a rebuilt client is picked up without a restart.
 *
 * `@hono/node-server`'s serveStatic has a `precompressed` option, but it ignores q-values, sends
 * `Vary` only with a compressed body, and gives no ETag, Last-Modified or 304: hence this file.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { Context, Hono } from 'hono';
import { parseAccept } from 'hono/utils/accept';
import { getMimeType } from 'hono/utils/mime';
import { PAGE_HEADERS, secureHeaders } from './securityHeaders.ts';

export type ServeClientOptions = {
  /** serve `*.map` (SERVE_SOURCEMAPS=1); otherwise they are a 404 */
  sourceMaps?: boolean;
};

/** The precompressed copies the build writes, in the order picked when a browser takes several equally. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export function serveClient(app: Hono, distDir: string, options: ServeClientOptions = {}): void {
  const root = path.resolve(distDir);
  const indexFile = path.join(root, 'index.html');
  const headers = secureHeaders(PAGE_HEADERS);
  app.use('*', async (c, next) => (isServerPath(c.req.path) ? next() : headers(c, next)));
  app.get('*', async (c) => {
    const p = c.req.path;
    if (isServerPath(p)) return c.json({ error: 'not found' }, 404);
    if (SOURCE_MAP.test(p) && !options.sourceMaps) return c.text('Not found', 404);
    const file = fileOf(root, p === '/' ? '/index.html' : p);
    if (file) {
      const served = await serveFile(c, file, isHashed(p) ? IMMUTABLE : REVALIDATE);
      if (served) return served;
    }
    const route = APP_ROUTE.test(p);
    if (!route && FILE_LIKE.test(p)) return c.text('Not found', 404);
    if (route) {
      const page = await serveFile(c, indexFile, REVALIDATE);
      if (page) return page;
    } else {
      try {
        c.header('Cache-Control', REVALIDATE);
        return c.html(await readFile(indexFile, 'utf8'), 404);
      } catch {
        // not built: said below
      }
    }
    return c.text('The client is not built: run `npm run build`.', 404);
  });
}

/**
 * Answers with `file` (or its precompressed copy), or a 304 when the browser's copy is current;
 * undefined when there is no such file.
 */
async function serveFile(c: Context, file: string, cacheControl: string): Promise<Response | undefined> {
  const original = await fileStats(file);
  if (!original) return undefined;
  let sent = { file, stats: original, encoding: undefined as string | undefined };
  for (const encoding of acceptedEncodings(c.req.header('accept-encoding'))) {
    const stats = await fileStats(file + encoding.suffix);
    if (stats) {
      sent = { file: file + encoding.suffix, stats, encoding: encoding.name };
      break;
    }
  }
  // each encoding is a different body, so a different tag; the size and time change with any rebuild
  const etag = `W/"${sent.stats.size.toString(16)}-${Math.floor(sent.stats.mtimeMs).toString(16)}${sent.encoding ? `-${sent.encoding}` : ''}"`;
  c.header('Cache-Control', cacheControl);
  c.header('ETag', etag);
  c.header('Last-Modified', sent.stats.mtime.toUTCString());
  c.header('Vary', 'Accept-Encoding');
  if (isCurrent(c, etag, sent.stats)) return c.body(null, 304);
  c.header('Content-Type', getMimeType(file) ?? 'application/octet-stream');
  if (sent.encoding) c.header('Content-Encoding', sent.encoding);
  c.header('Content-Length', String(sent.stats.size));
  // Hono routes HEAD here and drops the body: only spare reading the file
  if (c.req.method === 'HEAD') return c.body(null, 200);
  return c.body(await readFile(sent.file), 200);
}

/**
 * The encodings we have that the browser accepts, best first: its q-values decide, and brotli
 * wins a tie. `*` stands for any encoding it does not name; `q=0` refuses one.
 */
export function acceptedEncodings(header: string | undefined): (typeof ENCODINGS)[number][] {
  if (!header) return [];
  const accepts = parseAccept(header);
  const quality = (name: string): number =>
    (accepts.find((a) => a.type.toLowerCase() === name) ?? accepts.find((a) => a.type === '*'))?.q ?? 0;
  return ENCODINGS.map((encoding) => ({ encoding, q: quality(encoding.name) }))
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((e) => e.encoding);
}

/** RFC 9110: If-None-Match (weak comparison) decides when present, else If-Modified-Since. */
function isCurrent(c: Context, etag: string, stats: Stats): boolean {
  const noneMatch = c.req.header('if-none-match');
  if (noneMatch !== undefined) {
    const weak = (tag: string) => tag.trim().replace(/^W\//, '');
    return noneMatch.trim() === '*' || noneMatch.split(',').some((tag) => weak(tag) === weak(etag));
  }
  const since = Date.parse(c.req.header('if-modified-since') ?? '');
  // Last-Modified is in whole seconds
  return Number.isFinite(since) && Math.floor(stats.mtimeMs / 1000) * 1000 <= since;
}

/** The file under `root` that a URL path names, or undefined for one that cannot be a file there. */
function fileOf(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const file = path.join(root, decoded);
  // `..` segments are resolved by join: anything that lands outside dist/ is not ours to serve
  return file.startsWith(root + path.sep) ? file : undefined;
}

async function fileStats(file: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/** Vite's output names (`assets/[name]-[hash].[ext]`) and the service worker's runtime. */
function isHashed(p: string): boolean {
  return HASHED_ASSET.test(p) || WORKBOX.test(p);
}
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const WORKBOX = /^\/workbox-[0-9a-f]{8,}\.js$/;
const SOURCE_MAP = /\.map$/i;

/** The client's routes, as client/main.tsx reads them. */
const APP_ROUTE = /^\/(index\.html)?$|^\/b\/[^/]+(\/brief)?\/?$/;
/** A file name at the end (an extension), or anything under the build's assets folder. */
const FILE_LIKE = /^\/assets\/|\.[a-z0-9]{1,10}$/i;

function isServerPath(p: string): boolean {
  return p === '/api' || p.startsWith('/api/') || p === '/ws' || p.startsWith('/ws/');
}
