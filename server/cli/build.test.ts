/**
 * The built server: compiled with esbuild (the same `buildServer` that `npm run build` runs) into
 * a scratch folder inside the project, then run with plain `node` — no tsx — as a real child
 * process: it answers /api/health, syncs two y-websocket clients, renders a PDF in its worker
 * thread (the compiled worker and the font files it reads by path), and on SIGTERM closes its
 * sockets with 1012, stores the board and exits 0. And `npm run serve`, run from a copy of
 * package.json beside the build: npm's child is the server itself (exec), so SIGTERM to that
 * child or to npm stops the server gracefully.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBoardResponse, HealthResponse } from '../../shared/api.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import { boardText, connectProvider, storedText, text, waitFor, whenSynced } from '../test/harness.ts';
import { startServerProcess, type ServerProcess } from '../test/process.ts';
import { addTextCardsOverSocket, writeThenTerminate } from '../test/session.ts';
import { buildServer, type BuiltServer } from './build.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
/** a project folder inside this one: package.json and dist-server/, as `npm run build` leaves them */
let project: string;
let built: BuiltServer;

beforeAll(async () => {
  const scratch = path.join(root, '.scratch');
  mkdirSync(scratch, { recursive: true });
  project = mkdtempSync(path.join(scratch, 'built-server-'));
  copyFileSync(path.join(root, 'package.json'), path.join(project, 'package.json'));
  built = await buildServer(path.join(project, 'dist-server'));
}, 30_000);
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-built-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startBuilt(dataDir: string): Promise<ServerProcess> {
  const child = await startServerProcess(dataDir, { args: [path.join(built.outDir, 'main.js')] });
  cleanups.push(child.kill);
  return child;
}

