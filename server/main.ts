/**
 * The process entry point, and the only place that reads the environment:
 *
 *   PORT               port to listen on (default 8787; 0 picks a free one)
 *   HOST               interface to bind (default: all)
 *   LISTEN_FDS, LISTEN_PID  set by systemd's socket activation: listen on the socket it passes
 *                      (fd 3) instead of PORT and HOST; it stays open while the service restarts
 *   DATABASE_URL       PostgreSQL, for several processes serving the same boards
 *                      (postgres://user@host:5432/db); unset: SQLite in DATA_DIR
 *   REDIS_URL          Redis between those processes (redis://host:6379, or redis://host:6379/5 for
 *                      database 5); needs DATABASE_URL. Unset: this process is alone
 *   REDIS_PREFIX       put before every Redis key, so installations can share one Redis
 *                      (default crossboard:)
 *   TRUST_PROXY_HOPS   proxies in front that append the client's address to X-Forwarded-For
 *                      (1 behind one nginx); the per-address limits then key on that address.
 *                      Default 0: the connection's address, proxy headers ignored
 *   DATA_DIR           where crossboard.sqlite lives (default ./data)
 *   DIST_DIR           the built client (default ./dist)
 *   SERVE_SOURCEMAPS   1 serves the client's source maps (*.map); default: a 404
 *   PUBLIC_URL         origin used in board links (default: each request's own origin)
 *   LOG_LEVEL          debug, info (default), warn, error or silent; logs are JSON lines on stdout
 *   METRICS_PORT       serve Prometheus metrics at http://HOST:METRICS_PORT/metrics (0 picks a free
 *                      port); unset (the default): no metrics listener
 *   CREATE_BOARD_TOKEN when set, POST /api/boards needs it (Authorization: Bearer <token>)
 *   MAX_MESSAGE_BYTES, MAX_BUFFERED_BYTES, MAX_CONNECTIONS_PER_BOARD, MAX_VIEWER_CONNECTIONS_PER_BOARD,
 *   FACILITATOR_CONNECTIONS_PER_BOARD, MESSAGES_PER_SECOND, MESSAGE_BURST,
 *   CONNECTIONS_PER_SECOND_PER_ADDRESS, CONNECTION_BURST_PER_ADDRESS, MAX_AWARENESS_STATE_BYTES,
 *   MAX_AWARENESS_BYTES_PER_BOARD, MAX_BOARD_BYTES, BOARDS_PER_MINUTE_PER_ADDRESS,
 *   BOARD_CREATION_BURST_PER_ADDRESS, SYNC_REQUESTS_PER_SECOND, SYNC_REQUEST_BURST,
 *   COMPACT_AFTER_UPDATES, IDLE_UNLOAD_MS, QUIET_BROADCAST_MS, AWARENESS_BROADCAST_MS,
 *   PRESENCE_BROADCAST_MS   override the limits in config.ts
 *
 * Binds the port first, with only Node built-ins loaded, and holds what arrives while storage and
 * the app load (listener.ts); meanwhile GET /api/ready answers 503 "starting" and GET /api/health
 * 200. Logs `Crossboard listening on http://HOST:PORT (data in …)` as the `msg` of a JSON line once
 * ready, whatever LOG_LEVEL says (tests and benchmarks find it with /listening on (http:\/\/\S+)/),
 * after `metrics on http://HOST:PORT/metrics` when METRICS_PORT is set; then hands the app what
 * was held, and warms a brief render worker in the background. On SIGTERM or SIGINT: GET
 * /api/ready answers 503 from then on, closes every socket with 1012, stores every loaded board,
 * closes storage and the metrics listener, exits 0.
 */
import path from 'node:path';
import type { FenceBook } from './cluster/leaseKeeper.ts';
import type { Limits } from './config.ts';
import {
  clusterFromEnv,
  databaseUrlFromEnv,
  listenFdFromEnv,
  logLevelFromEnv,
  metricsPortFromEnv,
  portFromEnv,
  serveSourceMapsFromEnv,
  trustProxyHopsFromEnv,
} from './environment.ts';
import { listenEarly } from './listener.ts';
import type { Logger } from './log.ts';
import type { MetricsServer } from './metrics/metricsServer.ts';
import { quietMoment } from './quietMoment.ts';
import { answerProbesWhileStarting } from './api/startingProbes.ts';
import type { Storage } from './storage/storage.ts';

