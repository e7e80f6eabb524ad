import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode, MessageType, SyncMessageType } from '../../shared/protocol.ts';
import { resolveLimits, type Limits } from '../config.ts';
import { testBoard } from '../storage/fixtures.ts';
import { FakeSocket, ObservedStorage, decodeFrame, insertUpdate } from '../test/fakes.ts';
import { awarenessFrame, captureLogger, waitFor } from '../test/harness.ts';
import { Rooms } from './rooms.ts';
import type { Role } from '../../shared/schema.ts';

const turn = () => new Promise((resolve) => setImmediate(resolve));

let rooms: Rooms | null = null;
afterEach(async () => {
  await rooms?.shutdown().catch(() => undefined);
  rooms = null;
});

async function setup(limits: Partial<Limits> = {}) {
  const storage = new ObservedStorage();
  const board = testBoard();
  storage.boards.createBoard(board, Y.encodeStateAsUpdate(new Y.Doc()));
  const logger = captureLogger();
  rooms = new Rooms({ storage, logger, limits: resolveLimits({ idleUnloadMs: 60_000, ...limits }) });
  const r = rooms;
  /** Joins and waits for hello; the doc may not be built yet (the server's step 1 not sent). */
  const joinUnbuilt = async (role: Role = 'contributor') => {
    const socket = new FakeSocket();
    const conn = r.connect(board.id, role, socket);
    await waitFor(() => socket.sent.some(isHello) || socket.closed !== null, 2000, 'join');
    return { socket, conn };
  };
  /** Joins with the doc built, so the connection has had everything the join sends. */
  const join = async (role: Role = 'contributor') => {
    const joined = await joinUnbuilt(role);
    void r.peek(board.id)?.doc;
    return joined;
  };
  return { storage, board, logger, rooms: r, join, joinUnbuilt };
}

