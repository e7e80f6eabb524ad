/**
 * The servers a benchmark runs against, each a separate process started the same way (with the
 * lag probe loaded), so their figures come from one run on one machine:
 * - crossboard: this repository's server (SQLite in a temp DATA_DIR, durable appends);
 * - reference:  the y-websocket reference server, @y/websocket-server 0.1.1 (in memory);
 * - relay:      a plain WebSocket relay, the floor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const probe = join(root, 'bench', 'lag-probe.mjs');

export type TargetName = 'crossboard' | 'reference' | 'relay';
export type Probe = { at: number; lagP50: number; lagP99: number; lagMax: number; rss: number; heapUsed: number };

export type Target = {
  name: TargetName;
  port: number;
  /** a WebSocket URL for a fresh room (a new board for Crossboard) */
  newRoom(): Promise<string>;
  probes: Probe[];
  /** probes received after `since` (performance.now() time) */
  probesSince(since: number): Probe[];
  stop(): Promise<void>;
  kill9(): Promise<void>;
  /** starts the process again on the same port and data */
  restart(): Promise<void>;
};

export type TargetOptions = {
  /** Crossboard limit overrides, by environment variable name (see server/main.ts) */
  limits?: Record<string, number>;
  dataDir?: string;
  /** extra node flags for the target process */
  nodeArgs?: string[];
};

function freePort(): Promise<number> {
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

export async function startTarget(name: TargetName, options: TargetOptions = {}): Promise<Target> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'crossboard-bench-'));
  const ownsData = !options.dataDir;
  const probes: Probe[] = [];
  let child: ChildProcess;

  const launch = () =>
    new Promise<void>((ok, fail) => {
      const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_OPTIONS: `--import ${probe}` };
      let args: string[];
      if (name === 'crossboard') {
        args = ['--import', 'tsx', 'server/main.ts'];
        Object.assign(env, {
          DATA_DIR: dataDir,
          LOG_LEVEL: 'error',
          ...Object.fromEntries(Object.entries({ ...BENCH_LIMITS, ...options.limits }).map(([k, v]) => [k, String(v)])),
        });
      } else if (name === 'reference') {
        args = ['node_modules/@y/websocket-server/src/server.js'];
        Object.assign(env, { HOST: '127.0.0.1' });
      } else {
        args = ['--import', 'tsx', 'bench/relay.ts'];
      }
      // BENCH_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=prof', to profile a target
      const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
      child = spawn(process.execPath, [...extra, ...(options.nodeArgs ?? []), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let ready = false;
      const timeout = setTimeout(() => fail(new Error(`${name} did not start`)), 20_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        if (!ready && /listening on|running at/.test(chunk)) {
          ready = true;
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
          else if (line.trim()) process.stderr.write(`[${name}] ${line}\n`);
        }
      });
      child.on('exit', (code, signal) => {
        if (!ready) {
          clearTimeout(timeout);
          fail(new Error(`${name} exited before listening (${code ?? signal})`));
        }
      });
    });

  const exited = () =>
    new Promise<void>((ok) => {
      if (child.exitCode !== null || child.signalCode !== null) ok();
      else child.once('exit', () => ok());
    });

  await launch();
  const base = `127.0.0.1:${port}`;
  let roomCounter = 0;
  return {
    name,
    port,
    probes,
    probesSince: (since) => probes.filter((p) => p.at >= since),
    async newRoom() {
      if (name !== 'crossboard') return `ws://${base}/room-${++roomCounter}`;
      const res = await fetch(`http://${base}/api/boards`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: `bench ${++roomCounter}` }),
      });
      if (res.status !== 201) throw new Error(`create board: ${res.status} ${await res.text()}`);
      const board = (await res.json()) as { id: string; tokens: { contributor: string } };
      return `ws://${base}/ws/${board.id}?token=${board.tokens.contributor}`;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited();
      if (ownsData) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited();
    },
    async restart() {
      await launch();
    },
  };
}
