/**
 * The limits a link holder cannot turn against the room, each hit through the
 * real server on port 0 with real sockets, by someone holding only the link named, and each
 * followed by the others carrying on. Board creation's limits are in api/boards.test.ts.
 *
 * Sockets of "another person" connect from another loopback address (127.0.0.2, 127.0.0.3), so
 * the per-address limits see them as the different machines they would be.
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CloseCode, CloseReason, MessageType, SyncMessageType } from '../shared/protocol.ts';
import { DEFAULT_LIMITS } from './config.ts';
import { MemoryStorage } from './storage/memory.ts';
import {
  addTextCards,
  boardText,
  awarenessFrame,
  frame,
  rawClient,
  startServer,
  storedDoc,
  storedText,
  text,
  upgradeStatus,
  waitFor,
  whenSynced,
  type RawClient,
  type TestServer,
} from './test/harness.ts';
import { rawControl } from './test/session.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const s = await startServer(options);
  cleanups.push(() => s.close());
  return s;
}

/** The `ws` class, but its sockets leave from `localAddress`: another machine, to the server. */
function wsFrom(localAddress: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { localAddress });
    }
  } as typeof WebSocket;
}

type Person = WebsocketProvider & { closes: number[] };

/** An unmodified y-websocket provider from its own address, recording the close codes it gets. */
function person(s: TestServer, boardId: string, token: string, address: string): Person {
  const provider = new WebsocketProvider(s.wsUrl, boardId, new Y.Doc(), {
    params: { token },
    WebSocketPolyfill: wsFrom(address) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  }) as Person;
  provider.closes = [];
  // type 100 (Crossboard's own messages): not this test's business, and unknown to the provider
  provider.messageHandlers[MessageType.crossboard] = () => {};
  provider.on('connection-close', (event) => {
    if (event) provider.closes.push(event.code);
  });
  cleanups.push(() => provider.destroy());
  return provider;
}

type Attempt = { ws: WebSocket; status: number; closed: number | null };

/** One connection attempt: 101 once open, else the HTTP status that refused the upgrade. */
function attempt(url: string): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const a: Attempt = { ws: new WebSocket(url), status: 0, closed: null };
    a.ws.on('close', (code) => (a.closed = code));
    a.ws.on('open', () => {
      a.status = 101;
      resolve(a);
    });
    a.ws.on('unexpected-response', (_req, res) => {
      a.status = res.statusCode ?? 0;
      a.ws.terminate();
      resolve(a);
    });
    a.ws.on('error', (error) => {
      if (a.status === 0) reject(error);
    });
  });
}

/** Bytes of the awareness frames a raw client received. */
function awarenessBytes(raw: RawClient): number {
  return raw.messages.filter((m) => m[0] === MessageType.awareness).reduce((sum, m) => sum + m.byteLength, 0);
}

async function joined(s: TestServer, boardId: string, token: string): Promise<RawClient> {
  const raw = await rawClient(s, boardId, token);
  cleanups.push(() => raw.ws.terminate());
  await waitFor(() => raw.messages.length > 0, 5000, 'first frame');
  return raw;
}

async function expectClosed(raw: RawClient, code: number, reason?: string): Promise<void> {
  await waitFor(() => raw.closed !== null, 5000, `close ${code}`);
  expect(raw.closed!.code).toBe(code);
  if (reason !== undefined) expect(raw.closed!.reason).toBe(reason);
}

