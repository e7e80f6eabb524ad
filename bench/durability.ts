/**
 * B6 cold load and B7 kill -9 cycles: the workloads that need storage, so they run against
 * Crossboard (the reference server keeps boards in memory and loses them on a kill by design).
 */
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import { addIdea, addNote, addProblem, cardTitleText, type Author } from '../shared/board/index.ts';
import { cardBody, findCard } from '../shared/schema.ts';
import { MessageType, SyncMessageType } from '../shared/protocol.ts';
import { addWritingCards, connect, joinBoard, paced, scanMarkers, syncStep1Frame, syncUpdateFrame, until, writingText } from './clients.ts';
import { median } from './stats.ts';
import type { Target } from './targets.ts';

/**
 * A 200-card board as the log of 12,700 small updates that built it (cards, then keystrokes), all
 * by `author`. The board it is uploaded to has its meta already (only a facilitator may write it).
 */
export function buildBoardLog(author: Author, cards = 200, totalUpdates = 12_700): Uint8Array[] {
  const doc = new Y.Doc();
  const log: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => log.push(u));
  const origin = { kind: 'local', participantId: author.participantId } as const;
  const ids: string[] = [];
  const problems: string[] = [];
  const ideas: string[] = [];
  for (let i = 0; i < cards; i++) {
    if (i % 6 === 0) {
      problems.push(addProblem(doc, { title: `Problem ${i}`, author }, origin));
      ids.push(problems.at(-1)!);
    } else if (i % 2 === 1) {
      ideas.push(addIdea(doc, { title: `Idea ${i}`, author, problemId: problems.at(-1)! }, origin));
      ids.push(ideas.at(-1)!);
    } else {
      ids.push(addNote(doc, { title: `Note ${i}`, author, ideaId: ideas.at(-1) ?? null }, origin));
    }
  }
  let n = 0;
  while (log.length < totalUpdates) {
    const id = ids[n % ids.length]!;
    const paragraph = cardBody(findCard(doc, id)!.record)!.toDelta()[0].insert as Y.XmlText;
    paragraph.insert(paragraph.length, 'abcdefghij'[n % 10]!);
    n++;
  }
  return log;
}

/** Sends step 1 and resolves with the time until the server's step 2 arrives. */
function firstSyncReply(ws: WebSocket, startedAt: number): Promise<number> {
  return new Promise((ok) => {
    const onMessage = (data: Buffer) => {
      const d = decoding.createDecoder(data);
      if (decoding.readVarUint(d) !== MessageType.sync) return;
      if (decoding.readVarUint(d) !== SyncMessageType.step2) return;
      ws.off('message', onMessage);
      ok(performance.now() - startedAt);
    };
    ws.on('message', onMessage);
    ws.send(syncStep1Frame());
  });
}

/**
 * Joins through one socket, uploads the log `build` makes for the joined author (Crossboard adds
 * cards only for a joined connection), then waits for the server to have applied all of it.
 */
async function upload(url: string, build: (author: Author) => Uint8Array[]): Promise<void> {
  const ws = await connect(url);
  const log = build(await joinBoard(ws));
  for (const update of log) ws.send(syncUpdateFrame(update));
  await firstSyncReply(ws, performance.now());
  ws.close();
}

/**
 * B6: the board is stored, the server restarts (kill -9, so nothing is compacted at shutdown), a
 * small other board is opened first so the process is warm (JIT, SQLite page cache of the
 * schema), then the time from opening a socket to the first sync reply for the big board.
 */
export async function coldLoad(target: Target, opts: { repeats: number; kill: boolean }): Promise<{ median: number; all: number[] }> {
  const url = await target.newRoom();
  const warmUrl = await target.newRoom();
  await upload(url, (author) => buildBoardLog(author));
  const times: number[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    if (opts.kill) await target.kill9();
    else await target.stop();
    await target.restart();
    const warm = await connect(warmUrl);
    await firstSyncReply(warm, performance.now());
    warm.terminate();
    const t0 = performance.now();
    const ws = await connect(url);
    times.push(await firstSyncReply(ws, t0));
    ws.terminate();
  }
  return { median: median(times), all: times };
}

