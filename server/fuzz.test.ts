/**
 * Network fuzz: hostile raw clients against a real server (port 0, SQLite storage) while a
 * well-behaved y-websocket provider keeps editing. Cases: random bytes, truncated varints, valid
 * framing around invalid or mutated updates, huge awareness states, awareness for someone else's
 * client id, unknown message types, text frames, oversized frames.
 *
 * Checked: the process never throws; every hostile connection that is closed gets a code the
 * protocol defines; the good provider is never disconnected and converges with the server; every
 * stored update decodes and the stored board loads into exactly what the good client has.
 *
 * Bounded here (FUZZ_SECONDS, default 2); `npm run fuzz` runs it for longer. FUZZ_SEED replays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, MessageType, SyncMessageType } from '../shared/protocol.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import { addTextCards, boardText, connectProvider, rawClient, startServer, text, waitFor, type TestServer } from './test/harness.ts';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 2);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const MAX_MESSAGE = 64 * 1024;
const KNOWN_CODES = new Set<number>([...Object.values(CloseCode), 1006 /* cut off after the grace period */]);

let dir: string;
let storage: SqliteStorage;
let server: TestServer;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'crossboard-fuzz-'));
  storage = SqliteStorage.open(dir);
  server = await startServer({
    storage,
    limits: { maxMessageBytes: MAX_MESSAGE, maxAwarenessStateBytes: 4096, messagesPerSecond: 5000, messageBurst: 5000, connectionBurstPerAddress: 100_000, connectionsPerSecondPerAddress: 100_000, compactAfterUpdates: 50 },
  });
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await server.close();
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

function randomBytes(gen: prng.PRNG, max: number): Uint8Array {
  return prng.uint8Array(gen, prng.int32(gen, 0, max));
}

/**
 * One hostile frame; `victimClientId` is the good provider's awareness id, `scratch` a copy of the
 * board that mutated updates are cut from.
 */
function hostileFrame(gen: prng.PRNG, victimClientId: number, scratch: Y.Doc): Uint8Array | string {
  switch (prng.int32(gen, 0, 9)) {
    case 0:
      return randomBytes(gen, 64);
    case 1: // a varint that never ends
      return new Uint8Array(prng.int32(gen, 1, 12)).fill(0x80);
    case 2: // sync update framing around random bytes
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.sync);
        encoding.writeVarUint(e, SyncMessageType.update);
        encoding.writeVarUint8Array(e, randomBytes(gen, 200));
      });
    case 3: {
      // a real update with a few bytes changed or cut short: into the board's text card (judged by
      // the session's rules) or into a root outside the board's layout (refused as such)
      let update: Uint8Array | undefined;
      scratch.once('update', (u: Uint8Array) => (update = u));
      (prng.bool(gen) ? boardText(scratch) : scratch.getText('t')).insert(0, prng.word(gen, 1, 8));
      const bytes = update!.slice(0, prng.int32(gen, 1, update!.length));
      for (let i = prng.int32(gen, 0, 3); i > 0; i--) bytes[prng.int32(gen, 0, bytes.length - 1)] = prng.uint32(gen, 0, 255);
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.sync);
        encoding.writeVarUint(e, prng.bool(gen) ? SyncMessageType.update : SyncMessageType.step2);
        encoding.writeVarUint8Array(e, bytes);
      });
    }
    case 4: // an awareness state far over the limit
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.awareness);
        encoding.writeVarUint8Array(
          e,
          frame((a) => {
            encoding.writeVarUint(a, 1);
            encoding.writeVarUint(a, prng.uint32(gen, 1, 2 ** 30));
            encoding.writeVarUint(a, 1);
            encoding.writeVarString(a, JSON.stringify({ user: { name: 'x'.repeat(8000) } }));
          }),
        );
      });
    case 5: // the good client's awareness id, with a higher clock
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.awareness);
        encoding.writeVarUint8Array(
          e,
          frame((a) => {
            encoding.writeVarUint(a, 1);
            encoding.writeVarUint(a, victimClientId);
            encoding.writeVarUint(a, 1_000_000);
            encoding.writeVarString(a, JSON.stringify({ user: { name: 'impostor' } }));
          }),
        );
      });
    case 6: // unknown message type
      return frame((e) => encoding.writeVarUint(e, prng.int32(gen, 4, 99)));
    case 7: // text frame
      return prng.word(gen, 0, 40);
    case 8: // over the size limit
      return new Uint8Array(MAX_MESSAGE + prng.int32(gen, 1, 1000));
    default: // sync step 1 with a garbage state vector
      return frame((e) => {
        encoding.writeVarUint(e, MessageType.sync);
        encoding.writeVarUint(e, SyncMessageType.step1);
        encoding.writeVarUint8Array(e, randomBytes(gen, 30));
      });
  }
}