const LIMIT_ENV: Record<string, keyof Limits> = {
  MAX_MESSAGE_BYTES: 'maxMessageBytes',
  MAX_BUFFERED_BYTES: 'maxBufferedBytes',
  MAX_CONNECTIONS_PER_BOARD: 'maxConnectionsPerBoard',
  MAX_VIEWER_CONNECTIONS_PER_BOARD: 'maxViewerConnectionsPerBoard',
  FACILITATOR_CONNECTIONS_PER_BOARD: 'facilitatorConnectionsPerBoard',
  MAX_AWARENESS_STATE_BYTES: 'maxAwarenessStateBytes',
  MAX_AWARENESS_BYTES_PER_BOARD: 'maxAwarenessBytesPerBoard',
  MAX_BOARD_BYTES: 'maxBoardBytes',
  BOARDS_PER_MINUTE_PER_ADDRESS: 'boardsPerMinutePerAddress',
  BOARD_CREATION_BURST_PER_ADDRESS: 'boardCreationBurstPerAddress',
  MESSAGES_PER_SECOND: 'messagesPerSecond',
  MESSAGE_BURST: 'messageBurst',
  CONNECTIONS_PER_SECOND_PER_ADDRESS: 'connectionsPerSecondPerAddress',
  CONNECTION_BURST_PER_ADDRESS: 'connectionBurstPerAddress',
  COMPACT_AFTER_UPDATES: 'compactAfterUpdates',
  IDLE_UNLOAD_MS: 'idleUnloadMs',
  QUIET_BROADCAST_MS: 'quietBroadcastMs',
  AWARENESS_BROADCAST_MS: 'awarenessBroadcastMs',
  PRESENCE_BROADCAST_MS: 'presenceBroadcastMs',
  SYNC_REQUESTS_PER_SECOND: 'syncRequestsPerSecond',
  SYNC_REQUEST_BURST: 'syncRequestBurst',
  ANONYMOUS_SECTOR_MIN_VOTERS: 'anonymousSectorMinVoters',
};

function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const [name, key] of Object.entries(LIMIT_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    limits[key] = value;
  }
  return limits;
}

/**
 * PostgreSQL when `DATABASE_URL` is set (connected and migrated before the app serves), else SQLite
 * in `dataDir`. Each is loaded only when chosen: a SQLite server never loads the PostgreSQL client.
 */
async function openStorage(url: string | undefined, dataDir: string, fences: FenceBook | null): Promise<{ storage: Storage; where: string }> {
  if (url) {
    const { PostgresStorage } = await import('./storage/postgres.ts');
    // in a cluster, writes are fenced by the leases this process holds: one paused past its lease writes nothing
    return { storage: await PostgresStorage.open(url, fences ? { fenceOf: fences.fenceOf } : {}), where: 'PostgreSQL' };
  }
  const { SqliteStorage } = await import('./storage/sqlite.ts');
  return { storage: SqliteStorage.open(dataDir), where: dataDir };
}

/**
 * The lines a start and a failed start always print, whatever LOG_LEVEL says: people and tests
 * wait for them. Made once the port is open (pino is not loaded before it); a start that fails
 * earlier loads it then.
 */
let announcing: Logger | null = null;
async function announcer(): Promise<Logger> {
  const { jsonLogger } = await import('./log.ts');
  return (announcing ??= jsonLogger({ level: 'info' }));
}

