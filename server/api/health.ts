/**
 * Liveness and readiness, for a load balancer, a container's HEALTHCHECK or an orchestrator:
 *
 *   GET /api/health   200 while the process serves HTTP, with how many boards are loaded
 *   GET /api/ready    200 when storage answers a real query (and Redis, in a cluster) and the
 *                     server is not draining; 503 {ready: false, reason} otherwise
 *
 * While the port is open but the app still loading, main.ts answers both (startingProbes.ts):
 * liveness 200, readiness 503 "starting". Readiness turns 503 the moment shutdown begins (SIGTERM
 * or SIGINT in main.ts), so a balancer stops sending new clients while the boards are stored. A check that takes longer than
 * `checkTimeoutMs` counts as unreachable: a database that stopped answering must not hold the probe.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { healthResponse, notReadyResponse, readyResponse, type HealthResponse, type NotReadyResponse, type ReadyResponse } from '../../shared/api.ts';
import type { Logger } from '../log.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { Storage } from '../storage/storage.ts';
import { describeRoute, json } from './openapi.ts';

export type HealthApiDeps = {
  rooms: Rooms;
  storage: Storage;
  /** in a cluster: Redis, pinged like storage */
  redis?: { ping(): Promise<void> };
  /** true from the moment shutdown begins */
  draining: () => boolean;
  logger: Logger;
  /** how long storage or Redis may take to answer before it counts as unreachable; default 2000 ms */
  checkTimeoutMs?: number;
};

/** Resolves when `work` does, rejects when it fails or has not answered in `ms`. */
async function within(ms: number, work: () => unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(work), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthApi(deps: HealthApiDeps): OpenAPIHono {
  const { rooms, storage, redis, logger } = deps;
  const timeoutMs = deps.checkTimeoutMs ?? 2000;
  const api = new OpenAPIHono();

  describeRoute(api, {
    method: 'get',
    path: '/health',
    summary: 'Liveness',
    tags: ['operations'],
    responses: { 200: json(healthResponse, 'the process is up') },
  });
  // how many boards are in memory: lets operators (and the heap benchmark) see unloading work
  api.get('/health', (c) => c.json({ ok: true, rooms: rooms.loadedCount } satisfies HealthResponse));

  // said once when readiness is lost and once when it is back, not on every probe
  let lastReason: NotReadyResponse['reason'] | null = null;
  function report(reason: NotReadyResponse['reason'] | null, error?: string): void {
    if (reason === lastReason) return;
    if (reason) logger.warn('not ready', { reason, ...(error ? { error } : {}) });
    else logger.info('ready again', { was: lastReason });
    lastReason = reason;
  }

  /** Why the server should not take traffic now, or null when it may. */
  async function notReady(): Promise<NotReadyResponse['reason'] | null> {
    if (deps.draining()) {
      report('draining');
      return 'draining';
    }
    const checks: [NotReadyResponse['reason'], () => unknown][] = [['storage unreachable', () => storage.ping()]];
    if (redis) checks.push(['redis unreachable', () => redis.ping()]);
    const failures = await Promise.all(
      checks.map(([reason, check]) =>
        within(timeoutMs, check).then(
          () => null,
          (error: unknown) => ({ reason, error: String(error) }),
        ),
      ),
    );
    const failed = failures.find((f) => f !== null) ?? null;
    report(failed?.reason ?? null, failed?.error);
    return failed?.reason ?? null;
  }

  describeRoute(api, {
    method: 'get',
    path: '/ready',
    summary: 'Readiness',
    description: 'Whether to send this server traffic: storage answers a query (and Redis, in a cluster) and it is not shutting down.',
    tags: ['operations'],
    responses: {
      200: json(readyResponse, 'ready for traffic'),
      503: json(notReadyResponse, 'not ready: still starting (answered by main.ts before the app loads), draining for shutdown, or storage or Redis unreachable'),
    },
  });
  api.get('/ready', async (c) => {
    const reason = await notReady();
    // a balancer must never cache an answer that can change with the next probe
    c.header('Cache-Control', 'no-store');
    if (reason) return c.json({ ready: false, reason } satisfies NotReadyResponse, 503);
    return c.json({ ready: true } satisfies ReadyResponse);
  });

  return api;
}
