/**
 * The server on PostgreSQL: the real app on port 0 with real y-websocket clients, and the real
 * process started with DATABASE_URL, each on a database of its own for this run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/protocol.ts';
import { PostgresStorage } from './storage/postgres.ts';
import { boardText, connectProvider, startServer, storedText, text, waitFor, whenSynced } from './test/harness.ts';
import { createTestDatabase, type TestDatabase } from './test/postgres.ts';
import { startServerProcess } from './test/process.ts';
import { addTextCardsOverSocket, person, writeThenTerminate } from './test/session.ts';
import type { CreateBoardResponse } from '../shared/api.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function storage(): Promise<PostgresStorage> {
  const opened = await PostgresStorage.open(database.url);
  cleanups.push(() => opened.close());
  return opened;
}

describe('server on PostgreSQL', () => {
  it('clients converge, people join, and both survive a restart on the same database', async () => {
    const first = await startServer({ storage: await storage() });
    cleanups.push(() => first.close());
    const board = await first.createBoard();
    await addTextCardsOverSocket(first, board);
    const amira = await person(first, board, 'facilitator', 'Amira');
    const ben = await person(first, board, 'contributor', 'Ben');
    cleanups.push(() => amira.provider.destroy(), () => ben.provider.destroy());
    boardText(amira.provider.doc).insert(0, 'from Amira, ');
    boardText(ben.provider.doc).insert(0, 'from Ben, ');
    await waitFor(() => text(amira.provider.doc) === text(ben.provider.doc) && text(ben.provider.doc).length === 22, 5000, 'convergence');
    const agreed = text(amira.provider.doc);
    amira.provider.destroy();
    ben.provider.destroy();
    await first.close();

    const second = await startServer({ storage: await storage() });
    cleanups.push(() => second.close());
    const reader = connectProvider(second, board.id, board.tokens.viewer);
    cleanups.push(() => reader.destroy());
    await whenSynced(reader);
    expect(text(reader.doc)).toBe(agreed);
    const session = await second.storage.sessions.loadSession(board.id);
    expect(session.participants.map((p) => p.name)).toEqual(expect.arrayContaining(['Amira', 'Ben']));
  }, 30_000);

  it('the process with DATABASE_URL stores in PostgreSQL (no SQLite file) and on SIGTERM stores the board and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'crossboard-pg-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const child = await startServerProcess(dataDir, { env: { DATABASE_URL: database.url } });
    cleanups.push(child.kill);
    const res = await fetch(`${child.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'On PostgreSQL' }),
    });
    expect(res.status).toBe(201);
    const board = (await res.json()) as CreateBoardResponse;
    await addTextCardsOverSocket(child, board);
    expect(await writeThenTerminate(child, board, 'kept in PostgreSQL')).toEqual({ exitCode: 0, closeCode: CloseCode.serviceRestart });
    expect(existsSync(path.join(dataDir, 'crossboard.sqlite'))).toBe(false);
    const stored = await storage();
    expect((await stored.documents.loadDocument(board.id)).updates).toHaveLength(0);
    expect(await storedText(stored, board.id)).toBe('kept in PostgreSQL');
  }, 60_000);
});
