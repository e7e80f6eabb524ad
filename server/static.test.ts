/**
 * Serving the client. A small fixture dist for the routes and 404s; then the real client build
 * (dist/ when `npm run build` has made it with its compressed copies, else `vite build` into a
 * temporary folder once for this file), served over real HTTP and read with node:http so the
 * bytes are the ones on the wire (fetch would decompress them): the encoding each browser gets,
 * the cache headers, 304s, HEAD, source maps and robots.txt.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { silentLogger } from './log.ts';
import { acceptedEncodings, IMMUTABLE, REVALIDATE, serveClient } from './static.ts';
import { MemoryStorage } from './storage/memory.ts';
import { startServer, type TestServer } from './test/harness.ts';

const dist = mkdtempSync(path.join(tmpdir(), 'crossboard-dist-'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Crossboard</title>');
writeFileSync(path.join(dist, 'app.js'), 'console.log(1)');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const { app } = createApp({ storage: new MemoryStorage(), logger: silentLogger });
serveClient(app, dist);

describe('serving the built client', () => {
  it('serves files from dist/', async () => {
    const res = await app.request('/app.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log(1)');
  });

  it('falls back to index.html for client routes', async () => {
    const res = await app.request('/b/some-board?token=x');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Crossboard</title>');
  });

  it('never answers /api or /ws paths with the page', async () => {
    expect((await app.request('/api/unknown')).status).toBe(404);
    const ws = await app.request('/ws');
    expect(ws.status).toBe(404);
    expect(await ws.json()).toEqual({ error: 'not found' });
  });
});

describe('unknown paths, over real HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    serveClient(server.app, dist);
  });
  afterAll(() => server.close());

  it('a path that looks like a file and is not one gets a plain 404, not the page', async () => {
    for (const p of ['/robots.txt', '/x.js', '/assets/nope.css', '/favicon.png', '/sitemap.xml', '/deep/path/file.JSON']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).toMatch(/^text\/plain/);
      expect(await res.text(), p).toBe('Not found');
    }
  });

  it('the client’s routes get the page with 200, malformed ones too; other paths the page with 404', async () => {
    for (const p of ['/', '/index.html', '/b/abc', '/b/abc/', '/b/abc/brief', '/b/abc.def', '/b/abc%2', '/b/%E0%A4%A?token=x', '/b/%E0%A4%A/brief?token=%ZZ']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.text(), p).toContain('<title>Crossboard</title>');
    }
    for (const p of ['/nowhere', '/b/abc/other']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).toContain('<title>Crossboard</title>');
    }
  });
});

describe('security headers', () => {
  it('gives the page a strict script policy and no referrer', async () => {
    const res = await app.request('/b/some-board?token=secret');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends no referrer from API responses either', async () => {
    const res = await app.request('/api/health');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

const root = path.resolve(import.meta.dirname, '..');

/** The client as `npm run build` makes it: dist/ if built with its compressed copies, else a fresh build. */
async function builtClient(): Promise<{ dir: string; remove(): void }> {
  const dist = path.join(root, 'dist');
  if (existsSync(path.join(dist, 'index.html.br'))) return { dir: dist, remove: () => {} };
  const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-served-client-'));
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), root: path.join(root, 'client'), build: { outDir: dir }, logLevel: 'error' });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

