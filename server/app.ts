/**
 * Builds the Crossboard server: the JSON API under /api, the board WebSockets under /ws, and the
 * room registry behind them. It never listens and never reads the environment (main.ts does), so
 * tests build as many servers as they like on port 0.
 */
import { createNodeWebSocket } from '@hono/node-ws';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { BlankEnv } from 'hono/types';
import type { Hono } from 'hono';
import { API_HEADERS, secureHeaders } from './securityHeaders.ts';
import { apiBodyLimit } from './api/bodyLimit.ts';
import type { Server } from 'node:http';
import { createApi } from './api/boards.ts';
import { createBriefApi, type BriefApiDeps } from './api/brief.ts';
import { createCommentsApi, DEFAULT_COMMENT_RATE, type CommentsApiDeps } from './api/comments.ts';
import { createHealthApi } from './api/health.ts';
import { serveOpenApi } from './api/openapi.ts';
import { Cluster, type ClusterConfig } from './cluster/cluster.ts';
import { resolveLimits, type Limits } from './config.ts';
import { sharedRenderPool } from './brief/pool.ts';
import { jsonLogger, type Logger } from './log.ts';
import { meteredRenderer, meteredStorage } from './metrics/metered.ts';
import { AppMetrics } from './metrics/metrics.ts';
import { trustProxyHops } from './rateLimit.ts';
import { requestIds, requestLog } from './requestLog.ts';
import { Rooms } from './rooms/rooms.ts';
import { createFacilitationApi } from './api/facilitation.ts';
import { FacilitationService } from './facilitation/facilitationService.ts';
import type { Storage } from './storage/storage.ts';
import { registerSocketRoute } from './ws/socketRoute.ts';

export type AppDeps = {
  storage: Storage;
  /** any subset; the rest are `DEFAULT_LIMITS` */
  limits?: Partial<Limits>;
  logger?: Logger;
  /** origin for the links in API responses (e.g. behind a proxy); default: the request's origin */
  publicUrl?: string;
  /** when set, creating a board needs it (CREATE_BOARD_TOKEN; see api/boards.ts) */
  createBoardToken?: string;
  now?: () => number;
  /** the brief API's hooks: the board's vote results and names setting (from the facilitation session), its renderer */
  brief?: Pick<BriefApiDeps, 'voteResults' | 'showNames' | 'renderer'>;
  /** comments on the brief: how fast one link may leave them, how many a board keeps */
  comments?: Pick<CommentsApiDeps, 'rate' | 'maxPerBoard'>;
  /**
   * Several processes on one shared storage and one Redis (server/cluster/; REDIS_URL, REDIS_PREFIX):
   * boards are owned by lease and sockets relayed to their owner. Unset: this process serves every
   * board itself.
   */
  cluster?: ClusterConfig;
  /** proxies in front that append to X-Forwarded-For (TRUST_PROXY_HOPS); default 0: the connection's own address counts */
  trustProxyHops?: number;
};

export type CrossboardApp = {
  /** the Hono app; more routes (static files) may be added after the ones registered here */
  app: Hono;
  /** attach WebSocket upgrades to the HTTP server returned by `serve()` */
  injectWebSocket(server: Server): void;
  rooms: Rooms;
  /** facilitation: live sessions, link rotation, vote results (`getVoteResults`) */
  facilitation: FacilitationService;
  limits: Limits;
  /** in a cluster: this process's part of it (leases, relays); undefined for a single process */
  cluster?: Cluster;
  /** this app's metrics, in a registry of its own; main.ts serves them on METRICS_PORT */
  metrics: AppMetrics;
  /** resolves once the app can serve (in a cluster: connected to Redis); listen after it */
  ready: Promise<void>;
  /**
   * Turns GET /api/ready to 503 at once (the drain has begun), closes every socket with 1012,
   * stores every loaded board (in a cluster: then gives up its leases, so other processes take the
   * boards over at once), then stops timers. Does not close the HTTP server or the storage:
   * whoever opened them does.
   */
  shutdown(): Promise<void>;
};

