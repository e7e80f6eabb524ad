/**
 * Crash safety: 10 writers type about 20 updates/s each through unmodified y-websocket providers
 * while the server process is killed with SIGKILL at random moments and restarted on the same
 * data, for several cycles (CRASH_CYCLES, default 4; `npm run fuzz` runs more).
 *
 * Afterwards: every update any client saw broadcast is in the stored board; every writer's every
 * keystroke is there (providers re-send what the server missed when they reconnect); all clients
 * converge; nothing is duplicated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as prng from 'lib0/prng';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SqliteStorage } from './storage/sqlite.ts';
import { boardText, text, waitFor } from './test/harness.ts';
import { freePort, startServerProcess, type ServerProcess } from './test/process.ts';
import { addTextCardsOverSocket } from './test/session.ts';
import type { CreateBoardResponse } from '../shared/api.ts';

const CYCLES = Number(process.env.CRASH_CYCLES ?? 4);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const WRITERS = 10;
const RATE = 20;

const dataDir = mkdtempSync(path.join(tmpdir(), 'crossboard-crash-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

const MARKER = /#(\d+)\.(\d+);/g;

/** Each writer types into the title of a card of its own (harness.ts text cards). */
const cardOf = (writer: number) => `w${writer}`;

describe(`kill -9 during a write storm (${CYCLES} cycles, seed ${SEED})`, () => {
  it('loses nothing any client saw, duplicates nothing, and every client converges', async () => {
    const gen = prng.create(SEED);
    const port = await freePort();
    server = await startServerProcess(dataDir, { port });
    const res = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Crash storm' }),
    });
    const board = (await res.json()) as CreateBoardResponse;
    await addTextCardsOverSocket(server, board, Array.from({ length: WRITERS }, (_, i) => cardOf(i)));

    const seen = new Set<string>();
    const writers = Array.from({ length: WRITERS }, () => {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, board.id, doc, {
        params: { token: board.tokens.contributor },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
        maxBackoffTime: 300,
      });
      // What the server sent this client: each marker in it was broadcast, hence claimed stored.
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== provider) return;
        // The markers are ASCII inside the update's string content; an isolated update could not
        // be read into a fresh doc (its items refer to earlier ones), so read its bytes.
        for (const m of Buffer.from(update).toString('latin1').matchAll(MARKER)) seen.add(m[0]);
      });
      return { doc, provider, written: 0 };
    });
    let texts: Y.Text[] = [];
    try {
      await waitFor(() => writers.every((w) => w.provider.synced), 10_000, 'writers synced');
      texts = writers.map((w, i) => boardText(w.doc, cardOf(i)));

      let typing = true;
      const storm = (async () => {
        while (typing) {
          for (const [i, w] of writers.entries()) texts[i]!.insert(texts[i]!.length, `#${i}.${++w.written};`);
          await new Promise((r) => setTimeout(r, 1000 / RATE));
        }
      })();

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        // a random moment in the storm: between 100 and 800 ms after the server came up
        const wait = prng.int32(gen, 100, 800);
        await new Promise((r) => setTimeout(r, wait));
        await server.kill();
        server = await startServerProcess(dataDir, { port });
      }
      typing = false;
      await storm;

      // Every writer reconnects and uploads what the server missed; wait until a fresh reader
      // sees every keystroke of every writer.
      const expected = texts.map((t) => t.toString());
      await waitFor(() => writers.every((w) => w.provider.wsconnected && w.provider.synced), 20_000, 'writers reconnected');
      const reader = new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, board.id, new Y.Doc(), {
        params: { token: board.tokens.viewer },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      await waitFor(
        () => reader.synced && expected.every((t, i) => text(reader.doc, cardOf(i)) === t),
        20_000,
        'a fresh reader sees every keystroke',
      );
      reader.destroy();
      // every client converged to the same board
      for (const w of writers) {
        await waitFor(() => expected.every((t, i) => text(w.doc, cardOf(i)) === t), 10_000, 'writers converge');
      }
    } catch (error) {
      console.error(`crash test failed; replay with CRASH_SEED=${SEED}`);
      throw error;
    } finally {
      for (const w of writers) w.provider.destroy();
    }

    // The stored board itself, read from SQLite with the server stopped.
    await server.kill();
    const storage = SqliteStorage.open(dataDir);
    const stored = await storage.documents.loadDocument(board.id);
    storage.close();
    const doc = new Y.Doc();
    doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
    });
    const storedMarkers: string[] = [];
    for (let w = 0; w < WRITERS; w++) {
      const t = text(doc, cardOf(w));
      expect(t, `seed ${SEED}: writer ${w}`).toBe(texts[w]!.toString());
      for (const m of t.matchAll(MARKER)) storedMarkers.push(m[0]);
    }
    const unique = new Set(storedMarkers);
    expect(unique.size, `seed ${SEED}: duplicated updates`).toBe(storedMarkers.length);
    const lost = [...seen].filter((m) => !unique.has(m));
    expect(lost, `seed ${SEED}: broadcast but not stored`).toEqual([]);
    expect(seen.size).toBeGreaterThan(WRITERS * CYCLES);
    expect(storedMarkers.length).toBe(writers.reduce((n, w) => n + w.written, 0));
  }, 120_000);
});
