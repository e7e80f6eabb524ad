/**
 * `npm run cluster`: three built server processes on one machine, for trying Crossboard as a
 * cluster. Each is `node dist-server/main.js` (this file is built beside it) with its own PORT and
 * the same DATABASE_URL, REDIS_URL and REDIS_PREFIX:
 *
 *   DATABASE_URL   default postgres://postgres@127.0.0.1:5432/crossboard (the database is created
 *                  when it does not exist yet)
 *   REDIS_URL      default redis://127.0.0.1:6379
 *   REDIS_PREFIX   default crossboard:
 *   METRICS_PORT   when set, each process serves /metrics on METRICS_PORT plus its index (0, 1, 2)
 *   --ports a,b,c  default 8787,8788,8789
 *
 * Every line a process prints is prefixed with its port. Ctrl-C (SIGINT) or SIGTERM stops all of
 * them the way a deployment would: each gets SIGTERM and drains; this exits when the last one has,
 * with 0 when every process exited 0. A process that dies on its own is reported and the others
 * carry on (kill one to watch its boards move to the others).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { metricsPortFromEnv } from '../environment.ts';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/crossboard';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_PORTS = [8787, 8788, 8789];

/** Creates the database DATABASE_URL names if it does not exist, connecting to `postgres` to do it. */
export async function ensureDatabase(databaseUrl: string): Promise<'created' | 'exists'> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL names no database: ${redact(databaseUrl)}`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return 'exists';
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // another run created it between the check and here: 42P04 when it had finished, 23505
      // (pg_database's unique name index) when both were creating it at the same moment
      const code = (error as { code?: string }).code;
      if (code === '42P04' || code === '23505') return 'exists';
      throw error;
    }
    return 'created';
  } finally {
    await client.end();
  }
}

async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // the connection's own error says more than the closed connection connect() reports
  let connectionError: Error | undefined;
  redis.on('error', (error: Error) => (connectionError ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw connectionError ?? error;
  } finally {
    redis.disconnect();
  }
}

/** A URL as it may be printed: without its password. */
function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.href;
  } catch {
    return '(not a URL)';
  }
}

function parsePorts(raw: string | undefined): number[] {
  if (raw === undefined) return DEFAULT_PORTS;
  const ports = raw.split(',').map((p) => Number(p.trim()));
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new Error(`--ports takes ports separated by commas, got "${raw}"`);
  }
  return ports;
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string, write: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => write(`${prefix} ${line}\n`));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ports: { type: 'string' } } });
  const ports = parsePorts(values.ports);
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const redisPrefix = process.env.REDIS_PREFIX || 'crossboard:';
  const serverFile = path.join(import.meta.dirname, 'main.js');
  if (!existsSync(serverFile)) throw new Error(`${serverFile} is missing: run \`npm run build\` first`);

  try {
    const database = await ensureDatabase(databaseUrl);
    console.log(`cluster: PostgreSQL database ${database === 'created' ? 'created' : 'found'} at ${redact(databaseUrl)}`);
  } catch (error) {
    throw new Error(`cluster: cannot reach PostgreSQL at ${redact(databaseUrl)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await checkRedis(redisUrl);
  } catch (error) {
    throw new Error(`cluster: cannot reach Redis at ${redact(redisUrl)}: ${(error as Error).message}`, { cause: error });
  }
  console.log(`cluster: Redis at ${redact(redisUrl)}, key prefix "${redisPrefix}"; starting ${ports.length} processes on ${ports.join(', ')}`);

  const exits: Promise<number>[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;
  const metricsPort = metricsPortFromEnv(process.env);
  for (const [index, port] of ports.entries()) {
    // one METRICS_PORT for all would stop every process but the first at start
    const metrics = metricsPort ? { METRICS_PORT: String(metricsPort + index) } : {};
    const child = spawn(process.execPath, ['--enable-source-maps', serverFile], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, ...metrics },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[${port}]`;
    prefixLines(child.stdout!, prefix, (line) => process.stdout.write(line));
    prefixLines(child.stderr!, prefix, (line) => process.stderr.write(line));
    children.push(child);
    exits.push(
      new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          if (!stopping) {
            const running = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
            console.log(`cluster: ${prefix} exited on its own (${signal ?? `code ${code}`}); ${running} still running`);
          }
          resolve(code ?? 1);
        }),
      ),
    );
  }

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`cluster: ${signal}: stopping ${children.length} processes`);
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const codes = await Promise.all(exits);
  console.log(`cluster: stopped (exit codes ${codes.join(', ')})`);
  process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
