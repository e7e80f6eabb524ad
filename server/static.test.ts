import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { silentLogger } from './log.ts';
import { serveClient } from './static.ts';
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