export function createApp(deps: AppDeps): CrossboardApp {
  const limits = resolveLimits(deps.limits);
  const logger = deps.logger ?? jsonLogger();
  // read at each scrape; `rooms` exists by then
  const metrics = new AppMetrics((): number => rooms.loadedCount);
  // every stored document update is counted and timed here, whoever stores it
  const storage = meteredStorage(deps.storage, metrics.updateStored);
  // facilitation (phases, votes, drafts) is plugged into every room as it loads
  const cluster = deps.cluster ? new Cluster(deps.cluster, { storage, limits, logger }) : undefined;
  const facilitation = new FacilitationService({
    storage,
    logger,
    now: deps.now,
    minSectorVoters: limits.anonymousSectorMinVoters,
    rotatedElsewhere: cluster?.rotatedElsewhere,
  });
  const rooms = new Rooms({
    storage,
    limits,
    logger,
    hooks: facilitation.hooks,
    ownership: cluster?.keeper,
    broadcastSent: metrics.updateBroadcast,
  });
  cluster?.attach({ rooms, facilitation });
  const shared = cluster?.rateChecks(deps.comments?.rate ?? DEFAULT_COMMENT_RATE);
  // routes describe themselves in the OpenAPI document (api/openapi.ts) as they are mounted
  const app = new OpenAPIHono<BlankEnv>();
  const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });

  app.onError((error, c) => {
    logger.error('request failed', { method: c.req.method, path: c.req.path, requestId: c.get('requestId'), error: String(error) });
    return c.json({ error: 'internal error' }, 500);
  });

  // first, so every later refusal is logged too, under the id it answers with
  app.use('*', requestIds());
  app.use('*', requestLog(logger));

  // the per-address limits key on the client behind the proxies, when they are trusted
  if (deps.trustProxyHops) app.use('*', trustProxyHops(deps.trustProxyHops));
  // Tokens travel in URLs (?token=): never let them leak to other sites through Referer.
  app.use('/api/*', secureHeaders(API_HEADERS));
  // before every route, the board check included: an oversized body is refused unread
  app.use('/api/*', apiBodyLimit(limits.maxApiBodyBytes));
  // set when shutdown begins: readiness answers 503 from then on, so balancers move traffic away
  let draining = false;
  // liveness and readiness, and the API's description: before the board API, whose catch-all answers 404
  app.route('/api', createHealthApi({ rooms, storage, redis: cluster?.bus, draining: () => draining, logger }));
  serveOpenApi(app);
  // before the board API too (vote results and the names setting: see BriefApiDeps)
  app.route(
    '/api',
    createBriefApi({
      storage,
      rooms,
      logger,
      publicUrl: deps.publicUrl,
      now: deps.now,
      // only what may be seen: a brief (or a version saved for one) never carries hidden totals
      voteResults: (id) => facilitation.visibleVoteResults(id),
      ...deps.brief,
      renderer: meteredRenderer(deps.brief?.renderer ?? sharedRenderPool(), metrics),
    }),
  );
  // comments on the brief, pushed live to the board's connections
  app.route(
    '/api',
    createCommentsApi({
      storage,
      rooms,
      logger,
      now: deps.now,
      ...deps.comments,
      ...(cluster && shared ? { publish: cluster.publishToBoard, take: shared.comments } : {}),
    }),
  );
  app.route('/api', createFacilitationApi({ storage, facilitation, logger, publicUrl: deps.publicUrl }));
  app.route(
    '/api',
    createApi({
      storage,
      rooms,
      limits,
      logger,
      publicUrl: deps.publicUrl,
      now: deps.now,
      createBoardToken: deps.createBoardToken,
      creations: shared?.creations,
    }),
  );
  const socketRoute = registerSocketRoute(app, {
    storage,
    rooms,
    limits,
    logger,
    wss,
    upgradeWebSocket,
    connect: cluster?.connect,
    attempts: shared?.attempts,
    sockets: { opened: metrics.connectionOpened, closed: metrics.connectionClosed },
  });

  const ready = cluster ? cluster.start() : Promise.resolve();
  // whoever starts the app awaits it; this keeps a failure from also being an unhandled rejection
  ready.catch(() => undefined);

  let shuttingDown: Promise<void> | null = null;
  const shutdown = () => {
    draining = true;
    shuttingDown ??= (async () => {
      socketRoute.stop();
      // relayed to other processes' boards: closed, and their owners told
      cluster?.closeRelays();
      try {
        await rooms.shutdown();
      } finally {
        // sockets that never reached a room (still authenticating or loading) go too
        for (const ws of wss.clients) ws.close(1012, 'server restarting');
        await cluster?.close();
      }
    })();
    return shuttingDown;
  };

  return {
    app,
    injectWebSocket: (server) => injectWebSocket(server),
    rooms,
    facilitation,
    limits,
    cluster,
    metrics,
    ready,
    shutdown,
  };
}
