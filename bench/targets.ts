/**
 * The servers a benchmark runs against, each a separate process started the same way (with the
 * lag probe loaded), so their figures come from one run on one machine:
 * - crossboard: this repository's server (SQLite in a temp DATA_DIR, durable appends);
 * - reference:  the y-websocket reference server, @y/websocket-server 0.1.1 (in memory);
 * - relay:      a plain WebSocket relay, the floor;
 * - crossboard-pg1, -pg2, -pg3: 1, 2 or 3 Crossboard processes as one cluster, on a fresh
 *   PostgreSQL database of their own and a Redis key prefix of their own. The load generator
 *   spreads sockets round-robin over the processes (`route`), as a load balancer without sticky
 *   sessions does, so the writer and the readers of one board land on different processes and
 *   what is relayed between them is measured.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { holdPort, socketActivated } from '../server/test/heldPort.ts';
import { createTestDatabase, type TestDatabase } from '../server/test/postgres.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const probe = join(root, 'bench', 'lag-probe.mjs');

export type TargetName = 'crossboard' | 'reference' | 'relay' | ClusterTargetName;
export type ClusterTargetName = 'crossboard-pg1' | 'crossboard-pg2' | 'crossboard-pg3';
export const CLUSTER_TARGETS: readonly ClusterTargetName[] = ['crossboard-pg1', 'crossboard-pg2', 'crossboard-pg3'];

/** The Redis the cluster targets meet through (each run under a key prefix of its own). */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
export type Probe = { at: number; lagP50: number; lagP99: number; lagMax: number; rss: number; heapUsed: number };

export type Target = {
  name: TargetName;
  /** the first process's port */
  port: number;
  /** every process's port (one for all but the cluster targets) */
  ports: number[];
  /** the cluster's PostgreSQL database (cluster targets only) */
  databaseUrl?: string;
  /**
   * The same URL on the next process that is up, round-robin: where a load balancer without
   * sticky sessions would send this socket. Identity for a single process.
   */
  route(url: string): string;
  /** each process's pid (undefined while it is down) */
  pids(): (number | undefined)[];
  /** each process's CPU time so far, in µs (user + system, from /proc/<pid>/stat) */
  cpuMicros(): number[];
  /** sends `signal` to process `i` and resolves when it has exited; `route` skips it from now on */
  signal(i: number, signal: NodeJS.Signals): Promise<void>;
  /** starts process `i` again on its port; `route` uses it again once it listens */
  restartProcess(i: number): Promise<void>;
  /** a WebSocket URL for a fresh room (a new board for Crossboard) */
  newRoom(): Promise<string>;
  probes: Probe[];
  /** probes received after `since` (performance.now() time) */
  probesSince(since: number): Probe[];
  stop(): Promise<void>;
  /** SIGKILL of every process */
  kill9(): Promise<void>;
  /** starts every process again on the same port and data */
  restart(): Promise<void>;
};

export type TargetOptions = {
  /** Crossboard limit overrides, by environment variable name (see server/main.ts) */
  limits?: Record<string, number>;
  dataDir?: string;
  /** extra node flags for the target process */
  nodeArgs?: string[];
  /**
   * Crossboard: run the server built as `npm run serve` runs it (`node dist-server/main.js`,
   * compiled by `npm run build:server`) instead of through tsx, whose compiling at start is no
   * part of a production restart
   */
  built?: boolean;
  /** Crossboard: another checkout of the project to run the server of (e.g. an older commit, for a before/after) */
  checkout?: string;
  /**
   * Crossboard: the listening socket outlives the process, as with systemd socket activation
   * (server/test/heldPort.ts): clients that connect while it restarts wait instead of being refused
   */
  heldSocket?: boolean;
};

/**
 * The project as it was at `commit` (anything `git archive` takes), extracted once into
 * `.scratch/checkout-<commit>/`: inside this project, so its imports resolve to these node_modules.
 */