describe(`network fuzz (${SECONDS}s, seed ${SEED})`, () => {
  it('never crashes, closes only offenders with known codes, stores nothing corrupt', async () => {
    const gen = prng.create(SEED);
    const board = await server.createBoard({ title: 'Fuzz' });
    await addTextCards(server, board.id);
    const good = connectProvider(server, board.id, board.tokens.contributor);
    const goodCloses: number[] = [];
    good.on('connection-close', (event) => event && goodCloses.push(event.code));
    await waitFor(() => good.synced, 5000, 'good provider synced');
    good.awareness.setLocalStateField('user', { name: 'Good citizen' });

    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(good.doc));
    const unknownCodes: Array<{ code: number; reason: string }> = [];
    const deadline = Date.now() + SECONDS * 1000;
    let sent = 0;
    let round = 0;
    try {
      while (Date.now() < deadline) {
        // a handful of hostile connections at once, each sending a few frames
        const clients = await Promise.all(
          Array.from({ length: 4 }, () => rawClient(server, board.id, board.tokens.contributor)),
        );
        for (const client of clients) {
          for (let i = prng.int32(gen, 1, 3); i > 0; i--) {
            if (client.ws.readyState !== client.ws.OPEN) break;
            client.send(hostileFrame(gen, good.awareness.clientID, scratch));
            sent++;
          }
        }
        // the good client keeps typing throughout
        boardText(good.doc).insert(boardText(good.doc).length, `${round++},`);
        await Promise.all(
          clients.map((c) =>
            waitFor(() => c.closed !== null || c.messages.length > 0, 5000, 'a reply or a close').catch(() => {}),
          ),
        );
        for (const c of clients) {
          if (c.closed && !KNOWN_CODES.has(c.closed.code)) unknownCodes.push(c.closed);
          c.ws.terminate();
        }
      }
    } catch (error) {
      console.error(`network fuzz failed; replay with FUZZ_SEED=${SEED}`);
      throw error;
    }

    const expected = text(good.doc);
    // the server has everything the good client wrote: a fresh client sees the same text
    const check = connectProvider(server, board.id, board.tokens.viewer);
    await waitFor(() => check.synced && text(check.doc) === expected, 5000, 'a fresh client sees the good edits');
    check.destroy();
    good.destroy();

    expect(uncaught, `seed ${SEED}`).toEqual([]);
    expect(unknownCodes, `seed ${SEED}`).toEqual([]);
    expect(goodCloses, `seed ${SEED}: the good client was disconnected`).toEqual([]);
    expect(sent).toBeGreaterThan(0);

    // everything stored decodes, and the stored board is exactly what the good client has
    await waitFor(() => server.rooms.loadedCount === 0, 5000, 'board unloaded and stored');
    const stored = await storage.documents.loadDocument(board.id);
    const doc = new Y.Doc();
    for (const update of [stored.snapshot, ...stored.updates]) {
      if (!update) continue;
      expect(() => Y.decodeUpdate(update), `seed ${SEED}: a stored update does not decode`).not.toThrow();
      Y.applyUpdate(doc, update);
    }
    expect(text(doc)).toBe(expected);
  }, 30_000 + SECONDS * 2000);
});
