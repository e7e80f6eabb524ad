/**
 * Hostile and heavy input over real sockets: each case closes only the offending connection with
 * the code that says why, while another provider keeps syncing and storage stays intact.
 */
import * as encoding from 'lib0/encoding';
import { removeAwarenessStates } from 'y-protocols/awareness';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCode, CloseReason, MessageType, SyncMessageType } from '../../shared/protocol.ts';
import type { Limits } from '../config.ts';
import {
  addTextCards,
  boardText,
  connectProvider,
  frame,
  awarenessFrame,
  rawClient,
  startServer,
  storedText,
  text,
  TEXT_CARD,
  upgradeStatus,
  waitFor,
  whenSynced,
  type RawClient,
  type TestProvider,
  type TestServer,
} from '../test/harness.ts';
import { rawControl } from '../test/session.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Scene = { s: TestServer; board: CreateBoardResponse; a: TestProvider; b: TestProvider };

/** Second text card, for the bulk writes of a test that fills buffers. */
const BIG_CARD = 'big';

/** A server with a board on which two providers are synced and have written "before". */
async function scene(limits: Partial<Limits> = {}): Promise<Scene> {
  const s = await startServer({ limits });
  cleanups.push(() => s.close());
  const board = await s.createBoard();
  await addTextCards(s, board.id, [TEXT_CARD, BIG_CARD]);
  const a = connectProvider(s, board.id, board.tokens.contributor);
  const b = connectProvider(s, board.id, board.tokens.contributor);
  cleanups.push(() => a.destroy(), () => b.destroy());
  await Promise.all([whenSynced(a), whenSynced(b)]);
  boardText(a.doc).insert(0, 'before');
  await waitFor(() => text(b.doc) === 'before');
  return { s, board, a, b };
}

async function offender({ s, board }: Scene): Promise<RawClient> {
  const raw = await rawClient(s, board.id, board.tokens.contributor);
  cleanups.push(() => raw.ws.terminate());
  await waitFor(() => raw.messages.length > 0, 5000, 'first frame');
  return raw;
}

/** The others still sync, the store holds exactly what they wrote, and one line was logged. */
async function othersCarryOn({ s, board, a, b }: Scene, code: number, extraText = ''): Promise<void> {
  boardText(b.doc).insert(boardText(b.doc).length, ' after');
  await waitFor(() => text(a.doc) === text(b.doc) && text(a.doc).endsWith(' after'), 5000, 'others still sync');
  expect(a.wsconnected && b.wsconnected).toBe(true);
  expect(await storedText(s.storage, board.id)).toBe(`before${extraText} after`);
  expect(s.logs.filter((l) => l.level === 'warn' && l.fields?.code === code)).toHaveLength(1);
}

async function expectClosed(raw: RawClient, code: number, reason?: string | RegExp): Promise<void> {
  await waitFor(() => raw.closed !== null, 5000, `close ${code}`);
  expect(raw.closed!.code).toBe(code);
  if (typeof reason === 'string') expect(raw.closed!.reason).toBe(reason);
  else if (reason) expect(raw.closed!.reason).toMatch(reason);
}

function updateFrame(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncMessageType.update);
    encoding.writeVarUint8Array(e, update);
  });
}

/**
 * An update Yjs decodes but cannot apply, written into the text card's title (so the session lets
 * an edit of it through): two Items of a new client, the first placed after the second. Yjs looks
 * the second up before it has integrated it, and throws.
 */
function unapplicableUpdate(doc: Y.Doc): Uint8Array {
  let last = boardText(doc)._start;
  while (last?.right) last = last.right;
  if (!last) throw new Error('the text card must have text');
  const client = 424_242;
  const end = Y.createID(last.id.client, last.id.clock + last.length - 1);
  const first = new Y.Item(Y.createID(client, 0), null, Y.createID(client, 1), null, null, null, null, new Y.ContentString('x'));
  const second = new Y.Item(Y.createID(client, 1), null, end, null, null, null, null, new Y.ContentString('y'));
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, 1); // one client
  encoding.writeVarUint(encoder.restEncoder, 2); // with two structs
  encoder.writeClient(client);
  encoding.writeVarUint(encoder.restEncoder, 0); // from clock 0
  first.write(encoder, 0);
  second.write(encoder, 0);
  encoding.writeVarUint(encoder.restEncoder, 0); // no deletions
  return encoder.toUint8Array();
}

