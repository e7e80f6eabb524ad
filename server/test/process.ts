/**
 * The server as a real child process: `node --import tsx server/main.ts`. Node loads tsx
 * in-process, so a signal sent to the child reaches the server itself (the `tsx` command would
 * run it as a grandchild that outlives a SIGKILL of the wrapper).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { socketActivated, type HeldPort } from './heldPort.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

export type ServerProcess = {
  process: ChildProcess;
  url: string;
  wsUrl: string;
  /** where it serves /metrics, when METRICS_PORT was set */
  metricsUrl: string | undefined;
  exited: Promise<number | null>;
  output: string[];
  /** SIGKILL if still running; resolves when it has exited */
  kill(): Promise<void>;
};

/** A port that was free a moment ago: for restarting a server where its clients expect it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    s.on('error', reject);
  });
}

export type ServerProcessOptions = {
  port?: number;
  env?: Record<string, string>;
  /** node's arguments; default `--import tsx server/main.ts` (the built server: `[<dir>/main.js]`) */
  args?: string[];
  /** listen on this socket, passed as systemd's socket activation does (PORT is then unused) */
  held?: HeldPort;
};

export function startServerProcess(dataDir: string, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const argv = [process.execPath, ...(options.args ?? ['--import', 'tsx', 'server/main.ts'])];
  const activated = options.held ? socketActivated(argv) : null;
  const child = spawn(activated?.command ?? argv[0]!, activated?.args ?? argv.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DIST_DIR: path.join(dataDir, 'no-dist'),
      LOG_LEVEL: 'warn',
      ...activated?.env,
      ...options.env,
    },
    stdio: options.held ? ['ignore', 'pipe', 'pipe', options.held.fd] : ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const printed = output.join('');
      const match = printed.match(/Crossboard listening on (http:\/\/\S+)/);
      if (match) {
        const url = match[1]!;
        // logged before "listening", as the msg of a JSON line: the URL ends at the closing quote
        const metricsUrl = printed.match(/"metrics on (http:\/\/[^\s"]+)/)?.[1];
        resolve({ process: child, url, wsUrl: url.replace(/^http/, 'ws') + '/ws', metricsUrl, exited, output, kill });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output.join('')}`)));
  });
}
