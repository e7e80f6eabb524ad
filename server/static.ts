/**
 * Serves the Vite build (`dist/`): files as they are, and `index.html` for every other GET that
 * is not under /api or /ws, so client-side routes like /b/:id work on reload.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { PAGE_HEADERS, secureHeaders } from './securityHeaders.ts';

export function serveClient(app: Hono, distDir: string): void {
  const indexFile = path.join(distDir, 'index.html');
  const files = serveStatic({ root: distDir });
  const headers = secureHeaders(PAGE_HEADERS);
  app.use('*', async (c, next) => (isServerPath(c.req.path) ? next() : headers(c, next)));
  app.use('*', async (c, next) => {
    if (isServerPath(c.req.path)) return next();
    return files(c, next);
  });
  app.get('*', async (c) => {
    if (isServerPath(c.req.path)) return c.json({ error: 'not found' }, 404);
    try {
      // read per request: a rebuilt client is picked up without a restart, and it is small
      return c.html(await readFile(indexFile, 'utf8'));
    } catch {
      return c.text('The client is not built: run `npm run build`.', 404);
    }
  });
}

function isServerPath(p: string): boolean {
  return p === '/api' || p.startsWith('/api/') || p === '/ws' || p.startsWith('/ws/');
}
