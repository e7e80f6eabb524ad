import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { VIEWER_MESSAGE } from '../shared/protocol.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import {
  connectProvider,
  connectStandardProvider,
  addTextCards,
  boardText,
  serverText,
  startServer,
  storedText,
  text,
  upgradeStatus,
  waitFor,
  whenSynced,
  type TestServer,
} from './test/harness.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options?: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(options);
  cleanups.push(() => s.close());
  return s;
}

function provider(...args: Parameters<typeof connectProvider>) {
  const p = connectProvider(...args);
  cleanups.push(() => p.destroy());
  return p;
}

describe('sync between unmodified y-websocket providers', () => {
  it('two providers converge, a third joining later gets everything', async () => {
    const s = await server();
    const board = await s.createBoard();
    await addTextCards(s, board.id);
    const a = provider(s, board.id, board.tokens.facilitator);
    const b = provider(s, board.id, board.tokens.contributor);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    boardText(a.doc).insert(0, 'hello ');
    boardText(b.doc).insert(0, 'world ');
    await waitFor(() => text(a.doc).length === 12 && text(a.doc) === text(b.doc), 5000, 'convergence');
    const c = provider(s, board.id, board.tokens.viewer);
    await whenSynced(c);
    expect(text(c.doc)).toBe(text(a.doc));
    expect(await storedText(s.storage, board.id)).toBe(text(a.doc));
  });

  it('two boards do not leak into each other', async () => {
    const s = await server();
    const one = await s.createBoard({ title: 'one' });
    const two = await s.createBoard({ title: 'two' });
    await addTextCards(s, one.id);
    await addTextCards(s, two.id);
    const a = provider(s, one.id, one.tokens.contributor);
    const b = provider(s, two.id, two.tokens.contributor);
    const a2 = provider(s, one.id, one.tokens.contributor);
    await Promise.all([whenSynced(a), whenSynced(b), whenSynced(a2)]);
    boardText(a.doc).insert(0, 'only on one');
    await waitFor(() => text(a2.doc) === 'only on one');
    boardText(b.doc).insert(0, 'two');
    await waitFor(() => text(a2.doc) === 'only on one' && serverText(s, two.id) === 'two');
    expect(text(b.doc)).toBe('two');
    expect(await storedText(s.storage, two.id)).toBe('two');
    expect(await storedText(s.storage, one.id)).toBe('only on one');
  });

  it('awareness is relayed and removed when a connection leaves', async () => {
    const s = await server();
    const board = await s.createBoard();
    const a = provider(s, board.id, board.tokens.contributor);
    const b = provider(s, board.id, board.tokens.viewer);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    a.awareness.setLocalStateField('user', { name: 'Ada' });
    b.awareness.setLocalStateField('user', { name: 'Viewer Vic' });
    await waitFor(() => b.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada', 5000, 'a seen by b');
    await waitFor(() => a.awareness.getStates().has(b.doc.clientID), 5000, 'viewer presence seen by a');
    a.destroy();
    await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), 5000, 'a removed at b');
  });
});

describe('roles and access', () => {
  it("a viewer's edits change nothing on the server or other clients; it is told it is read-only", async () => {
    const s = await server();
    const board = await s.createBoard();
    await addTextCards(s, board.id);
    const writer = provider(s, board.id, board.tokens.contributor);
    const viewer = provider(s, board.id, board.tokens.viewer);
    await Promise.all([whenSynced(writer), whenSynced(viewer)]);
    await waitFor(() => viewer.control.length > 0, 5000, 'hello');
    expect(viewer.control[0]).toMatchObject({ type: 'hello', role: 'viewer', readOnly: true, message: VIEWER_MESSAGE });
    expect(writer.control[0]).toMatchObject({ type: 'hello', role: 'contributor', readOnly: false });

    boardText(viewer.doc).insert(0, 'vandalism');
    boardText(writer.doc).insert(0, 'real');
    await waitFor(() => text(viewer.doc).includes('real'), 5000, 'writer edit reaches viewer');
    // the viewer's own edit was sent before the writer's; by the time the writer's edit went
    // round, the server has handled (and dropped) the viewer's
    await waitFor(() => serverText(s, board.id) === 'real');
    expect(text(writer.doc)).toBe('real');
    expect(await storedText(s.storage, board.id)).toBe('real');
    expect(viewer.wsconnected).toBe(true);
    // a fresh client sees no trace of the viewer's edit either
    const late = provider(s, board.id, board.tokens.facilitator);
    await whenSynced(late);
    expect(text(late.doc)).toBe('real');
  });

  it('a standard client logs the unknown type-100 message and keeps syncing', async () => {
    const s = await server();
    const board = await s.createBoard();
    await addTextCards(s, board.id);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    cleanups.push(() => errors.mockRestore());
    const plain: WebsocketProvider = connectStandardProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => plain.destroy());
    const other = provider(s, board.id, board.tokens.contributor);
    await Promise.all([whenSynced(plain), whenSynced(other)]);
    await waitFor(() => errors.mock.calls.some((c) => String(c[0]).includes('Unable to compute message')));
    boardText(other.doc).insert(0, 'still works');
    await waitFor(() => text(plain.doc) === 'still works');
  });

  it('refuses the upgrade: 401 without or with a wrong token, 404 for an unknown board', async () => {
    const s = await server();
    const board = await s.createBoard();
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}`)).toBe(401);
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${s.wsUrl}/nope?token=${board.tokens.viewer}`)).toBe(404);
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${board.tokens.viewer}`)).toBe(101);
    // a token of another board is as wrong as any
    const other = await s.createBoard();
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${other.tokens.facilitator}`)).toBe(401);
  });
});

describe('persistence', () => {
  it('restart on the same DATA_DIR: all content is back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const storage1 = SqliteStorage.open(dir);
    const s1 = await startServer({ storage: storage1, limits: { idleUnloadMs: 60_000 } });
    const board = await s1.createBoard({ title: 'Persistent' });
    await addTextCards(s1, board.id);
    const a = connectProvider(s1, board.id, board.tokens.contributor);
    await whenSynced(a);
    boardText(a.doc).insert(0, 'survives restarts');
    await waitFor(() => serverText(s1, board.id) === 'survives restarts');
    a.destroy();
    await s1.close();
    storage1.close();

    const storage2 = SqliteStorage.open(dir);
    cleanups.push(() => storage2.close());
    const s2 = await server({ storage: storage2 });
    const b = provider(s2, board.id, board.tokens.viewer);
    await whenSynced(b);
    expect(text(b.doc)).toBe('survives restarts');
    const res = await fetch(`${s2.url}/api/boards/${board.id}`, {
      headers: { authorization: `Bearer ${board.tokens.viewer}` },
    });
    expect(((await res.json()) as { title: string }).title).toBe('Persistent');
  });

  it('an idle board is stored and unloaded, and comes back from storage', async () => {
    const s = await server({ limits: { idleUnloadMs: 0 } });
    const board = await s.createBoard();
    await addTextCards(s, board.id);
    const a = provider(s, board.id, board.tokens.contributor);
    await whenSynced(a);
    boardText(a.doc).insert(0, 'stored on unload');
    await waitFor(() => serverText(s, board.id) === 'stored on unload');
    a.destroy();
    await waitFor(() => s.rooms.loadedCount === 0, 5000, 'unload');
    const stored = await s.storage.documents.loadDocument(board.id);
    expect(stored.updates).toHaveLength(0);
    const b = provider(s, board.id, board.tokens.contributor);
    await whenSynced(b);
    expect(text(b.doc)).toBe('stored on unload');
  });
});

export { Y };