function syncFrame(kind: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

const updateMsg = (u: Uint8Array) => syncFrame(SyncMessageType.update, u);

/** The client ids an awareness frame carries states for. */
function presentIn(frame: Uint8Array): number[] {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.setLocalState(null);
  awarenessProtocol.applyAwarenessUpdate(awareness, (decodeFrame(frame) as { payload: Uint8Array }).payload, null);
  return Array.from(awareness.getStates().keys()).sort((x, y) => x - y);
}
const isHello = (frame: Uint8Array) => (decodeFrame(frame) as { json?: { type?: string } }).json?.type === 'hello';
const frames = (socket: FakeSocket) => socket.sent.map((f) => decodeFrame(f) as { type: string; kind?: number; payload?: Uint8Array });

describe('Room', () => {
  it('a joining connection gets hello at once, and the server\'s step 1 of the whole board once the doc is built', async () => {
    const { storage, board, join, joinUnbuilt, rooms } = await setup();
    const writer = new Y.Doc();
    storage.inner.documents.appendUpdate(board.id, insertUpdate(writer, 'stored'));
    const { socket } = await joinUnbuilt();
    expect(frames(socket)[0]).toMatchObject({ type: 'control', json: { type: 'hello', role: 'contributor' } });
    // built when something needs it, or shortly after loading: here, on its own
    await waitFor(() => frames(socket).some((f) => f.kind === SyncMessageType.step1), 2000, 'step 1');
    const step1 = frames(socket).find((f) => f.kind === SyncMessageType.step1)!;
    expect(Array.from(step1.payload!)).toEqual(Array.from(Y.encodeStateVector(writer)));
    // once built, a joining connection gets step 1 first
    const late = await join();
    expect(frames(late.socket)[0]).toMatchObject({ type: 'sync', kind: SyncMessageType.step1 });
    expect(rooms.peek(board.id)!.doc.getText('t').toString()).toBe('stored');
  });

  it('a new client is answered from the stored bytes before the doc is built: the log, then the snapshot as step 2', async () => {
    const { storage, board, joinUnbuilt } = await setup();
    const writer = new Y.Doc();
    const base = insertUpdate(writer, 'snapshot ');
    storage.inner.documents.compact(board.id, Y.mergeUpdates([Y.encodeStateAsUpdate(new Y.Doc()), base]), 0);
    storage.inner.documents.appendUpdate(board.id, insertUpdate(writer, 'log '));
    storage.inner.documents.appendUpdate(board.id, insertUpdate(writer, 'more'));
    const { socket, conn } = await joinUnbuilt();
    const before = socket.sent.length;
    conn.receive(syncFrame(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())));
    const [log, step2] = frames(socket).slice(before);
    expect(log).toMatchObject({ type: 'sync', kind: SyncMessageType.update });
    expect(step2).toMatchObject({ type: 'sync', kind: SyncMessageType.step2 });
    // the snapshot byte for byte: nothing was decoded and encoded again
    expect(Array.from(step2!.payload!)).toEqual(Array.from(storage.inner.documents.loadDocument(board.id).snapshot!));
    // applied in the order sent, the log waits for the snapshot and the client has everything at step 2
    const client = new Y.Doc();
    Y.applyUpdate(client, log!.payload!);
    expect(client.getText('t').toString()).toBe('');
    Y.applyUpdate(client, step2!.payload!);
    expect(client.getText('t').toString()).toBe('snapshot log more');
  });

  it('a log too long to merge quickly (over 512 since the snapshot) is answered from the built doc', async () => {
    // compaction off, or the load would compact (and so build) the board by itself
    const { storage, board, joinUnbuilt } = await setup({ compactAfterUpdates: 10_000 });
    const writer = new Y.Doc();
    for (let i = 0; i < 600; i++) storage.inner.documents.appendUpdate(board.id, insertUpdate(writer, '.'));
    const { socket, conn } = await joinUnbuilt();
    const before = socket.sent.length;
    conn.receive(syncFrame(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())));
    // answering it needs the doc: it is built, and the server's own step 1 follows the answer
    const replies = frames(socket).slice(before);
    expect(replies.map((f) => f.kind)).toEqual([SyncMessageType.step2, SyncMessageType.step1]);
    const client = new Y.Doc();
    Y.applyUpdate(client, replies[0]!.payload!);
    expect(client.getText('t').length).toBe(600);
  });

  it('before the doc is built, a client that has part of the board gets exactly what it lacks', async () => {
    const { storage, board, joinUnbuilt } = await setup();
    const writer = new Y.Doc();
    const client = new Y.Doc();
    Y.applyUpdate(client, insertUpdate(writer, 'known '));
    storage.inner.documents.appendUpdate(board.id, Y.encodeStateAsUpdate(writer));
    storage.inner.documents.appendUpdate(board.id, insertUpdate(writer, 'new'));
    const { socket, conn } = await joinUnbuilt();
    const before = socket.sent.length;
    conn.receive(syncFrame(SyncMessageType.step1, Y.encodeStateVector(client)));
    // answering it needs the doc: it is built, and the server's own step 1 follows the answer
    const replies = frames(socket).slice(before);
    expect(replies.map((f) => f.kind)).toEqual([SyncMessageType.step2, SyncMessageType.step1]);
    const step2 = Y.decodeUpdate(replies[0]!.payload!);
    expect(step2.structs.every((struct) => struct.id.clock >= 'known '.length)).toBe(true);
    Y.applyUpdate(client, replies[0]!.payload!);
    expect(client.getText('t').toString()).toBe('known new');
  });

  it('replies to a sync step 1 with the missing state as step 2', async () => {
    const { storage, board, join } = await setup();
    storage.inner.documents.appendUpdate(board.id, insertUpdate(new Y.Doc(), 'stored'));
    const { socket, conn } = await join();
    conn.receive(syncFrame(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())));
    const reply = decodeFrame(socket.sent.at(-1)!);
    expect(reply).toMatchObject({ type: 'sync', kind: SyncMessageType.step2 });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (reply as { payload: Uint8Array }).payload);
    expect(doc.getText('t').toString()).toBe('stored');
  });

  it('clients asking with the same state vector get one encoding of the reply, until the board changes', async () => {
    const { storage, board, join } = await setup();
    const stored = insertUpdate(new Y.Doc(), 'stored');
    storage.inner.documents.appendUpdate(board.id, stored);
    const a = await join();
    const b = await join();
    // what they hold: the board as stored (so not answered from the stored bytes)
    const held = new Y.Doc();
    Y.applyUpdate(held, stored);
    const ask = (who: typeof a) => {
      who.conn.receive(syncFrame(SyncMessageType.step1, Y.encodeStateVector(held)));
      return who.socket.sent.at(-1)!;
    };
    const step1 = (who: typeof a) => who.socket.sent.find((f) => (decodeFrame(f) as { kind?: number }).kind === SyncMessageType.step1);
    expect(step1(a)).toBe(step1(b));
    const replyA = ask(a);
    expect(ask(b)).toBe(replyA);
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(held));
    a.conn.receive(updateMsg(insertUpdate(writer, ' and more')));
    await turn();
    const after = ask(b);
    expect(after).not.toBe(replyA);
    Y.applyUpdate(held, (decodeFrame(after) as { payload: Uint8Array }).payload);
    expect(held.getText('t').toString()).toBe('stored and more');
  });

  it('write path order: append (durable), then apply, then broadcast; the sender gets no echo', async () => {
    const { storage, board, join, rooms } = await setup();
    const writer = await join();
    const { socket } = await join();
    const room = rooms.peek(board.id)!;
    const order: string[] = [];
    storage.calls = [];
    const realAppend = storage.documents.appendUpdate.bind(storage.documents);
    storage.documents.appendUpdate = (id, u) => {
      order.push(`append(doc has ${room.doc.getText('t').length} chars)`);
      return realAppend(id, u);
    };
    room.doc.on('update', () => order.push('apply'));
    const realSend = socket.send.bind(socket);
    socket.send = (d) => {
      order.push('send');
      realSend(d);
    };
    const writerSent = writer.socket.sent.length;
    writer.conn.receive(updateMsg(insertUpdate(new Y.Doc(), 'hi')));
    await turn();
    expect(order).toEqual(['append(doc has 0 chars)', 'apply', 'send']);
    expect(writer.socket.sent.length).toBe(writerSent);
  });

  it("a reconnecting client's sync step 2 holding only what the board has (its delete set) is neither stored nor broadcast; news in one still is", async () => {
    const { storage, board, join, rooms } = await setup();
    const a = await join();
    const b = await join();
    const docA = new Y.Doc();
    a.conn.receive(updateMsg(insertUpdate(docA, 'hello world')));
    let deletion: Uint8Array | null = null;
    docA.once('update', (u: Uint8Array) => (deletion = u));
    docA.getText('t').delete(0, 6);
    a.conn.receive(updateMsg(deletion!));
    const room = rooms.peek(board.id)!;
    await waitFor(() => room.doc.getText('t').toString() === 'world', 2000, 'both stored');
    await turn();
    storage.calls = [];
    const sentB = b.socket.sent.length;

    const reply = Y.encodeStateAsUpdate(docA, Y.encodeStateVector(room.doc));
    expect(Y.decodeUpdate(reply).ds.clients.size).toBe(1);
    a.conn.receive(syncFrame(SyncMessageType.step2, reply));
    await turn();
    expect(storage.calls).toEqual([]);
    expect(b.socket.sent.length).toBe(sentB);

    docA.getText('t').insert(0, 'new ');
    a.conn.receive(syncFrame(SyncMessageType.step2, Y.encodeStateAsUpdate(docA, Y.encodeStateVector(room.doc))));
    await waitFor(() => b.socket.sent.length === sentB + 1, 2000, 'the news broadcast');
    expect(storage.calls).toEqual(['append']);
    expect(room.doc.getText('t').toString()).toBe('new world');
  });

  /** A room with a watcher and three people whose awareness messages `announce` sends. */
  async function presenceScene(limits: Partial<Limits>) {
    const { join } = await setup(limits);
    const watcher = await join();
    const people = [await join(), await join(), await join()];
    const presence = () => watcher.socket.sent.filter((f) => decodeFrame(f).type === 'awareness');
    const announce = (n: number, clock = 1) => people[n]!.conn.receive(awarenessFrame([{ clientId: 100 + n, clock, state: { user: { name: `Person ${n}` }, clock } }]));
    return { presence, announce, before: presence().length };
  }

  it('awareness: a quiet room sends an arrival at the end of the turn; arrivals within presenceBroadcastMs after it share one frame', async () => {
    const { presence, announce, before } = await presenceScene({ presenceBroadcastMs: 1000 });
    announce(0);
    await turn();
    expect(presence()).toHaveLength(before + 1);
    announce(1);
    announce(2);
    await turn();
    // inside the window: held for the one frame that carries both
    expect(presence()).toHaveLength(before + 1);
    await waitFor(() => presence().length === before + 2, 5000, 'the shared frame');
    expect(presentIn(presence().at(-1)!)).toEqual([101, 102]);
  });

  it('joiners get everyone present in one frame, encoded once until presence changes', async () => {
    const { join } = await setup();
    const first = await join();
    first.conn.receive(awarenessFrame([{ clientId: 7, clock: 1, state: { user: { name: 'Seven' } } }]));
    const presentFor = async () => {
      const { socket } = await join();
      return socket.sent.find((f) => decodeFrame(f).type === 'awareness')!;
    };
    const a = await presentFor();
    expect(presentIn(a)).toEqual([7]);
    expect(await presentFor()).toBe(a);
    first.conn.receive(awarenessFrame([{ clientId: 7, clock: 2, state: { user: { name: 'Seven, renamed' } } }]));
    const after = await presentFor();
    expect(after).not.toBe(a);
    expect(presentIn(after)).toEqual([7]);
  });

  it('awareness: a caret moving waits only awarenessBroadcastMs, and takes the arrivals waiting longer with it', async () => {
    const { presence, announce, before } = await presenceScene({ presenceBroadcastMs: 60_000, awarenessBroadcastMs: 300 });
    announce(0);
    await turn();
    expect(presence()).toHaveLength(before + 1);
    announce(1);
    announce(0, 2);
    await turn();
    expect(presence()).toHaveLength(before + 1);
    await waitFor(() => presence().length === before + 2, 5000, 'the caret frame');
    expect(presentIn(presence().at(-1)!)).toEqual([100, 101]);
  });

  it('an update that decodes but that Yjs cannot apply is not relayed; its sender gets 4422 and the log drops it', async () => {
    const { storage, board, join, rooms } = await setup();
    const a = await join();
    const b = await join();
    a.conn.receive(updateMsg(insertUpdate(new Y.Doc(), 'fine ')));
    // found by fuzzing: Y.decodeUpdate reads it, Y.applyUpdate throws ("Unexpected case")
    const hostile = new Uint8Array([1, 8, 1, 0, 1, 1, 1, 116, 1, 132, 1, 0, 1, 101, 132, 1, 1, 3, 108, 108, 111, 39, 1, 1, 109, 1, 97, 1, 40, 0, 1, 5, 1, 120, 1, 125, 1, 195, 1, 1, 1, 2, 2, 90, 90, 39, 0, 1, 5, 1, 121, 2, 4, 0, 1, 9, 1, 113, 1, 1, 1, 0, 1]);
    expect(() => Y.decodeUpdate(hostile)).not.toThrow();
    expect(() => Y.applyUpdate(new Y.Doc(), hostile)).toThrow();
    const before = b.socket.sent.length;
    a.conn.receive(updateMsg(hostile));
    await turn();
    expect(a.socket.closed?.code).toBe(CloseCode.invalidUpdate);
    const relayed = frames(b.socket).slice(before).filter((f) => f.type === 'sync');
    expect(relayed.some((f) => Buffer.from(f.payload!).equals(Buffer.from(hostile)))).toBe(false);
    // whatever did reach the others applies cleanly
    for (const f of relayed) expect(() => Y.applyUpdate(new Y.Doc(), f.payload!)).not.toThrow();
    // compacted at once: the log holds nothing, the snapshot loads with the good update in it
    const stored = storage.inner.documents.loadDocument(board.id);
    expect(stored.updates).toHaveLength(0);
    const check = new Y.Doc();
    Y.applyUpdate(check, stored.snapshot!);
    expect(check.getText('t').toString()).toContain('fine');
    expect(rooms.peek(board.id)!.doc.getText('t').toString()).toContain('fine');
    expect(b.socket.closed).toBeNull();
  });

  it('an update that needs the doc built: those who joined before get the server\'s step 1 with it, and send nothing back', async () => {
    const { storage, board, joinUnbuilt } = await setup();
    const seed = new Y.Doc();
    storage.inner.documents.appendUpdate(board.id, insertUpdate(seed, 'stored '));
    const a = await joinUnbuilt();
    const b = await joinUnbuilt();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(seed));
    a.conn.receive(updateMsg(insertUpdate(client, 'typed')));
    await turn();
    const step1 = frames(b.socket).find((f) => f.kind === SyncMessageType.step1)!;
    expect(Y.decodeStateVector(step1.payload!).get(client.clientID)).toBe('typed'.length);
    const appends = storage.calls.filter((c) => c === 'append').length;
    // what a provider answers to that step 1: nothing the server lacks
    const answer = Y.encodeStateAsUpdate(client, step1.payload!);
    expect(Y.decodeUpdate(answer).structs).toHaveLength(0);
    a.conn.receive(syncFrame(SyncMessageType.step2, answer));
    await turn();
    expect(storage.calls.filter((c) => c === 'append').length).toBe(appends);
  });

  it('a quiet room sends at once; updates that follow in the same turn go out as one frame, one buffer for all', async () => {
    // "quiet" spans the whole test, so a slow machine cannot make the later updates count as quiet
    const { join } = await setup({ quietBroadcastMs: 60_000 });
    const a = await join();
    const b = await join();
    const c = await join();
    const sentA = a.socket.sent.length;
    const sentB = b.socket.sent.length;
    const sentC = c.socket.sent.length;
    const doc = new Y.Doc();
    for (const s of ['one ', 'two ', 'three']) a.conn.receive(updateMsg(insertUpdate(doc, s)));
    // the first went out while it was being handled, before the turn ended
    expect(b.socket.sent.length - sentB).toBe(1);
    await turn();
    expect(a.socket.sent.length - sentA).toBe(0); // all its own updates
    expect(b.socket.sent.length - sentB).toBe(2);
    expect(c.socket.sent.length - sentC).toBe(2);
    expect(b.socket.sent.at(-1)).toBe(c.socket.sent.at(-1)); // same object: encoded once
    const check = new Y.Doc();
    for (const frame of b.socket.sent.slice(-2)) Y.applyUpdate(check, (decodeFrame(frame) as { payload: Uint8Array }).payload);
    expect(check.getText('t').toString()).toBe('one two three');
    expect((decodeFrame(b.socket.sent.at(-1)!) as { payload: Uint8Array }).payload).not.toEqual(
      (decodeFrame(b.socket.sent.at(-2)!) as { payload: Uint8Array }).payload,
    );
  });

  it('a frame that mixes several connections\' updates goes to all of them', async () => {
    const { join } = await setup({ quietBroadcastMs: 60_000 });
    const a = await join();
    const b = await join();
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    a.conn.receive(updateMsg(insertUpdate(docA, 'first ')));
    const sentA = a.socket.sent.length;
    const sentB = b.socket.sent.length;
    a.conn.receive(updateMsg(insertUpdate(docA, 'from a ')));
    b.conn.receive(updateMsg(insertUpdate(docB, 'from b')));
    await turn();
    expect(a.socket.sent.length - sentA).toBe(1);
    expect(b.socket.sent.length - sentB).toBe(1);
    const check = new Y.Doc();
    Y.applyUpdate(check, (decodeFrame(a.socket.sent.at(-1)!) as { payload: Uint8Array }).payload);
    expect(check.getText('t').toString()).toContain('from b');
  });

  it("a viewer's updates are neither stored, applied nor relayed, and it stays connected", async () => {
    const { storage, board, join, rooms } = await setup();
    const viewer = await join('viewer');
    const other = await join();
    expect(frames(viewer.socket).find((f) => f.type === 'control')).toMatchObject({ json: { readOnly: true } });
    storage.calls = [];
    const before = other.socket.sent.length;
    viewer.conn.receive(updateMsg(insertUpdate(new Y.Doc(), 'nope')));
    viewer.conn.receive(syncFrame(SyncMessageType.step2, insertUpdate(new Y.Doc(), 'nope')));
    await turn();
    expect(storage.calls).not.toContain('append');
    expect(rooms.peek(board.id)!.doc.getText('t').length).toBe(0);
    expect(other.socket.sent.length).toBe(before);
    expect(viewer.socket.closed).toBeNull();
  });

  it('with async storage, nothing is applied or sent before the append resolves, and order holds', async () => {
    const { storage, board, join, rooms } = await setup();
    storage.async = true;
    const a = await join();
    const b = await join();
    const before = b.socket.sent.length;
    const doc = new Y.Doc();
    for (const s of ['a', 'b', 'c']) a.conn.receive(updateMsg(insertUpdate(doc, s)));
    await turn();
    expect(rooms.peek(board.id)!.doc.getText('t').length).toBe(0);
    expect(b.socket.sent.length).toBe(before);
    await waitFor(() => rooms.peek(board.id)!.doc.getText('t').toString() === 'abc');
    expect((await storage.inner.documents.loadDocument(board.id)).updates).toHaveLength(3);
  });

  it('a failing append closes that connection with 1011 and applies nothing', async () => {
    const { storage, board, join, rooms, logger } = await setup();
    const a = await join();
    const b = await join();
    storage.failAppend = true;
    a.conn.receive(updateMsg(insertUpdate(new Y.Doc(), 'lost?')));
    await turn();
    expect(a.socket.closed?.code).toBe(CloseCode.internalError);
    expect(b.socket.closed).toBeNull();
    expect(rooms.peek(board.id)!.doc.getText('t').length).toBe(0);
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('could not store'))).toBe(true);
  });

  it('compaction: after the threshold the log becomes a snapshot, content intact', async () => {
    const { storage, board, join } = await setup({ compactAfterUpdates: 3 });
    const { conn } = await join();
    const doc = new Y.Doc();
    for (const s of ['a', 'b', 'c', 'd']) conn.receive(updateMsg(insertUpdate(doc, s)));
    await turn();
    const stored = storage.inner.documents.loadDocument(board.id);
    expect(stored.updates).toHaveLength(1); // 'd' arrived after the compaction of a, b, c
    const check = new Y.Doc();
    Y.applyUpdate(check, stored.snapshot!);
    for (const u of stored.updates) Y.applyUpdate(check, u);
    expect(check.getText('t').toString()).toBe('abcd');
  });

  it('a connection whose send buffer is over the cap is closed with 4408; others still receive', async () => {
    const { join } = await setup({ maxBufferedBytes: 1000 });
    const writer = await join();
    const a = await join();
    const slow = await join();
    slow.socket.bufferedAmount = 5000;
    const before = a.socket.sent.length;
    writer.conn.receive(updateMsg(insertUpdate(new Y.Doc(), 'x')));
    await turn();
    expect(slow.socket.closed?.code).toBe(CloseCode.clientTooSlow);
    expect(a.socket.sent.length).toBe(before + 1);
  });

  it('a change made by the server is stored, then broadcast', async () => {
    const { storage, board, join, rooms } = await setup();
    const { socket } = await join();
    const before = socket.sent.length;
    storage.calls = [];
    rooms.peek(board.id)!.changeAsServer((doc) => doc.getText('t').insert(0, 'from the server'));
    expect(storage.calls).toEqual(['append']);
    await turn();
    expect(socket.sent.length).toBe(before + 1);
    const check = new Y.Doc();
    for (const u of storage.inner.documents.loadDocument(board.id).updates) Y.applyUpdate(check, u);
    expect(check.getText('t').toString()).toBe('from the server');
  });

  it('a join over the board maximum (racing past the upgrade check) is closed with 4503', async () => {
    const { join } = await setup({ maxConnectionsPerBoard: 1 });
    await join();
    const second = await join();
    expect(second.socket.closed?.code).toBe(CloseCode.boardFull);
  });

  it('messages that arrive while the board loads are handled once it is loaded, after hello', async () => {
    const { board, rooms, storage } = await setup();
    const socket = new FakeSocket();
    const conn = rooms.connect(board.id, 'contributor', socket);
    conn.receive(updateMsg(insertUpdate(new Y.Doc(), 'early')));
    expect(socket.sent).toHaveLength(0);
    await waitFor(() => rooms.peek(board.id)?.doc.getText('t').toString() === 'early');
    expect(isHello(socket.sent[0]!)).toBe(true);
    expect(storage.inner.documents.loadDocument(board.id).updates).toHaveLength(1);
  });

  it('a stored update that cannot be applied is skipped and logged; the rest of the board loads', async () => {
    const { storage, board, join, rooms, logger } = await setup();
    const doc = new Y.Doc();
    storage.inner.documents.appendUpdate(board.id, insertUpdate(doc, 'good'));
    storage.inner.documents.appendUpdate(board.id, new Uint8Array([5, 1, 2, 3]));
    storage.inner.documents.appendUpdate(board.id, insertUpdate(doc, ' too'));
    await join();
    expect(rooms.peek(board.id)!.doc.getText('t').toString()).toBe('good too');
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('skipped a stored update'))).toBe(true);
  });
});
