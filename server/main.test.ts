/**
 * The real process: `node --import tsx server/main.ts` as a child on PORT=0, killed with SIGKILL
 * in the middle of a write burst, and stopped with SIGTERM. Node loads tsx in-process: the `tsx`
 * command would run the server as a grandchild, and a signal to it would not reach the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../shared/protocol.ts';
import { SqliteStorage } from './storage/sqlite.ts';
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
});
