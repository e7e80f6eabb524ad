/**
 * One log line per HTTP request, under a request id. The id is the caller's `X-Request-Id` when
 * it is a plain short word (a proxy in front that already made one, so the two logs join), else
 * a new UUID; either way it is echoed in the response's `X-Request-Id`, so a person reporting a
 * problem can quote it. The board's socket route logs it too, tying a connection to its upgrade.
 *
 * The line has the method, the path without its query string (where board links carry their
 * tokens; log.ts scrubs every line as well), the status and the time taken. Probes that a
 * container runtime or load balancer sends every few seconds are logged at debug, so they do not
 * drown the rest.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { requestId } from 'hono/request-id';
import type { Logger } from './log.ts';

/** Longest incoming X-Request-Id kept (hono also keeps only letters, digits, `_`, `-` and `=`). */
const MAX_REQUEST_ID = 64;
const PROBES = new Set(['/api/health', '/api/ready']);

/**
 * Requests the socket route handed to the WebSocket upgrade. Their Hono response is a placeholder
 * 200 that is never sent (the socket switches protocols instead), so their line says 101.
 */
const upgraded = new WeakSet<Request>();

export function markUpgraded(c: Context): void {
  upgraded.add(c.req.raw);
}

export function requestIds() {
  return requestId({ limitLength: MAX_REQUEST_ID });
}

export function requestLog(logger: Logger) {
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    await next();
    const path = c.req.path;
    logger[PROBES.has(path) ? 'debug' : 'info']('request', {
      method: c.req.method,
      path,
      status: upgraded.has(c.req.raw) ? 101 : c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      requestId: c.var.requestId,
    });
  });
}