describe('bad input closes only the offending connection', () => {
  it('garbage bytes: 4400 malformed message', async () => {
    const sc = await scene();
    const raw = await offender(sc);
    // a sync step 1 whose state vector claims far more bytes than the frame has
    raw.send(new Uint8Array([0, 0, 0xff, 0xff, 0x03, 1, 2, 3]));
    await expectClosed(raw, CloseCode.malformedMessage, CloseReason.malformedMessage);
    await othersCarryOn(sc, CloseCode.malformedMessage);
  });

  it('truncated varint: 4400 malformed message', async () => {
    const sc = await scene();
    const raw = await offender(sc);
    raw.send(new Uint8Array([0x80]));
    await expectClosed(raw, CloseCode.malformedMessage, CloseReason.malformedMessage);
    await othersCarryOn(sc, CloseCode.malformedMessage);
  });

  it('empty frame: 4400 malformed message', async () => {
    const sc = await scene();
    const raw = await offender(sc);
    raw.send(new Uint8Array(0));
    await expectClosed(raw, CloseCode.malformedMessage);
    await othersCarryOn(sc, CloseCode.malformedMessage);
  });

  it('text frame instead of binary: 4400 malformed message', async () => {
    const sc = await scene();
    const raw = await offender(sc);
    raw.send('{"hello":"world"}');
    await expectClosed(raw, CloseCode.malformedMessage, CloseReason.malformedMessage);
    await othersCarryOn(sc, CloseCode.malformedMessage);
  });

  it('an update Yjs cannot parse, in valid framing: 4422 invalid update, nothing stored', async () => {
    const sc = await scene();
    const before = (await sc.s.storage.documents.loadDocument(sc.board.id)).updates.length;
    const raw = await offender(sc);
    raw.send(updateFrame(new Uint8Array([5, 1, 2, 3, 200, 7])));
    await expectClosed(raw, CloseCode.invalidUpdate, CloseReason.invalidUpdate);
    expect((await sc.s.storage.documents.loadDocument(sc.board.id)).updates.length).toBe(before);
    await othersCarryOn(sc, CloseCode.invalidUpdate);
  });

  it('a sync step 1 whose state vector does not decode: 4400 malformed message', async () => {
    const sc = await scene();
    const raw = await offender(sc);
    // well framed (3 bytes of payload), but the state vector inside is a truncated varint
    raw.send(new Uint8Array([0, 0, 3, 1, 0xff, 0xff]));
    await expectClosed(raw, CloseCode.malformedMessage, CloseReason.malformedMessage);
    await othersCarryOn(sc, CloseCode.malformedMessage);
  });

  it('an update Yjs reads but cannot apply: 4422, not relayed, not left in the log', async () => {
    const sc = await scene();
    const raw = await offender(sc);
    // Found by fuzzing: Y.decodeUpdate reads it, Y.applyUpdate throws. It writes outside the
    // board's layout, so now the session refuses it before Yjs applies anything.
    const fuzzed = new Uint8Array([1, 8, 1, 0, 1, 1, 1, 116, 1, 132, 1, 0, 1, 101, 132, 1, 1, 3, 108, 108, 111, 39, 1, 1, 109, 1, 97, 1, 40, 0, 1, 5, 1, 120, 1, 125, 1, 195, 1, 1, 1, 2, 2, 90, 90, 39, 0, 1, 5, 1, 121, 2, 4, 0, 1, 9, 1, 113, 1, 1, 1, 0, 1]);
    raw.send(updateFrame(fuzzed));
    await waitFor(() => rawControl(raw).some((m) => m.type === 'refused'), 5000, 'the refusal');
    expect(rawControl(raw).find((m) => m.type === 'refused')).toMatchObject({ kept: false });
    expect(raw.closed).toBeNull();
    // the same flaw inside the layout passes the session's rules and reaches Yjs
    raw.send(updateFrame(unapplicableUpdate(sc.a.doc)));
    await expectClosed(raw, CloseCode.invalidUpdate, CloseReason.invalidUpdate);
    // compacted at once: the update is not in the log for a later load to trip on
    expect((await sc.s.storage.documents.loadDocument(sc.board.id)).updates).toHaveLength(0);
    // What Yjs did integrate of it reached the others (an exception in their provider would fail
    // this run as an unhandled error), and they still sync with each other and the server.
    boardText(sc.b.doc).insert(boardText(sc.b.doc).length, ' after');
    await waitFor(() => text(sc.a.doc) === text(sc.b.doc) && text(sc.a.doc).endsWith(' after'), 5000, 'others still sync');
    expect(sc.a.wsconnected && sc.b.wsconnected).toBe(true);
    expect(await storedText(sc.s.storage, sc.board.id)).toBe(text(sc.a.doc));
  });

  it('unknown message type: 4400 "unknown message type N"', async () => {
    const sc = await scene();
    const raw = await offender(sc);
    raw.send(new Uint8Array([7, 1, 2]));
    await expectClosed(raw, CloseCode.malformedMessage, 'unknown message type 7');
    await othersCarryOn(sc, CloseCode.malformedMessage);
  });

  it('a message over the size limit: 1009', async () => {
    const sc = await scene({ maxMessageBytes: 64 * 1024 });
    const raw = await offender(sc);
    raw.send(new Uint8Array(100 * 1024));
    await expectClosed(raw, CloseCode.messageTooBig);
    await othersCarryOn(sc, CloseCode.messageTooBig);
  });

  it("awareness for someone else's client id: 4409, their presence untouched", async () => {
    const sc = await scene();
    sc.a.awareness.setLocalStateField('user', { name: 'Ada' });
    await waitFor(() => sc.b.awareness.getStates().has(sc.a.doc.clientID), 5000, 'presence');
    const clock = sc.s.rooms.peek(sc.board.id)!.awareness.meta.get(sc.a.doc.clientID)!.clock;
    const raw = await offender(sc);
    // an echo at the current clock is what standard providers do: harmless, not an offence
    raw.send(awarenessFrame([{ clientId: sc.a.doc.clientID, clock, state: { user: { name: 'Ada' } } }]));
    raw.send(awarenessFrame([{ clientId: sc.a.doc.clientID, clock: clock + 5, state: { user: { name: 'Mallory' } } }]));
    await expectClosed(raw, CloseCode.awarenessConflict);
    expect(sc.b.awareness.getStates().get(sc.a.doc.clientID)?.user?.name).toBe('Ada');
    await othersCarryOn(sc, CloseCode.awarenessConflict);
  });

  it('an id whose state timed out is free: a page back on a new connection takes it over at once', async () => {
    const sc = await scene();
    const id = 777_777;
    // a page on a connection that will go quiet (a raw client never answers anything)
    const old = await offender(sc);
    old.send(awarenessFrame([{ clientId: id, clock: 1, state: { user: { name: 'Ada' } } }]));
    await waitFor(() => sc.b.awareness.getStates().has(id), 5000, 'presence');
    const room = sc.s.rooms.peek(sc.board.id)!;
    // what the room's awareness does by itself after 30 s without a sign of life from that page
    // (its network gone, its connection not closed)
    removeAwarenessStates(room.awareness, [id], 'timeout');
    await waitFor(() => !sc.b.awareness.getStates().has(id), 5000, 'timed out');
    // the same page, back on a new connection while the old one is still open here
    const back = await offender(sc);
    back.send(awarenessFrame([{ clientId: id, clock: 2, state: { user: { name: 'Ada' } } }]));
    await waitFor(() => sc.b.awareness.getStates().get(id)?.user?.name === 'Ada', 5000, 'present again');
    // the old connection leaving later takes nothing with it
    old.ws.close();
    await waitFor(() => room.connectionList().length === 3, 5000, 'old connection gone');
    expect(room.awareness.getStates().get(id)).toEqual({ user: { name: 'Ada' } });
    back.send(awarenessFrame([{ clientId: id, clock: 3, state: { user: { name: 'Ada again' } } }]));
    await waitFor(() => sc.b.awareness.getStates().get(id)?.user?.name === 'Ada again', 5000, 'still hers');
    // while a state is live, the rule stands: nobody else may change it
    const other = await offender(sc);
    other.send(awarenessFrame([{ clientId: id, clock: 9, state: { user: { name: 'Mallory' } } }]));
    await expectClosed(other, CloseCode.awarenessConflict);
  });

  it('an awareness state over the cap: 4413', async () => {
    const sc = await scene({ maxAwarenessStateBytes: 1024 });
    const raw = await offender(sc);
    raw.send(awarenessFrame([{ clientId: 999_999, clock: 1, state: { blob: 'x'.repeat(2000) } }]));
    await expectClosed(raw, CloseCode.awarenessTooBig, CloseReason.awarenessTooBig);
    expect(sc.b.awareness.getStates().has(999_999)).toBe(false);
    await othersCarryOn(sc, CloseCode.awarenessTooBig);
  });

  it('more messages per second than the limit: 4429 rate limited', async () => {
    const sc = await scene({ messagesPerSecond: 1, messageBurst: 30 });
    const raw = await offender(sc);
    for (let i = 0; i < 40; i++) raw.send(new Uint8Array([MessageType.queryAwareness]));
    await expectClosed(raw, CloseCode.rateLimited, CloseReason.rateLimited);
    await othersCarryOn(sc, CloseCode.rateLimited);
  });

  it('sync step 1 over and over (a full encoding each): 4429 once the budget is spent, within the message limit', async () => {
    const sc = await scene({ syncRequestsPerSecond: 1, syncRequestBurst: 5 });
    const raw = await offender(sc);
    const step1 = frame((e) => {
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, SyncMessageType.step1);
      encoding.writeVarUint8Array(e, new Uint8Array([0]));
    });
    for (let i = 0; i < 20; i++) raw.send(step1);
    await expectClosed(raw, CloseCode.rateLimited, CloseReason.rateLimited);
    expect(sc.s.logs.some((l) => l.fields?.detail === 'sync requests')).toBe(true);
    await othersCarryOn(sc, CloseCode.rateLimited);
  });
});