/** Polls an async condition (storage reads) until it holds. */
async function eventually(condition: () => Promise<boolean>, label: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A new board whose text card (harness.ts) people edit to show they carry on. */
async function textBoard(s: TestServer) {
  const board = await s.createBoard();
  await addTextCards(s, board.id);
  return board;
}

/** One person writes; the other sees it, and it is stored. */
async function stillEdit(s: TestServer, boardId: string, writer: Person, reader: Person, words: string): Promise<void> {
  boardText(writer.doc).insert(boardText(writer.doc).length, words);
  await waitFor(() => text(reader.doc).endsWith(words), 5000, 'the edit reaches the other person');
  expect(await storedText(s.storage, boardId)).toBe(text(writer.doc));
}

describe('connection capacity per role', () => {
  it("a viewer opening 505 sockets from one address takes only the viewers' share; a facilitator and a contributor still connect and sync", async () => {
    const s = await server();
    const board = await textBoard(s);
    const url = `${s.wsUrl}/${board.id}?token=${board.tokens.viewer}`;
    const attempts = await Promise.all(Array.from({ length: 505 }, () => attempt(url)));
    cleanups.push(() => attempts.forEach((a) => a.ws.terminate()));
    const upgraded = attempts.filter((a) => a.status === 101);
    const viewersOn = () => s.rooms.peek(board.id)?.connectionList().filter((c) => c.role === 'viewer').length ?? 0;
    // those that raced past the upgrade check together are closed at join (4503)
    await waitFor(() => viewersOn() > 0 && upgraded.filter((a) => a.closed === null).length === viewersOn(), 20_000, 'viewers settle');
    expect(viewersOn()).toBe(DEFAULT_LIMITS.maxViewerConnectionsPerBoard);
    for (const a of attempts) {
      if (a.status === 101 && a.closed !== null) expect(a.closed).toBe(CloseCode.boardFull);
      else if (a.status !== 101) expect([429, 503]).toContain(a.status);
    }

    const facilitator = person(s, board.id, board.tokens.facilitator, '127.0.0.2');
    const contributor = person(s, board.id, board.tokens.contributor, '127.0.0.3');
    await Promise.all([whenSynced(facilitator, 10_000), whenSynced(contributor, 10_000)]);
    await stillEdit(s, board.id, contributor, facilitator, 'still here');
    // another viewer, from anywhere, waits for the viewers' share to free up
    expect(await upgradeStatus(url)).toBe(503);
  }, 60_000);

  it('contributors may fill what viewers leave; then viewers and further contributors wait, and facilitators still get in up to their own reserve', async () => {
    const s = await server({ limits: { maxConnectionsPerBoard: 4, maxViewerConnectionsPerBoard: 2, facilitatorConnectionsPerBoard: 2 } });
    const board = await textBoard(s);
    const ws = (role: 'facilitator' | 'contributor' | 'viewer') => `${s.wsUrl}/${board.id}?token=${board.tokens[role]}`;
    for (let i = 0; i < 4; i++) await joined(s, board.id, board.tokens.contributor);
    expect(await upgradeStatus(ws('contributor'))).toBe(503);
    expect(await upgradeStatus(ws('viewer'))).toBe(503);
    const facilitator = person(s, board.id, board.tokens.facilitator, '127.0.0.2');
    const second = person(s, board.id, board.tokens.facilitator, '127.0.0.3');
    await Promise.all([whenSynced(facilitator), whenSynced(second)]);
    await stillEdit(s, board.id, facilitator, second, 'the facilitator is in');
    // the reserve is the facilitators' own, and it has a size too
    expect(await upgradeStatus(ws('facilitator'))).toBe(503);
  });

  it('viewers stop at their share even on an empty board; contributors still have the rest', async () => {
    const s = await server({ limits: { maxConnectionsPerBoard: 4, maxViewerConnectionsPerBoard: 2 } });
    const board = await textBoard(s);
    for (let i = 0; i < 2; i++) await joined(s, board.id, board.tokens.viewer);
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${board.tokens.viewer}`)).toBe(503);
    const a = person(s, board.id, board.tokens.contributor, '127.0.0.2');
    const b = person(s, board.id, board.tokens.contributor, '127.0.0.3');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    await stillEdit(s, board.id, a, b, 'contributors have room');
  });
});

describe('awareness limits', () => {
  /** A board with two people present (small states) and synced. */
  async function presentPair(s: TestServer) {
    const board = await textBoard(s);
    const a = person(s, board.id, board.tokens.contributor, '127.0.0.2');
    const b = person(s, board.id, board.tokens.facilitator, '127.0.0.3');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    a.awareness.setLocalStateField('user', { name: 'Amira' });
    await waitFor(() => b.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Amira', 5000, 'presence');
    return { board, a, b };
  }

  it('the measured attack (one frame, 120 client ids × 60 KB, from a viewer) is refused whole; a late joiner gets only the real presence', async () => {
    const s = await server();
    const { board, a, b } = await presentPair(s);
    const viewer = await joined(s, board.id, board.tokens.viewer);
    const blob = 'x'.repeat(60 * 1024);
    viewer.send(awarenessFrame(Array.from({ length: 120 }, (_, i) => ({ clientId: 500_000 + i, clock: 1, state: { blob } }))));
    await expectClosed(viewer, CloseCode.awarenessTooBig, CloseReason.awarenessTooBig);
    const late = await joined(s, board.id, board.tokens.viewer);
    await waitFor(() => awarenessBytes(late) > 0, 5000, 'presence for the late joiner');
    expect(awarenessBytes(late)).toBeLessThan(1024);
    expect(b.awareness.getStates().size).toBe(2);
    await stillEdit(s, board.id, a, b, 'after the flood');
  });

  it('a second client id from one connection closes it with 4410, in one frame or later; the first id is gone with it', async () => {
    const s = await server();
    const { board, a, b } = await presentPair(s);
    const small = { user: { name: 'Mallory' } };

    const inOneFrame = await joined(s, board.id, board.tokens.viewer);
    inOneFrame.send(awarenessFrame([{ clientId: 700_001, clock: 1, state: small }, { clientId: 700_002, clock: 1, state: small }]));
    await expectClosed(inOneFrame, CloseCode.awarenessSecondClient, CloseReason.awarenessSecondClient);

    const later = await joined(s, board.id, board.tokens.viewer);
    later.send(awarenessFrame([{ clientId: 700_003, clock: 1, state: small }]));
    await waitFor(() => b.awareness.getStates().has(700_003), 5000, 'the first id is shown');
    // its own id again is fine (a changed state)
    later.send(awarenessFrame([{ clientId: 700_003, clock: 2, state: { user: { name: 'Mallory 2' } } }]));
    later.send(awarenessFrame([{ clientId: 700_004, clock: 1, state: small }]));
    await expectClosed(later, CloseCode.awarenessSecondClient);
    await waitFor(() => !b.awareness.getStates().has(700_003), 5000, 'its presence leaves with it');
    expect([...b.awareness.getStates().keys()].sort()).toEqual([a.doc.clientID, b.doc.clientID].sort());
    await stillEdit(s, board.id, a, b, 'carry on');
  });

  it("a state that would take the board's presence over its cap closes that connection with 4504; late joiners get at most the cap; space comes back as people leave", async () => {
    const cap = 10_000;
    const s = await server({ limits: { maxAwarenessStateBytes: 4096, maxAwarenessBytesPerBoard: cap } });
    const { board, a, b } = await presentPair(s);
    const big = (name: string) => ({ user: { name }, pad: 'x'.repeat(3900) });
    const v1 = await joined(s, board.id, board.tokens.viewer);
    const v2 = await joined(s, board.id, board.tokens.viewer);
    const v3 = await joined(s, board.id, board.tokens.viewer);
    v1.send(awarenessFrame([{ clientId: 800_001, clock: 1, state: big('v1') }]));
    v2.send(awarenessFrame([{ clientId: 800_002, clock: 1, state: big('v2') }]));
    await waitFor(() => b.awareness.getStates().has(800_001) && b.awareness.getStates().has(800_002), 5000, 'two big states');
    v3.send(awarenessFrame([{ clientId: 800_003, clock: 1, state: big('v3') }]));
    await expectClosed(v3, CloseCode.awarenessBoardFull, CloseReason.awarenessBoardFull);
    expect(b.awareness.getStates().has(800_003)).toBe(false);

    const late = await joined(s, board.id, board.tokens.viewer);
    // both big states and Amira's
    await waitFor(() => awarenessBytes(late) > 7800, 5000, 'presence for the late joiner');
    expect(awarenessBytes(late)).toBeLessThanOrEqual(cap);

    // v1 leaves: its bytes are counted off, and a newcomer's state fits again
    v1.ws.close();
    await waitFor(() => !b.awareness.getStates().has(800_001), 5000, 'v1 leaves');
    const v4 = await joined(s, board.id, board.tokens.viewer);
    v4.send(awarenessFrame([{ clientId: 800_004, clock: 1, state: big('v4') }]));
    await waitFor(() => b.awareness.getStates().has(800_004), 5000, 'v4 present');
    expect(v4.closed).toBeNull();
    await stillEdit(s, board.id, a, b, 'edits go on');
  });

  it('by default viewers alone cannot fill the board\'s presence: their share times the state cap is under the board cap', () => {
    expect(DEFAULT_LIMITS.maxViewerConnectionsPerBoard * DEFAULT_LIMITS.maxAwarenessStateBytes).toBeLessThan(
      DEFAULT_LIMITS.maxAwarenessBytesPerBoard,
    );
  });
});

describe('board size cap', () => {
  function updateFrame(update: Uint8Array): Uint8Array {
    return frame((e) => {
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, SyncMessageType.update);
      encoding.writeVarUint8Array(e, update);
    });
  }

  it('an update that would take the board over its cap is not stored or relayed; its writer is closed with 4414; a second writer still edits', async () => {
    const s = await server({ limits: { maxBoardBytes: 64 * 1024 } });
    const board = await textBoard(s);
    const a = person(s, board.id, board.tokens.contributor, '127.0.0.2');
    const b = person(s, board.id, board.tokens.contributor, '127.0.0.3');
    const c = person(s, board.id, board.tokens.facilitator, '127.0.0.4');
    const viewer = await joined(s, board.id, board.tokens.viewer);
    await Promise.all([whenSynced(a), whenSynced(b), whenSynced(c)]);
    boardText(a.doc).insert(0, 'a'.repeat(40_000));
    await waitFor(() => text(b.doc).length === 40_000, 5000, 'the first 40 KB fits');
    const relayedBefore = viewer.messages.reduce((sum, m) => sum + m.byteLength, 0);
    boardText(a.doc).insert(40_000, 'b'.repeat(40_000));
    await waitFor(() => a.closes.length > 0, 5000, 'the writer is closed');
    expect(a.closes).toEqual([CloseCode.boardTooLarge]);
    // a permanent close: the provider does not come back to send it again
    expect(a.shouldConnect).toBe(false);
    expect(await storedText(s.storage, board.id)).toBe('a'.repeat(40_000));
    await stillEdit(s, board.id, b, c, ' and more');
    // the viewer got the small edit and nothing of the refused 40 KB
    expect(viewer.messages.reduce((sum, m) => sum + m.byteLength, 0) - relayedBefore).toBeLessThan(1024);
    expect(text(b.doc)).toBe(`${'a'.repeat(40_000)} and more`);
  });

  it('the measured attack (a contributor writing 6 MiB updates) is refused at the first, under the default cap; nothing reaches a viewer', async () => {
    const s = await server();
    const board = await textBoard(s);
    const attacker = await joined(s, board.id, board.tokens.contributor);
    const viewer = await joined(s, board.id, board.tokens.viewer);
    const a = person(s, board.id, board.tokens.contributor, '127.0.0.2');
    const b = person(s, board.id, board.tokens.facilitator, '127.0.0.3');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const before = viewer.messages.reduce((sum, m) => sum + m.byteLength, 0);
    const sixMiB = 'x'.repeat(6 * 1024 * 1024);
    // as measured, into a root outside the board's layout: refused as such, whatever its size
    const outside = new Y.Doc();
    outside.getText('t').insert(0, sixMiB);
    attacker.send(updateFrame(Y.encodeStateAsUpdate(outside)));
    await waitFor(() => rawControl(attacker).some((m) => m.type === 'refused'), 5000, 'the refusal');
    expect(rawControl(attacker).filter((m) => m.type === 'refused')).toEqual([
      { type: 'refused', kept: false, changes: [expect.objectContaining({ code: 'outside-board' })] },
    ]);
    // the same 6 MiB into the board (a card's title): over the cap, so the writer is closed
    const inside = await storedDoc(s.storage, board.id);
    const known = Y.encodeStateVector(inside);
    boardText(inside).insert(0, sixMiB);
    attacker.send(updateFrame(Y.encodeStateAsUpdate(inside, known)));
    await expectClosed(attacker, CloseCode.boardTooLarge, CloseReason.boardTooLarge);
    expect((await s.storage.documents.loadDocument(board.id)).updates).toHaveLength(0);
    await stillEdit(s, board.id, a, b, 'a normal edit');
    expect(viewer.messages.reduce((sum, m) => sum + m.byteLength, 0) - before).toBeLessThan(4096);
  });

  it('near the cap only new content counts: an update repeated (as a sync step 2 can repeat one in flight) is not a reason to close', async () => {
    const s = await server({ limits: { maxBoardBytes: 64 * 1024 } });
    const board = await textBoard(s);
    const raw = await joined(s, board.id, board.tokens.contributor);
    const reader = person(s, board.id, board.tokens.facilitator, '127.0.0.2');
    await whenSynced(reader);
    const doc = await storedDoc(s.storage, board.id);
    const known = Y.encodeStateVector(doc);
    boardText(doc).insert(0, 'a'.repeat(40_000));
    const first = Y.encodeStateAsUpdate(doc, known);
    raw.send(updateFrame(first));
    await waitFor(() => text(reader.doc).length === 40_000, 5000, 'the first 40 KB');
    // the same 40 KB again, then again with a little more: only the little more is new
    raw.send(updateFrame(first));
    boardText(doc).insert(40_000, ' and a little more');
    raw.send(updateFrame(Y.encodeStateAsUpdate(doc, known)));
    await waitFor(() => text(reader.doc).endsWith(' and a little more'), 5000, 'the new part arrives');
    expect(raw.closed).toBeNull();
    expect(await storedText(s.storage, board.id)).toBe(text(doc));
    const stored = await s.storage.documents.loadDocument(board.id);
    const storedBytes = (stored.snapshot?.byteLength ?? 0) + stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    expect(storedBytes).toBeLessThanOrEqual(64 * 1024);
  });

  it('the reason travels with the close, for clients that show it', async () => {
    const s = await server({ limits: { maxBoardBytes: 4 * 1024 } });
    const board = await textBoard(s);
    const raw = await joined(s, board.id, board.tokens.contributor);
    const doc = await storedDoc(s.storage, board.id);
    const known = Y.encodeStateVector(doc);
    boardText(doc).insert(0, 'x'.repeat(8 * 1024));
    raw.send(updateFrame(Y.encodeStateAsUpdate(doc, known)));
    await expectClosed(raw, CloseCode.boardTooLarge, CloseReason.boardTooLarge);
    expect((await s.storage.documents.loadDocument(board.id)).updates).toHaveLength(0);
  });

  it('the size is what is stored: counted from storage after a restart, and smaller once compacted', async () => {
    const storage = new MemoryStorage();
    const limits = { maxBoardBytes: 36 * 1024, compactAfterUpdates: 20 };
    const first = await server({ storage, limits });
    const board = await textBoard(first);
    const a = person(first, board.id, board.tokens.contributor, '127.0.0.2');
    await whenSynced(a);
    boardText(a.doc).insert(0, 'a'.repeat(30_000));
    await eventually(async () => (await storedText(storage, board.id)).length === 30_000, 'stored');
    a.destroy();
    await first.close();

    const second = await server({ storage, limits });
    const b = person(second, board.id, board.tokens.contributor, '127.0.0.2');
    const c = person(second, board.id, board.tokens.contributor, '127.0.0.3');
    await Promise.all([whenSynced(b), whenSynced(c)]);
    // 600 one-letter edits: as a log they weigh more than the room left, compacted far less
    for (let i = 0; i < 600; i++) {
      boardText(b.doc).insert(boardText(b.doc).length, 'k');
      if (i % 50 === 49) await waitFor(() => text(c.doc).length === 30_001 + i, 5000, 'typing arrives');
    }
    expect(b.closes).toEqual([]);
    // the 30 KB already stored counts: 20 KB more does not fit
    boardText(c.doc).insert(0, 'c'.repeat(20_000));
    await waitFor(() => c.closes.length > 0, 5000, 'the writer is closed');
    expect(c.closes).toEqual([CloseCode.boardTooLarge]);
    boardText(b.doc).insert(boardText(b.doc).length, '!');
    await eventually(async () => (await storedText(storage, board.id)).endsWith('k!'), 'b still edits');
  });
});