export function checkoutOf(commit: string): string {
  const dir = join(root, '.scratch', `checkout-${commit.replace(/[^\w.-]/g, '_')}`);
  if (!existsSync(join(dir, 'server'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', commit], { cwd: root, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return dir;
}

/**
 * Builds the server of `checkout` (this project by default) with its own build script into
 * `<checkout>/.scratch/bench-server/`, once per run; returns the path of its main.js.
 */
const builds = new Map<string, string>();
function builtServer(checkout: string): string {
  let main = builds.get(checkout);
  if (!main) {
    const out = join(checkout, '.scratch', 'bench-server');
    execFileSync(process.execPath, ['--import', 'tsx', join(checkout, 'server', 'cli', 'build.ts'), '--out', out], { cwd: checkout, stdio: 'ignore' });
    main = join(out, 'main.js');
    builds.set(checkout, main);
  }
  return main;
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** Limits raised for load generation: one address opens thousands of sockets and writes fast. */
export const BENCH_LIMITS: Record<string, number> = {
  MESSAGES_PER_SECOND: 100_000,
  MESSAGE_BURST: 100_000,
  MAX_CONNECTIONS_PER_BOARD: 10_000,
  CONNECTIONS_PER_SECOND_PER_ADDRESS: 100_000,
  CONNECTION_BURST_PER_ADDRESS: 100_000,
  MAX_VIEWER_CONNECTIONS_PER_BOARD: 10_000,
  MAX_BOARD_BYTES: 1024 * 1024 * 1024,
  BOARD_CREATION_BURST_PER_ADDRESS: 100_000,
};


/** Clock ticks per second of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A process's CPU time so far in µs (utime + stime); 0 once it is gone. */
function cpuMicrosOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
  } catch {
    return 0;
  }
}

function processCount(name: TargetName): number {
  const match = /^crossboard-pg(\d)$/.exec(name);
  return match ? Number(match[1]) : 1;
}

type Proc = { port: number; child?: ChildProcess; up: boolean };

/** Targets started and not yet stopped: a run that is interrupted stops them (and drops their databases). */
const running = new Set<Target>();

export async function stopRunningTargets(): Promise<void> {
  await Promise.all([...running].map((t) => t.stop()));
}

export async function startTarget(name: TargetName, options: TargetOptions = {}): Promise<Target> {
  const count = processCount(name);
  const clustered = name.startsWith('crossboard-pg');
  const procs: Proc[] = [];
  if (options.heldSocket && (count > 1 || !name.startsWith('crossboard'))) throw new Error('heldSocket is for a single Crossboard process');
  const held = options.heldSocket ? await holdPort() : undefined;
  for (let i = 0; i < count; i++) procs.push({ port: held?.port ?? (await freePort()), up: false });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'crossboard-bench-'));
  const ownsData = !options.dataDir;
  const database: TestDatabase | undefined = clustered ? await createTestDatabase() : undefined;
  const redisPrefix = `crossboard-bench:${randomBytes(6).toString('hex')}:`;
  const probes: Probe[] = [];

  const launch = (proc: Proc) =>
    new Promise<void>((ok, fail) => {
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(proc.port), HOST: '127.0.0.1', NODE_OPTIONS: `--import ${probe}` };
      let args: string[];
      if (name === 'reference') {
        args = ['node_modules/@y/websocket-server/src/server.js'];
      } else if (name === 'relay') {
        args = ['--import', 'tsx', 'bench/relay.ts'];
      } else {
        const checkout = options.checkout ?? root;
        args = options.built ? [builtServer(checkout)] : ['--import', 'tsx', join(checkout, 'server', 'main.ts')];
        Object.assign(env, {
          DATA_DIR: dataDir,
          LOG_LEVEL: 'error',
          ...Object.fromEntries(Object.entries({ ...BENCH_LIMITS, ...options.limits }).map(([k, v]) => [k, String(v)])),
        });
        if (database) Object.assign(env, { DATABASE_URL: database.url, REDIS_URL: BENCH_REDIS_URL, REDIS_PREFIX: redisPrefix });
      }
      // BENCH_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=prof', to profile a target
      const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
      const argv = [process.execPath, ...extra, ...(options.nodeArgs ?? []), ...args];
      const activated = held ? socketActivated(argv) : null;
      const child = spawn(activated?.command ?? argv[0]!, activated?.args ?? argv.slice(1), {
        cwd: root,
        env: { ...env, ...activated?.env },
        stdio: held ? ['ignore', 'pipe', 'pipe', held.fd] : ['ignore', 'pipe', 'pipe'],
      });
      proc.child = child;
      const label = count > 1 ? `${name}#${procs.indexOf(proc) + 1}` : name;
      let ready = false;
      const timeout = setTimeout(() => fail(new Error(`${label} did not start`)), 30_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        if (!ready && /listening on|running at/.test(chunk)) {
          ready = true;
          proc.up = true;
          clearTimeout(timeout);
          ok();
        }
      });
      let buffered = '';
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.startsWith('__PROBE__')) probes.push({ at: performance.now(), ...JSON.parse(line.slice(9)) });
          else if (line.trim()) process.stderr.write(`[${label}] ${line}\n`);
        }
      });
      child.on('exit', (code, signal) => {
        proc.up = false;
        if (!ready) {
          clearTimeout(timeout);
          fail(new Error(`${label} exited before listening (${code ?? signal})`));
        }
      });
    });

  const exited = (proc: Proc) =>
    new Promise<void>((ok) => {
      const child = proc.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) ok();
      else child.once('exit', () => ok());
    });

  const signal = async (proc: Proc, sig: NodeJS.Signals) => {
    // a load balancer's health check takes the process out as it goes
    proc.up = false;
    proc.child?.kill(sig);
    await exited(proc);
  };

  const dropRedisKeys = async () => {
    const redis = new Redis(BENCH_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };

  try {
    await Promise.all(procs.map(launch));
  } catch (error) {
    await Promise.all(procs.map((p) => signal(p, 'SIGKILL')));
    await held?.release();
    await database?.drop();
    throw error;
  }
  let roomCounter = 0;
  // sockets and HTTP requests each take the processes in turn
  const turns = { socket: 0, http: 0 };
  const nextUp = (url: string, turn: keyof typeof turns) => {
    if (count === 1) return url;
    for (let tries = 0; tries < count; tries++) {
      const proc = procs[turns[turn]++ % count]!;
      if (proc.up) {
        const u = new URL(url);
        u.port = String(proc.port);
        return u.toString();
      }
    }
    return url;
  };
  const route = (url: string) => nextUp(url, 'socket');
  const base = () => `127.0.0.1:${procs.find((p) => p.up)?.port ?? procs[0]!.port}`;
  const target: Target = {
    name,
    port: procs[0]!.port,
    ports: procs.map((p) => p.port),
    databaseUrl: database?.url,
    probes,
    route,
    pids: () => procs.map((p) => (p.up ? p.child?.pid : undefined)),
    cpuMicros: () => procs.map((p) => cpuMicrosOf(p.up ? p.child?.pid : undefined)),
    signal: (i, sig) => signal(procs[i]!, sig),
    restartProcess: (i) => launch(procs[i]!),
    probesSince: (since) => probes.filter((p) => p.at >= since),
    async newRoom() {
      if (!name.startsWith('crossboard')) return `ws://${base()}/room-${++roomCounter}`;
      // any process creates a board that every process serves: take them in turn
      const origin = nextUp(`http://${base()}`, 'http').replace(/\/$/, '');
      const res = await fetch(`${origin}/api/boards`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: `bench ${++roomCounter}` }),
      });
      if (res.status !== 201) throw new Error(`create board: ${res.status} ${await res.text()}`);
      const board = (await res.json()) as { id: string; tokens: { contributor: string } };
      return `ws://127.0.0.1:${procs[0]!.port}/ws/${board.id}?token=${board.tokens.contributor}`;
    },
    async stop() {
      running.delete(target);
      await Promise.all(procs.map((p) => signal(p, 'SIGTERM')));
      await held?.release();
      if (ownsData) rmSync(dataDir, { recursive: true, force: true });
      if (database) {
        await database.drop();
        await dropRedisKeys().catch((error: unknown) => console.error(`${name}: could not remove its Redis keys: ${String(error)}`));
      }
    },
    async kill9() {
      await Promise.all(procs.map((p) => signal(p, 'SIGKILL')));
    },
    async restart() {
      await Promise.all(procs.map(launch));
    },
  };
  running.add(target);
  return target;
}