/** Runs the built server with this environment and no more; resolves with its exit code and output. */
function runBuilt(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(built.outDir, 'main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('the built server', () => {
  it('is plain JavaScript that needs no tsx, the worker beside it', () => {
    for (const file of built.files) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/from\s*["']tsx(\/|["'])/);
      expect(code, file).not.toMatch(/\.ts["']\)?;?$/m);
    }
    expect(built.files.map((f) => path.basename(f))).toContain('renderWorker.mjs');
    expect(JSON.parse(readFileSync(path.join(built.outDir, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
  });

  it('imports only packages listed in dependencies: the container has no devDependencies at run time', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const imported = new Set(built.externalImports.map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')));
    expect([...imported]).toEqual(expect.arrayContaining(['better-sqlite3', 'hono', 'yjs', 'pdfkit']));
    expect([...imported].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
    // read by path rather than imported: the PDF's font
    expect(pkg.dependencies).toHaveProperty('source-sans');
  });

  it('main.js loads only Node built-ins before it opens its port; the server comes with import() after, without Lexical or the renderers', () => {
    const main = path.join(built.outDir, 'main.js');
    // what a file imports statically, and what those import, and so on (import() is not followed)
    const loadedFirst = (file: string, seen = new Set<string>()): string[] => {
      if (seen.has(file)) return [];
      seen.add(file);
      const specifiers = [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\s+(?:[^;]*?\sfrom\s*)?"([^"]+)"/g)].map((m) => m[1]!);
      return specifiers.flatMap((s) => (s.startsWith('.') ? loadedFirst(path.resolve(path.dirname(file), s), seen) : [s]));
    };
    const first = loadedFirst(main);
    expect(first.length).toBeGreaterThan(0);
    expect(first.filter((s) => !s.startsWith('node:'))).toEqual([]);
    const app = /import\("\.\/(app-[\w-]+\.js)"\)/.exec(readFileSync(main, 'utf8'))?.[1];
    expect(app).toBeDefined();
    // the server at start: no editor, no renderers (they load when a body is written or a brief rendered)
    const atStart = loadedFirst(path.join(built.outDir, app!));
    expect(atStart).toContain('yjs');
    expect(atStart.filter((s) => /^(lexical|@lexical\/|pdfkit|docx)/.test(s))).toEqual([]);
  });

  it('is never built into the client folder the server serves, nor outside the project', async () => {
    await expect(buildServer(path.join(root, 'dist'))).rejects.toThrow(/folder of its own/);
    await expect(buildServer(path.join(tmpdir(), 'crossboard-outside'))).rejects.toThrow(/folder of its own/);
  });

  it('runs with node: health, a WebSocket sync, a PDF from its worker; SIGTERM drains and exits 0', async () => {
    const dataDir = tempDir();
    const child = await startBuilt(dataDir);

    const health = await fetch(`${child.url}/api/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as HealthResponse).ok).toBe(true);

    const board = await createBoard(child.url);
    await addTextCardsOverSocket(child, board);

    const writer = connectProvider(child, board.id, board.tokens.facilitator);
    const reader = connectProvider(child, board.id, board.tokens.viewer);
    cleanups.push(() => writer.destroy(), () => reader.destroy());
    const closes: number[] = [];
    writer.on('connection-close', (event) => {
      if (event) closes.push(event.code);
    });
    await Promise.all([whenSynced(writer), whenSynced(reader)]);
    boardText(writer.doc).insert(0, 'through the built server');
    await waitFor(() => text(reader.doc) === 'through the built server', 5000, 'the write reaching the other client');

    const pdf = await fetch(`${child.url}/api/boards/${board.id}/brief.pdf`, { headers: { authorization: `Bearer ${board.tokens.facilitator}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    // the text is set in the embedded Source Sans, read by path from node_modules
    expect(new TextDecoder('latin1').decode(bytes)).toMatch(/SourceSans3/);

    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    await waitFor(() => closes.length > 0, 5000, 'the close event');
    expect(closes[0]).toBe(CloseCode.serviceRestart);
    writer.destroy();
    reader.destroy();

    const storage = SqliteStorage.open(dataDir);
    cleanups.push(() => storage.close());
    expect((await storage.documents.loadDocument(board.id)).updates).toHaveLength(0);
    expect(await storedText(storage, board.id)).toBe('through the built server');
  }, 30_000);

  it('refuses settings it cannot use, naming them, without a stack trace', async () => {
    const dataDir = tempDir();
    const port = await runBuilt({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect(port.code).toBe(1);
    expect(port.output).toContain('Crossboard cannot start: PORT must be a port number');
    expect(port.output).not.toMatch(/\n\s+at /);

    const redis = await runBuilt({ DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379/5' });
    expect(redis.code).toBe(1);
    expect(redis.output).toContain('REDIS_URL is set but DATABASE_URL is not');

    const maps = await runBuilt({ DATA_DIR: dataDir, SERVE_SOURCEMAPS: 'yes' });
    expect(maps.code).toBe(1);
    expect(maps.output).toContain('SERVE_SOURCEMAPS must be 1');

    const secret = 'hunter2-secret';
    const database = await runBuilt({ DATA_DIR: dataDir, DATABASE_URL: `mysql://me:${secret}@db/crossboard` });
    expect(database.code).toBe(1);
    expect(database.output).toContain('DATABASE_URL must be a postgres:// URL');
    expect(database.output).not.toContain(secret);
  }, 20_000);

  it.each(['the server npm started', 'npm itself'])('npm run serve: SIGTERM to %s stops the server gracefully', async (target) => {
    const dataDir = tempDir();
    const npm = spawn('npm', ['run', 'serve', '--prefix', project], {
      cwd: dataDir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => npm.exitCode === null && npm.signalCode === null && npm.kill('SIGKILL'));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const url = await listeningUrl(npm);

    // exec: npm's one child is node running the built server, not a shell around it
    const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(npm.pid)], { encoding: 'utf8' }).trim().split('\n');
    expect(children).toHaveLength(1);
    const [pid, ...args] = children[0]!.trim().split(/\s+/);
    expect(args[0]).toMatch(/node$/);
    expect(args.at(-1)).toBe('dist-server/main.js');
    expect((await fetch(`${url}/api/health`)).status).toBe(200);

    const board = await createBoard(url);
    const wsUrl = url.replace(/^http/, 'ws') + '/ws';
    await addTextCardsOverSocket({ wsUrl }, board);
    const signalled = { kill: (signal: NodeJS.Signals) => process.kill(target === 'npm itself' ? npm.pid! : Number(pid), signal) };
    expect(await writeThenTerminate({ wsUrl, exited, process: signalled }, board, 'stored through npm')).toEqual({
      exitCode: 0,
      closeCode: CloseCode.serviceRestart,
    });
    expect(output(npm)).toContain('SIGTERM: storing boards and closing connections');
    expect(() => process.kill(Number(pid), 0)).toThrow();
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();

    const storage = SqliteStorage.open(dataDir);
    cleanups.push(() => storage.close());
    expect(await storedText(storage, board.id)).toBe('stored through npm');
  }, 30_000);
});

async function createBoard(url: string): Promise<CreateBoardResponse> {
  const created = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Built' }),
  });
  expect(created.status).toBe(201);
  return (await created.json()) as CreateBoardResponse;
}

const outputs = new WeakMap<ChildProcess, string[]>();
function output(child: ChildProcess): string {
  return (outputs.get(child) ?? []).join('');
}

/** Resolves with the URL the server prints once it listens (the first line tests parse). */
function listeningUrl(child: ChildProcess): Promise<string> {
  const chunks: string[] = [];
  outputs.set(child, chunks);
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      chunks.push(chunk.toString());
      const match = chunks.join('').match(/Crossboard listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before listening:\n${chunks.join('')}`)));
  });
}