/** Reads the whole stored board through a fresh connection into a fresh doc. */
export async function readStored(url: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const ws = await connect(url);
  await new Promise<void>((ok) => {
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(data);
      if (decoding.readVarUint(d) !== MessageType.sync) return;
      if (decoding.readVarUint(d) !== SyncMessageType.step2) return;
      Y.applyUpdate(doc, decoding.readVarUint8Array(d));
      ok();
    });
    ws.send(syncStep1Frame());
  });
  ws.terminate();
  return doc;
}

/**
 * B7: writers type steadily through unmodified y-websocket providers while the server is killed
 * with SIGKILL and restarted, `cycles` times. Lost = a marker some client received from the server
 * (so it had been broadcast) that is missing from the stored board afterwards.
 */
export async function killCycles(
  target: Target,
  opts: { writers: number; rate: number; cycles: number; secondsBetween: number },
): Promise<{ broadcastSeen: number; lost: number; unsyncedWrites: number; recoverMs: number[] }> {
  const url = new URL(await target.newRoom());
  const boardId = url.pathname.split('/').pop()!;
  const token = url.searchParams.get('token')!;
  const seen = new Set<number>();
  const written: number[] = [];
  // each writer types into a card of its own, which a joined connection adds first
  const cardOf = (writer: number) => `w${writer}`;
  const cards = Array.from({ length: opts.writers }, (_, i) => cardOf(i));
  await upload(url.toString(), (author) => [addWritingCards(new Y.Doc(), cards, author)]);
  const providers = Array.from({ length: opts.writers }, (_, i) => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${target.port}/ws`, boardId, doc, {
      params: { token },
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
      maxBackoffTime: 500,
    });
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === provider) scanMarkers(Buffer.from(u.buffer, u.byteOffset, u.byteLength), (s) => seen.add(s));
    });
    return { doc, provider, n: 0, i };
  });
  await until(() => providers.every((p) => p.provider.synced), 10_000, 'writers synced');
  const texts = providers.map((p) => writingText(p.doc, cardOf(p.i)));

  let running = true;
  const writing = (async () => {
    let k = 0;
    while (running) {
      await paced(opts.rate * opts.writers, 0.25, () => {
        const p = providers[k++ % providers.length]!;
        const seq = p.i * 1_000_000 + ++p.n;
        texts[p.i]!.insert(texts[p.i]!.length, `#s${seq};`);
        written.push(seq);
      });
    }
  })();

  const recoverMs: number[] = [];
  for (let c = 0; c < opts.cycles; c++) {
    await new Promise((r) => setTimeout(r, opts.secondsBetween * 1000));
    const killedAt = performance.now();
    await target.kill9();
    await target.restart();
    const ws = await connect(url.toString());
    await firstSyncReply(ws, performance.now());
    recoverMs.push(performance.now() - killedAt);
    ws.terminate();
  }
  running = false;
  await writing;
  await until(() => providers.every((p) => p.provider.synced && p.provider.wsconnected), 20_000, 'writers resynced');
  // Providers upload what the server missed when they resync; read the stored board until it
  // holds every write or the deadline passes (whatever is still missing then is reported).
  const storedMarkers = new Set<number>();
  const deadline = performance.now() + 15_000;
  do {
    const stored = await readStored(url.toString());
    for (let i = 0; i < opts.writers; i++) {
      const text = cardTitleText(stored, cardOf(i))?.toString() ?? '';
      for (const m of text.matchAll(/#s(\d+);/g)) storedMarkers.add(Number(m[1]));
    }
  } while (written.some((s) => !storedMarkers.has(s)) && performance.now() < deadline);
  for (const p of providers) p.provider.destroy();
  let lost = 0;
  for (const s of seen) if (!storedMarkers.has(s)) lost++;
  const unsyncedWrites = written.filter((s) => !storedMarkers.has(s)).length;
  return { broadcastSeen: seen.size, lost, unsyncedWrites, recoverMs };
}

export { upload };
