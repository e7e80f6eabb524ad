import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, MessageType, SyncMessageType } from '../../shared/protocol.ts';
import { resolveLimits, type Limits } from '../config.ts';
import { LeaseLostError } from '../storage/errors.ts';
import { testBoard } from '../storage/fixtures.ts';
import { FakeSocket, ObservedStorage, decodeFrame, insertUpdate } from '../test/fakes.ts';
import { captureLogger, waitFor } from '../test/harness.ts';
import { Rooms } from './rooms.ts';

let rooms: Rooms | null = null;
afterEach(async () => {
  await rooms?.shutdown().catch(() => undefined);
  rooms = null;
});

function setup(limits: Partial<Limits> = {}) {
  const storage = new ObservedStorage();
  const board = testBoard();
  storage.boards.createBoard(board, Y.encodeStateAsUpdate(new Y.Doc()));
  const logger = captureLogger();
  rooms = new Rooms({ storage, logger, limits: resolveLimits({ idleUnloadMs: 0, ...limits }) });
  return { storage, board, logger, rooms };
}

function syncFrame(kind: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** What a client with an empty document would get back for its sync step 1. */
function stateSeenBy(socket: FakeSocket, conn: { receive(d: Uint8Array): void }): string {
  conn.receive(syncFrame(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())));
  const reply = decodeFrame(socket.sent.at(-1)!) as { payload: Uint8Array };
  const doc = new Y.Doc();
  Y.applyUpdate(doc, reply.payload);
  return doc.getText('t').toString();
}

describe('Rooms', () => {
  it('concurrent first gets share one load', async () => {
    const { storage, board, rooms } = setup();
    const [a, b, c] = await Promise.all([rooms.get(board.id), rooms.get(board.id), rooms.get(board.id)]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(storage.loads).toBe(1);
  });

  it('the last connection leaving stores the board, then unloads it', async () => {
    const { storage, board, rooms } = setup();
    const socket = new FakeSocket();
    const conn = rooms.connect(board.id, 'contributor', socket);
    conn.receive(syncFrame(SyncMessageType.update, insertUpdate(new Y.Doc(), 'kept')));
    await waitFor(() => rooms.peek(board.id)?.doc.getText('t').length === 4);
    conn.disconnected();
    await waitFor(() => rooms.loadedCount === 0);
    const stored = storage.inner.documents.loadDocument(board.id);
    expect(stored.updates).toHaveLength(0);
    expect(storage.calls.at(-1)).toBe('compact');
  });

  it('a board whose store is refused because another process owns it now is dropped, not kept for retries', async () => {
    const { storage, board, rooms, logger } = setup();
    const socket = new FakeSocket();
    const conn = rooms.connect(board.id, 'contributor', socket);
    conn.receive(syncFrame(SyncMessageType.update, insertUpdate(new Y.Doc(), 'kept')));
    await waitFor(() => rooms.peek(board.id)?.doc.getText('t').length === 4);
    const fenced = Promise.reject(new LeaseLostError(board.id, 1));
    fenced.catch(() => undefined);
    storage.holdCompact = fenced;
    conn.disconnected();
    await waitFor(() => rooms.loadedCount === 0 && storage.calls.at(-1) === 'compact');
    expect(logger.lines.some((l) => l.message.startsWith('board dropped'))).toBe(true);
    expect(logger.lines.some((l) => l.message.startsWith('could not store board'))).toBe(false);
    // the update was stored when it arrived; the next load has it
    storage.holdCompact = null;
    expect((await rooms.get(board.id)).doc.getText('t').toString()).toBe('kept');
  });

  it('an idle board stays loaded while it has connections', async () => {
    const { board, rooms } = setup();
    const socket = new FakeSocket();
    rooms.connect(board.id, 'viewer', socket);
    await waitFor(() => socket.sent.length > 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(rooms.loadedCount).toBe(1);
  });

  it('a client connecting during an unload waits for the store and gets the stored state', async () => {
    const { storage, board, rooms } = setup();
    const first = new FakeSocket();
    const conn = rooms.connect(board.id, 'contributor', first);
    conn.receive(syncFrame(SyncMessageType.update, insertUpdate(new Y.Doc(), 'stored state')));
    await waitFor(() => rooms.peek(board.id)?.doc.getText('t').length === 12);
    let release!: () => void;
    storage.holdCompact = new Promise((resolve) => (release = resolve));
    conn.disconnected();
    await waitFor(() => storage.calls.at(-1) === 'compact', 2000, 'unload started');

    const second = new FakeSocket();
    const late = rooms.connect(board.id, 'contributor', second);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(second.sent).toHaveLength(0); // held until the store finished
    storage.holdCompact = null;
    release();
    await waitFor(() => second.sent.length >= 2);
    expect(storage.loads).toBe(2); // loaded afresh from what was stored
    expect(stateSeenBy(second, late)).toBe('stored state');
  });

  it('a board whose store fails stays loaded and is stored on a later try', async () => {
    const { storage, board, rooms, logger } = setup();
    const socket = new FakeSocket();
    const conn = rooms.connect(board.id, 'contributor', socket);
    conn.receive(syncFrame(SyncMessageType.update, insertUpdate(new Y.Doc(), 'precious')));
    await waitFor(() => rooms.peek(board.id)?.doc.getText('t').length === 8);
    storage.holdCompact = Promise.reject(new Error('disk full'));
    storage.holdCompact.catch(() => undefined);
    conn.disconnected();
    await waitFor(() => logger.lines.some((l) => l.message.includes('keeping it loaded')));
    expect(rooms.peek(board.id)?.doc.getText('t').toString()).toBe('precious');
    storage.holdCompact = null;
    await waitFor(() => rooms.loadedCount === 0);
    expect(storage.inner.documents.loadDocument(board.id).updates).toHaveLength(0);
  });

  it('shutdown closes every connection with 1012 and stores every loaded board', async () => {
    const { storage, board, rooms } = setup({ idleUnloadMs: 60_000 });
    const other = testBoard();
    storage.boards.createBoard(other, Y.encodeStateAsUpdate(new Y.Doc()));
    const sockets = [new FakeSocket(), new FakeSocket()];
    const conns = [rooms.connect(board.id, 'contributor', sockets[0]!), rooms.connect(other.id, 'contributor', sockets[1]!)];
    conns.forEach((c, i) => c.receive(syncFrame(SyncMessageType.update, insertUpdate(new Y.Doc(), `board ${i}`))));
    await waitFor(() => rooms.loadedCount === 2 && storage.calls.filter((c) => c === 'append').length === 2);
    await rooms.shutdown();
    for (const s of sockets) expect(s.closed).toEqual({ code: CloseCode.serviceRestart, reason: 'server restarting' });
    for (const id of [board.id, other.id]) expect(storage.inner.documents.loadDocument(id).updates).toHaveLength(0);
    expect(rooms.loadedCount).toBe(0);
    // and nobody gets in afterwards
    const late = new FakeSocket();
    rooms.connect(board.id, 'viewer', late);
    await waitFor(() => late.closed !== null);
    expect(late.closed!.code).toBe(CloseCode.serviceRestart);
  });
});