describe('limits', () => {
  it('a reader that never reads is closed with 4408 once its buffer passes the cap; others keep up', async () => {
    // the writing below may pass the board size cap long before the buffer cap: lift it
    const sc = await scene({ maxBufferedBytes: 64 * 1024, maxBoardBytes: 1024 * 1024 * 1024 });
    const slow = await offender(sc);
    const socket = (slow.ws as WebSocket & { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const chunk = 'x'.repeat(256 * 1024);
    let written = 0;
    const tooSlow = () => sc.s.logs.some((l) => l.fields?.code === CloseCode.clientTooSlow);
    // keep writing until the kernel buffers are full and the server's own buffer passes the cap
    while (!tooSlow() && written < 200) {
      boardText(sc.a.doc, BIG_CARD).insert(0, chunk);
      written++;
      await waitFor(() => text(sc.b.doc, BIG_CARD).length === written * chunk.length, 10_000, 'b keeps up');
    }
    expect(tooSlow()).toBe(true);
    socket.resume();
    await expectClosed(slow, CloseCode.clientTooSlow, CloseReason.clientTooSlow);
    expect(sc.s.rooms.connectionCount(sc.board.id)).toBe(2);
    await othersCarryOn(sc, CloseCode.clientTooSlow);
  });

  it('more connections than the board maximum: 503 before upgrade', async () => {
    const sc = await scene({ maxConnectionsPerBoard: 2 });
    expect(await upgradeStatus(`${sc.s.wsUrl}/${sc.board.id}?token=${sc.board.tokens.viewer}`)).toBe(503);
    // another board is not affected
    const other = await sc.s.createBoard();
    expect(await upgradeStatus(`${sc.s.wsUrl}/${other.id}?token=${other.tokens.viewer}`)).toBe(101);
    boardText(sc.b.doc).insert(6, ' after');
    await waitFor(() => text(sc.a.doc) === 'before after');
  });

  it('too many connection attempts from one address: 429 before upgrade', async () => {
    const sc = await scene({ connectionsPerSecondPerAddress: 0.001, connectionBurstPerAddress: 2 });
    expect(await upgradeStatus(`${sc.s.wsUrl}/${sc.board.id}?token=${sc.board.tokens.viewer}`)).toBe(429);
    boardText(sc.b.doc).insert(6, ' after');
    await waitFor(() => text(sc.a.doc) === 'before after');
  });

  it('a plain GET on a board socket path is 426, not an upgrade', async () => {
    const sc = await scene();
    const res = await fetch(`${sc.s.url}/ws/${sc.board.id}?token=${sc.board.tokens.viewer}`);
    expect(res.status).toBe(426);
  });
});
