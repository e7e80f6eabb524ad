/**
 * The settings main.ts reads from the environment for where the process listens, what it logs
 * and what it shares with other processes, checked so that a mistyped value stops the start with
 * a message naming the variable, rather than a process that runs with something else.
 */

/** How processes meet when several serve the same boards. */
export type ClusterSettings = {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`); a database number is kept */
  redisUrl: string;
  /** put before every Redis key, so that installations can share one Redis */
  redisPrefix: string;
};

export const DEFAULT_PORT = 8787;
export const DEFAULT_REDIS_PREFIX = 'crossboard:';

type Env = Record<string, string | undefined>;

/** What LOG_LEVEL takes (pino's names). Here rather than in log.ts: main.ts reads the environment before pino is loaded. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** PORT: 0 to 65535 (0 picks a free port); default 8787. */
export function portFromEnv(env: Env): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) throw new Error(`PORT must be a port number from 0 to 65535, got "${raw}"`);
  return port;
}

/**
 * METRICS_PORT: where Prometheus scrapes `/metrics`, on a listener of its own so that the public
 * port never shows them. Unset (the default): no metrics listener at all. 0 picks a free port.
 */
export function metricsPortFromEnv(env: Env): number | undefined {
  const raw = env.METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 65535) throw new Error(`METRICS_PORT must be a port number from 0 to 65535, got "${raw}"`);
  return Number(raw);
}

/** LOG_LEVEL: debug, info (default), warn, error or silent. */
export function logLevelFromEnv(env: Env): LogLevel {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  const level = LOG_LEVELS.find((l) => l === raw.trim().toLowerCase());
  if (!level) throw new Error(`LOG_LEVEL must be ${LOG_LEVELS.slice(0, -1).join(', ')} or silent, got "${raw}"`);
  return level;
}

/** The first file descriptor systemd passes (SD_LISTEN_FDS_START). */
export const SYSTEMD_FIRST_FD = 3;

/**
 * LISTEN_FDS and LISTEN_PID, systemd's socket activation: the listening socket systemd opened and
 * keeps open across restarts of the service, so that clients connecting while it restarts wait
 * in the socket's backlog instead of being refused. Returns its file descriptor, or undefined
 * when none was passed to this process (LISTEN_PID names another: the variables were inherited
 * from a parent, as sd_listen_fds(3) ignores them then).
 */
export function listenFdFromEnv(env: Env, pid: number): number | undefined {
  const fds = env.LISTEN_FDS;
  if (fds === undefined || fds === '') return undefined;
  if (env.LISTEN_PID !== String(pid)) return undefined;
  if (fds.trim() !== '1') throw new Error(`LISTEN_FDS must be 1: Crossboard listens on one socket (set one ListenStream= in its .socket unit), got "${fds}"`);
  return SYSTEMD_FIRST_FD;
}

/** TRUST_PROXY_HOPS: how many proxies in front append to X-Forwarded-For (0 to 10; default 0). */
export function trustProxyHopsFromEnv(env: Env): number {
  const raw = env.TRUST_PROXY_HOPS;
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 10) throw new Error(`TRUST_PROXY_HOPS must be a number of proxies from 0 to 10, got "${raw}"`);
  return Number(raw);
}

/**
 * SERVE_SOURCEMAPS: 1 serves the client's source maps (`*.map`), for a developer reading a stack
 * trace; unset or 0 keeps them back (the build still writes them, for reading error reports).
 */
export function serveSourceMapsFromEnv(env: Env): boolean {
  const raw = env.SERVE_SOURCEMAPS;
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`SERVE_SOURCEMAPS must be 1 (serve the client's source maps) or 0, got "${raw}"`);
}

/** DATABASE_URL: a `postgres://` or `postgresql://` URL, or unset (SQLite in DATA_DIR). */
export function databaseUrlFromEnv(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  const url = parseUrl('DATABASE_URL', raw);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must be a postgres:// URL, got one starting "${url.protocol}//"`);
  }
  if (url.pathname.replace(/^\//, '') === '') throw new Error('DATABASE_URL must name a database (postgres://host:5432/<database>)');
  return raw;
}

/** REDIS_URL and REDIS_PREFIX: unset REDIS_URL means this process is alone. */
export function clusterFromEnv(env: Env): ClusterSettings | undefined {
  const raw = env.REDIS_URL;
  const prefix = env.REDIS_PREFIX;
  if (raw === undefined || raw === '') {
    if (prefix) throw new Error('REDIS_PREFIX is set but REDIS_URL is not');
    return undefined;
  }
  const url = parseUrl('REDIS_URL', raw);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got one starting "${url.protocol}//"`);
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`REDIS_URL's path must be a database number (redis://host:6379/5), got "/${db}"`);
  const redisPrefix = prefix === undefined || prefix === '' ? DEFAULT_REDIS_PREFIX : prefix;
  if (redisPrefix.length > 100 || /[\s*?[\]]/.test(redisPrefix)) {
    throw new Error('REDIS_PREFIX must be at most 100 characters, without spaces or the pattern characters * ? [ ]');
  }
  return { redisUrl: raw, redisPrefix };
}

function parseUrl(name: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    // the value may hold a password: do not repeat it
    throw new Error(`${name} is not a URL`);
  }
}
