/**
 * Serves the Vite build (`dist/`): files as they are, and `index.html` for the client's routes
 * (`/`, `/b/:id`, `/b/:id/brief`), so they work on reload. A path that looks like a file and is
 * not one (`/robots.txt`, `/x.js`, `/assets/old.css`) is a plain 404: answering it with the page
 * and 200 would hand a crawler, a script tag or a cache an HTML page in place of the file. Any
 * other path gets the page (which says "Page not found") with 404.
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
    const p = c.req.path;
    if (isServerPath(p)) return c.json({ error: 'not found' }, 404);
    const route = APP_ROUTE.test(p);
    if (!route && FILE_LIKE.test(p)) return c.text('Not found', 404);
    try {
      // read per request: a rebuilt client is picked up without a restart, and it is small
      return c.html(await readFile(indexFile, 'utf8'), route ? 200 : 404);
    } catch {
      return c.text('The client is not built: run `npm run build`.', 404);
    }
  });
}

/** The client's routes, as client/main.tsx reads them. */
const APP_ROUTE = /^\/(index\.html)?$|^\/b\/[^/]+(\/brief)?\/?$/;
/** A file name at the end (an extension), or anything under the build's assets folder. */
const FILE_LIKE = /^\/assets\/|\.[a-z0-9]{1,10}$/i;

function isServerPath(p: string): boolean {
  return p === '/api' || p.startsWith('/api/') || p === '/ws' || p.startsWith('/ws/');
}
