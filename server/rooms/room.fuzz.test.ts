/**
 * Bounded fuzz of the room's message handling (`npm run fuzz` runs it longer): random
 * bytes, truncations and mutations of valid frames, from many connections. The process never
 * throws, every closed connection carries a known code, storage only ever holds updates Yjs can
 * apply, and a well-behaved connection still syncs afterwards. The seed is printed on failure.
 */
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, MessageType, SyncMessageType } from '../../shared/protocol.ts';
import { resolveLimits } from '../config.ts';
import { testBoard } from '../storage/fixtures.ts';
import { FakeSocket, ObservedStorage, insertUpdate } from '../test/fakes.ts';
import { captureLogger, waitFor } from '../test/harness.ts';
import { Rooms } from './rooms.ts';

function prng(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KNOWN_CODES = new Set<number>(Object.values(CloseCode));

function validFrames(doc: Y.Doc, i: number): Uint8Array[] {
  const update = insertUpdate(doc, `w${i}`);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.update);
  encoding.writeVarUint8Array(e, update);
  const aw = encoding.createEncoder();
  encoding.writeVarUint(aw, 1);
  encoding.writeVarUint(aw, 1000 + i);
  encoding.writeVarUint(aw, 1);
  encoding.writeVarString(aw, JSON.stringify({ user: { name: `fuzz ${i}` } }));
  const a = encoding.createEncoder();
  encoding.writeVarUint(a, MessageType.awareness);
  encoding.writeVarUint8Array(a, encoding.toUint8Array(aw));
  return [encoding.toUint8Array(e), encoding.toUint8Array(a), new Uint8Array([MessageType.queryAwareness])];
}

function mutate(frame: Uint8Array, rand: () => number): Uint8Array {
  const choice = rand();
  if (choice < 0.3) return frame.slice(0, Math.floor(rand() * frame.length)); // truncate
  const copy = frame.slice();
  const flips = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < flips && copy.length > 0; i++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
  return copy;
}

describe('room fuzz', () => {
  it('survives random and mutated frames without storing anything unappliable', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const rand = prng(seed);
    try {
      const storage = new ObservedStorage();
      const board = testBoard();
      storage.boards.createBoard(board, Y.encodeStateAsUpdate(new Y.Doc()));
      const rooms = new Rooms({ storage, logger: captureLogger(), limits: resolveLimits({ idleUnloadMs: 60_000 }) });
      const good = new FakeSocket();
      const goodConn = rooms.connect(board.id, 'contributor', good);
      await waitFor(() => good.sent.length >= 2);
      const source = new Y.Doc();
      const sockets: FakeSocket[] = [];
      const deadline = Date.now() + Number(process.env.FUZZ_SECONDS ?? 1) * 1000;
      for (let round = 0; Date.now() < deadline; round++) {
        const socket = new FakeSocket();
        sockets.push(socket);
        const conn = rooms.connect(board.id, 'contributor', socket);
        await waitFor(() => socket.sent.length >= 2 || socket.closed !== null);
        for (let i = 0; i < 20 && !socket.closed; i++) {
          const r = rand();
          let frame: Uint8Array;
          if (r < 0.3) {
            frame = new Uint8Array(Math.floor(rand() * 64));
            for (let j = 0; j < frame.length; j++) frame[j] = Math.floor(rand() * 256);
          } else {
            const valid = validFrames(source, round * 20 + i);
            const pick = valid[Math.floor(rand() * valid.length)]!;
            frame = r < 0.7 ? mutate(pick, rand) : pick;
          }
          conn.receive(frame);
        }
        await new Promise((resolve) => setImmediate(resolve));
        conn.disconnected();
      }
      for (const s of sockets) if (s.closed) expect(KNOWN_CODES.has(s.closed.code)).toBe(true);
      // every stored update can be applied, in order, to a fresh document
      const stored = storage.inner.documents.loadDocument(board.id);
      const check = new Y.Doc();
      for (const u of stored.updates) Y.applyUpdate(check, u);
      // and a well-behaved connection still works
      goodConn.receive(
        (() => {
          const e = encoding.createEncoder();
          encoding.writeVarUint(e, MessageType.sync);
          encoding.writeVarUint(e, SyncMessageType.update);
          encoding.writeVarUint8Array(e, insertUpdate(new Y.Doc(), 'still fine'));
          return encoding.toUint8Array(e);
        })(),
      );
      await waitFor(() => rooms.peek(board.id)!.doc.getText('t').toString().includes('still fine'));
      expect(good.closed).toBeNull();
      await rooms.shutdown();
    } catch (error) {
      throw new Error(`fuzz failed with FUZZ_SEED=${seed}: ${String(error)}`, { cause: error });
    }
    // `npm run fuzz` raises FUZZ_SECONDS past the default test timeout
  }, 30_000 + Number(process.env.FUZZ_SECONDS ?? 1) * 2000);
});
