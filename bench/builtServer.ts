/**
 * The production build as the client benchmarks run it: `node dist-server/main.js` serving a
 * built client, on a free port with a throwaway DATA_DIR, and the Chromium they drive.
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The checkout: paths below are resolved from it, whatever directory the benchmark runs in. */
export const ROOT = path.resolve(import.meta.dirname, '..');

export { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.ts';

export type Served = { url: string; proc: ChildProcess; dataDir: string };

/** Builds what is missing: the client into dist/, the server into dist-server/ (`npm run build`). */
export function ensureBuilt(distDir: string): void {
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    console.log('building the client (vite build)…');
    execSync('npx vite build', { stdio: 'inherit', cwd: ROOT });
  }
  if (!fs.existsSync(path.join(ROOT, 'dist-server/main.js'))) {
    console.log('building the server (npm run build:server)…');
    execSync('npm run build:server', { stdio: 'inherit', cwd: ROOT });
  }
}

/** The built server serving `distDir`, on a free port. */
export function startServer(distDir: string): Promise<Served> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossboard-bench-'));
  // run in its throwaway data directory: the built server needs nothing from the checkout's
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist-server/main.js')], {
    cwd: dataDir,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DIST_DIR: distDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // the address ends at white space, or at the end of a JSON string if the log is JSON
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (m) resolve({ url: m[1]!.replace('0.0.0.0', 'localhost'), proc, dataDir });
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

export async function stopServer(server: Served): Promise<void> {
  const exited = new Promise((resolve) => server.proc.once('exit', resolve));
  server.proc.kill('SIGTERM');
  await exited;
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}
