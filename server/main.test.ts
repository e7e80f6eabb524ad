/**
 * The real process: `node --import tsx server/main.ts` as a child on PORT=0, killed with SIGKILL
 * in the middle of a write burst, and stopped with SIGTERM. Node loads tsx in-process: the `tsx`
 * command would run the server as a grandchild, and a signal to it would not reach the server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CloseCode } from '../shared/protocol.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import { holdPort } from './test/heldPort.ts';
import { startServerProcess, type ServerProcess } from './test/process.ts';
import { boardText, connectProvider, storedText, text, waitFor, whenSynced } from './test/harness.ts';
import { addTextCardsOverSocket, writeThenTerminate } from './test/session.ts';
import type { CreateBoardResponse } from '../shared/api.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startChild(dataDir: string): Promise<ServerProcess> {
  const child = await startServerProcess(dataDir);
  cleanups.push(child.kill);
  return child;
}

async function createBoard(url: string): Promise<CreateBoardResponse> {
  const res = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Crash test' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as CreateBoardResponse;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-main-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('server process', () => {
  it('SIGKILL right after a burst: every update a client saw broadcast is there after restart', async () => {
    const dataDir = tempDir();
    const first = await startChild(dataDir);
    const board = await createBoard(first.url);
    await addTextCardsOverSocket(first, board);
    const writer = connectProvider(first, board.id, board.tokens.contributor);
    const watcher = connectProvider(first, board.id, board.tokens.viewer);
    cleanups.push(() => writer.destroy(), () => watcher.destroy());
    await Promise.all([whenSynced(writer), whenSynced(watcher)]);

    // everything the server sent the watcher, as Yjs updates
    const seen: Uint8Array[] = [];
    watcher.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === watcher) seen.push(update);
    });
    const burst = boardText(writer.doc);
    for (let i = 0; i < 300; i++) burst.insert(burst.length, `${i},`);
    await waitFor(() => seen.length >= 1, 10_000, 'broadcasts reaching the watcher');
    first.process.kill('SIGKILL');
    await first.exited;
    writer.destroy();
    watcher.destroy();
    expect(seen.length).toBeGreaterThan(0);

    const second = await startChild(dataDir);
    const reader = connectProvider(second, board.id, board.tokens.viewer);
    cleanups.push(() => reader.destroy());
    await whenSynced(reader);
    const restored = text(reader.doc);
    // applying what was seen to the restored state must change nothing
    const check = new Y.Doc();
    Y.applyUpdate(check, Y.encodeStateAsUpdate(reader.doc));
    const before = Y.encodeStateVector(check);
    for (const update of seen) Y.applyUpdate(check, update);
    expect(text(check)).toBe(restored);
    expect(Array.from(Y.encodeStateVector(check))).toEqual(Array.from(before));
    expect(restored.length).toBeGreaterThan(0);
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('SIGTERM: clients get 1012, the board is stored as a snapshot, the process exits 0', async () => {
    const dataDir = tempDir();
    const child = await startChild(dataDir);
    const board = await createBoard(child.url);
    await addTextCardsOverSocket(child, board);
    expect(await writeThenTerminate(child, board, 'stored at shutdown')).toEqual({ exitCode: 0, closeCode: CloseCode.serviceRestart });

    const storage = SqliteStorage.open(dataDir);
    cleanups.push(() => storage.close());
    const stored = await storage.documents.loadDocument(board.id);
    expect(stored.updates).toHaveLength(0);
    expect(await storedText(storage, board.id)).toBe('stored at shutdown');
  }, 60_000);

  it('SIGKILL with the socket held across the restart (systemd socket activation): each client comes back in one attempt, with nothing lost', async () => {
    const dataDir = tempDir();
    const held = await holdPort();
    cleanups.push(held.release);
    const first = await startServerProcess(dataDir, { held });
    cleanups.push(first.kill);
    const board = await createBoard(first.url);
    await addTextCardsOverSocket(first, board);
    const clients = Array.from({ length: 5 }, () => countedProvider(first, board));
    cleanups.push(() => clients.forEach((c) => c.provider.destroy()));
    await Promise.all(clients.map((c) => whenSynced(c.provider)));
    boardText(clients[0]!.provider.doc).insert(0, 'kept');
    await waitFor(() => clients.every((c) => text(c.provider.doc) === 'kept'), 5000, 'everyone has it');

    first.process.kill('SIGKILL');
    await first.exited;
    // every client knocks again while no process serves the port: the socket holds them
    await waitFor(() => clients.every((c) => c.attempts === 2), 10_000, 'everyone knocking');
    const second = await startServerProcess(dataDir, { held });
    cleanups.push(second.kill);
    expect(second.url).toBe(first.url);
    await waitFor(() => clients.every((c) => c.provider.synced), 20_000, 'everyone resynced');
    expect(clients.map((c) => c.attempts)).toEqual([2, 2, 2, 2, 2]);
    boardText(clients[1]!.provider.doc).insert(4, ' and more');
    await waitFor(() => clients.every((c) => text(c.provider.doc) === 'kept and more'), 5000, 'edits flow again');
  }, 60_000);

  it('while the app loads the port is already open: readiness says "starting" at once, liveness 200, and a request waits for the app instead of being refused', async () => {
    const dataDir = tempDir();
    const gate = path.join(dataDir, 'app may load');
    const held = await holdPort();
    cleanups.push(held.release);
    const starting = startServerProcess(dataDir, { held, args: ['--import', 'tsx', '--import', holdingImport('./app.ts', gate), 'server/main.ts'] });
    cleanups.push(async () => {
      writeFileSync(gate, '');
      await starting.then((child) => child.kill());
    });
    const origin = `http://127.0.0.1:${held.port}`;

    let answered = false;
    const created = fetch(`${origin}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Early' }) }).then((res) => {
      answered = true;
      return res;
    });
    const ready = await fetch(`${origin}/api/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, reason: 'starting' });
    const health = await fetch(`${origin}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, rooms: 0 });
    expect(answered).toBe(false);

    writeFileSync(gate, '');
    const child = await starting;
    expect(child.url).toBe(origin);
    expect((await created).status).toBe(201);
    const readyNow = await fetch(`${origin}/api/ready`);
    expect(readyNow.status).toBe(200);
    expect(await readyNow.json()).toEqual({ ready: true });
  }, 60_000);
});

/**
 * A `--import` for the server process that holds back its import of `specifier` until the file
 * `gate` exists: the server is then caught between opening its port and loading its app, for as
 * long as a test needs. A module resolve hook (node:module register), chained before tsx's.
 */
function holdingImport(specifier: string, gate: string): string {
  const hooks = `
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
export async function resolve(specifier, context, next) {
  if (specifier === ${JSON.stringify(specifier)}) while (!existsSync(${JSON.stringify(gate)})) await sleep(10);
  return next(specifier, context);
}`;
  const preload = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return `data:text/javascript,${encodeURIComponent(preload)}`;
}

/** A y-websocket client counting the sockets it opens: its connection attempts. */
function countedProvider(server: ServerProcess, board: CreateBoardResponse): { provider: WebsocketProvider; attempts: number } {
  const counted = { attempts: 0 } as { provider: WebsocketProvider; attempts: number };
  class CountedSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      counted.attempts++;
    }
  }
  counted.provider = new WebsocketProvider(server.wsUrl, board.id, new Y.Doc(), {
    params: { token: board.tokens.contributor },
    WebSocketPolyfill: CountedSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return counted;
}
