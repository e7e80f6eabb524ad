import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { silentLogger } from './log.ts';
import { serveClient } from './static.ts';
import { MemoryStorage } from './storage/memory.ts';

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