async function main(): Promise<void> {
  const env = process.env;
  const port = portFromEnv(env);
  const databaseUrl = databaseUrlFromEnv(env);
  const cluster = clusterFromEnv(env);
  if (cluster && !databaseUrl) throw new Error('REDIS_URL is set but DATABASE_URL is not: processes share boards through PostgreSQL');
  const host = env.HOST || undefined;
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const distDir = path.resolve(env.DIST_DIR || './dist');
  const sourceMaps = serveSourceMapsFromEnv(env);
  const metricsPort = metricsPortFromEnv(env);
  const level = logLevelFromEnv(env);
  const limits = limitsFromEnv(env);
  const trustHops = trustProxyHopsFromEnv(env);

  // The port opens before the rest of the server loads: clients that come back after a restart
  // wait for the app instead of being refused and backing off (listener.ts), and the health probes
  // are answered meanwhile (api/startingProbes.ts). Everything below is imported only now, for that reason.
  const listener = await listenEarly({ port, host, fd: listenFdFromEnv(env, process.pid), answerEarly: answerProbesWhileStarting });
  const [{ createApp }, { FenceBook }, { serveClient }, { getRequestListener }, { jsonLogger }, { serveMetrics }, { sharedRenderPool }] = await Promise.all([
    import('./app.ts'),
    import('./cluster/leaseKeeper.ts'),
    import('./static.ts'),
    import('@hono/node-server'),
    import('./log.ts'),
    import('./metrics/metricsServer.ts'),
    import('./brief/pool.ts'),
  ]);
  const logger = jsonLogger({ level });
  const announce = await announcer();

  // several processes on one PostgreSQL database meet through Redis; the storage fences with this process's leases
  const fences = cluster ? new FenceBook() : null;
  const { storage, where } = await openStorage(databaseUrl, dataDir, fences);
  const { app, injectWebSocket, shutdown, ready, metrics } = createApp({
    storage,
    logger,
    limits,
    publicUrl: env.PUBLIC_URL || undefined,
    createBoardToken: env.CREATE_BOARD_TOKEN || undefined,
    cluster: cluster && fences ? { ...cluster, fences } : undefined,
    trustProxyHops: trustHops,
  });
  await ready;
  serveClient(app, distDir, { sourceMaps });

  // before the main port, so that once "listening" is logged everything is up
  let metricsServer: MetricsServer | null = null;
  if (metricsPort !== undefined) {
    metricsServer = await serveMetrics(metrics.withProcessMetrics().registry, { port: metricsPort, hostname: host }).catch((error: unknown) => {
      throw new Error(`METRICS_PORT ${metricsPort}: ${error instanceof Error ? error.message : String(error)}`);
    });
    announce.info(`metrics on ${metricsServer.url}`, { port: metricsServer.port });
  }

  const server = listener.server;
  // logged before what was held is answered: a benchmark timing a restart from this line counts that work
  announce.info(`Crossboard listening on http://${host ?? 'localhost'}:${listener.port} (data in ${where})`, { port: listener.port });
  const serving = listener.open((s) => {
    s.on('request', getRequestListener(app.fetch, { hostname: host }));
    injectWebSocket(s);
  });

  // A first export on a cold worker took seconds (starting, parsing fonts, compiling): warm one
  // in its own thread, so that the first export after a start finds it ready. At the first quiet
  // moment once what was held has been handed over: on a restart, the clients coming back first.
  void serving.then(() => quietMoment()).then(() => {
    const warming = performance.now();
    return sharedRenderPool()
      .warm()
      .then(() => logger.info('brief render worker warm', { ms: Math.round(performance.now() - warming) }));
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: storing boards and closing connections`);
    server.close();
    shutdown()
      .then(
        () => 0,
        (error: unknown) => {
          logger.error('shutdown incomplete', { error: String(error) });
          return 1;
        },
      )
      .then(async (code) => {
        await Promise.resolve(storage.close()).catch((error: unknown) => logger.error('closing storage failed', { error: String(error) }));
        await metricsServer?.close();
        // give the 1012 close frames a moment to leave; nothing is waiting on them
        setTimeout(() => process.exit(code), 100);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // a setting that cannot be used, or a database that cannot be reached: say which, without a stack trace
  const message = `Crossboard cannot start: ${error instanceof Error ? error.message : String(error)}`;
  void announcer()
    .then((log) => log.error(message))
    .finally(() => process.exit(1));
});