type Raw = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** One request with node:http: the path goes out exactly as written and the body comes back as sent. */
function get(base: string, urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: urlPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the real client build', () => {
  let client: { dir: string; remove(): void };
  let server: TestServer;
  let withMaps: TestServer;
  /** every file of the build, as URL paths */
  let files: string[];
  let mainScript: string;
  beforeAll(async () => {
    client = await builtClient();
    files = (readdirSync(client.dir, { recursive: true }) as string[])
      .filter((f) => statSync(path.join(client.dir, f)).isFile())
      .map((f) => '/' + f.split(path.sep).join('/'));
    mainScript = files.find((f) => /^\/assets\/index-[^/]+\.js$/.test(f))!;
    server = await startServer();
    serveClient(server.app, client.dir);
    withMaps = await startServer();
    serveClient(withMaps.app, client.dir, { sourceMaps: true });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await withMaps?.close();
    client?.remove();
  });

  const onDisk = (urlPath: string) => readFileSync(path.join(client.dir, urlPath));

  it('has brotli and gzip copies of the page, the scripts and the styles, each the same bytes as the file', () => {
    expect(mainScript).toBeDefined();
    for (const f of ['/index.html', mainScript, files.find((f) => /^\/assets\/.+\.css$/.test(f))!, '/robots.txt']) {
      expect(brotliDecompressSync(onDisk(f + '.br')).equals(onDisk(f)), f).toBe(true);
      expect(gunzipSync(onDisk(f + '.gz')).equals(onDisk(f)), f).toBe(true);
    }
    expect(files.filter((f) => f.endsWith('.map.br') || f.endsWith('.map.gz'))).toEqual([]);
  });

  it('sends brotli to a browser that takes it, gzip to one that takes only gzip, the file to one that takes neither', async () => {
    const compressed = files.filter((f) => f.endsWith('.br')).map((f) => f.slice(0, -'.br'.length));
    expect(compressed.length).toBeGreaterThanOrEqual(4);
    for (const f of compressed) {
      const file = onDisk(f);
      const type = f.endsWith('.js') ? 'text/javascript; charset=utf-8' : undefined;

      const br = await get(server.url, f, { 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(br.status, f).toBe(200);
      expect(br.headers['content-encoding'], f).toBe('br');
      expect(br.headers.vary, f).toBe('Accept-Encoding');
      expect(Number(br.headers['content-length']), f).toBe(br.body.length);
      expect(br.body.length, f).toBeLessThan(file.length);
      expect(brotliDecompressSync(br.body).equals(file), f).toBe(true);
      if (type) expect(br.headers['content-type'], f).toBe(type);

      const gz = await get(server.url, f, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding'], f).toBe('gzip');
      expect(gz.headers.vary, f).toBe('Accept-Encoding');
      expect(Number(gz.headers['content-length']), f).toBe(gz.body.length);
      expect(gunzipSync(gz.body).equals(file), f).toBe(true);
      expect(gz.headers['content-type'], f).toBe(br.headers['content-type']);

      for (const accept of [undefined, 'identity', 'deflate, zstd']) {
        const plain = await get(server.url, f, accept ? { 'accept-encoding': accept } : {});
        expect(plain.headers['content-encoding'], `${f} ${accept}`).toBeUndefined();
        expect(plain.headers.vary, f).toBe('Accept-Encoding');
        expect(Number(plain.headers['content-length']), f).toBe(file.length);
        expect(plain.body.equals(file), f).toBe(true);
        expect(plain.headers['content-type'], f).toBe(br.headers['content-type']);
      }
    }
  });

  it('the page under every client route is compressed the same way', async () => {
    const page = onDisk('/index.html');
    for (const p of ['/', '/b/abc?token=x', '/b/abc/brief']) {
      const res = await get(server.url, p, { 'accept-encoding': 'br' });
      expect(res.status, p).toBe(200);
      expect(res.headers['content-type'], p).toBe('text/html; charset=utf-8');
      expect(brotliDecompressSync(res.body).equals(page), p).toBe(true);
    }
  });

  it('hashed files are immutable for a year; the page, service worker, registration, manifest and robots.txt revalidate', async () => {
    const hashed = files.filter((f) => /^\/assets\/.+\.(js|css)$/.test(f) || /^\/workbox-[0-9a-f]+\.js$/.test(f));
    expect(hashed.some((f) => f.startsWith('/workbox-'))).toBe(true);
    for (const f of hashed) expect((await get(server.url, f)).headers['cache-control'], f).toBe(IMMUTABLE);
    for (const p of ['/', '/index.html', '/b/abc', '/b/abc/brief', '/sw.js', '/registerSW.js', '/manifest.webmanifest', '/robots.txt', '/favicon.svg']) {
      const res = await get(server.url, p, { 'accept-encoding': 'gzip' });
      expect(res.status, p).toBe(200);
      expect(res.headers['cache-control'], p).toBe(REVALIDATE);
      expect(res.headers.etag, p).toMatch(/^W\/".+"$/);
      expect(Date.parse(res.headers['last-modified'] ?? ''), p).toBeGreaterThan(0);
    }
    expect((await get(server.url, '/nowhere')).headers['cache-control']).toBe(REVALIDATE);
  });

  it('revalidating with the ETag or the date is a 304 with no body; a changed file is a 200', async () => {
    for (const [p, accept] of [['/', 'br'], ['/b/abc', 'br'], ['/sw.js', 'gzip'], [mainScript, 'gzip'], ['/registerSW.js', '']] as const) {
      const first = await get(server.url, p, { 'accept-encoding': accept });
      const etag = first.headers.etag!;
      const byTag = await get(server.url, p, { 'accept-encoding': accept, 'if-none-match': etag });
      expect(byTag.status, p).toBe(304);
      expect(byTag.body.length, p).toBe(0);
      expect(byTag.headers.etag, p).toBe(etag);
      expect(byTag.headers['cache-control'], p).toBe(first.headers['cache-control']);
      expect(byTag.headers.vary, p).toBe('Accept-Encoding');

      const byDate = await get(server.url, p, { 'accept-encoding': accept, 'if-modified-since': first.headers['last-modified']! });
      expect(byDate.status, p).toBe(304);

      // the tag decides over the date when both are sent
      const stale = await get(server.url, p, { 'accept-encoding': accept, 'if-none-match': 'W/"0-0"', 'if-modified-since': first.headers['last-modified']! });
      expect(stale.status, p).toBe(200);
      expect(stale.body.equals(first.body), p).toBe(true);
      const older = await get(server.url, p, { 'accept-encoding': accept, 'if-modified-since': new Date(0).toUTCString() });
      expect(older.status, p).toBe(200);
    }
    // each encoding is its own body: a gzip tag does not stand for the brotli body
    const gzTag = (await get(server.url, '/', { 'accept-encoding': 'gzip' })).headers.etag!;
    expect((await get(server.url, '/', { 'accept-encoding': 'br', 'if-none-match': gzTag })).status).toBe(200);
  });

  it('HEAD gives the headers and the length without the body', async () => {
    const res = await get(server.url, mainScript, { 'accept-encoding': 'br' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(Number(res.headers['content-length'])).toBe(onDisk(mainScript + '.br').length);
    expect(res.body.length).toBe(0);
  });

  it('source maps are built but a 404 unless SERVE_SOURCEMAPS=1', async () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps).toContain(mainScript + '.map');
    for (const f of maps) {
      const hidden = await get(server.url, f);
      expect(hidden.status, f).toBe(404);
      expect(hidden.body.toString(), f).toBe('Not found');
      const shown = await get(withMaps.url, f);
      expect(shown.status, f).toBe(200);
      expect(shown.headers['content-type'], f).toBe('application/json');
      expect(shown.body.equals(onDisk(f)), f).toBe(true);
    }
  });

  it('robots.txt keeps boards, briefs and the API out of indexes, and lets the landing page in', async () => {
    const res = await get(server.url, '/robots.txt');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const lines = res.body.toString().split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    expect(lines[0]).toBe('User-agent: *');
    const disallowed = lines.filter((l) => l.startsWith('Disallow:')).map((l) => l.slice('Disallow:'.length).trim());
    expect(disallowed).toEqual(expect.arrayContaining(['/b/', '/api/']));
    // a rule that covered "/" would hide the landing page too
    expect(disallowed.filter((d) => '/'.startsWith(d))).toEqual([]);
  });

  it('no path reaches a file outside the build', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/..%5cpackage.json', '/index.html%00.js']) {
      const res = await get(server.url, p);
      expect(res.status, p).not.toBe(200);
      expect(res.body.toString(), p).not.toContain('"name": "crossboard"');
    }
  });
});

describe('choosing an encoding from Accept-Encoding', () => {
  it.each([
    ['gzip, deflate, br, zstd', ['br', 'gzip']],
    ['gzip', ['gzip']],
    ['br;q=0.5, gzip', ['gzip', 'br']],
    ['br;q=0, gzip', ['gzip']],
    ['*', ['br', 'gzip']],
    ['*;q=0.1, gzip;q=0', ['br']],
    ['identity', []],
    ['', []],
  ])('%j: %j', (header, expected) => {
    expect(acceptedEncodings(header).map((e) => e.name)).toEqual(expected);
  });
});
