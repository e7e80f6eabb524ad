/**
 * B8, a reconnect storm: `clients` connections spread over boards, the server killed with SIGKILL
 * and started again, every client coming back as Crossboard's client does. Reports the time
 * until all have resynced, from the restarted server's "listening" line and from the kill, and
 * every connection attempt with what became of it.
 *
 * Each client behaves as client/sync/ does (y-websocket 3.1.0 driven by reconnect.ts), using
 * reconnect.ts's own functions so the two cannot drift apart:
 * - after a close it waits `retryDelay(n, spread)`: full jitter under a ceiling that doubles from
 *   200 ms up to 10 s, n counting closes since its last sync (y-websocket's
 *   `wsUnsuccessfulReconnects`), and at least the spread a close code asks for (1012: 2 s,
 *   4429: 5 s, ...) until it syncs again; it gives up on the closes `shouldReconnect` refuses;
 * - on open it sends sync step 1 with the state vector of the board it holds, then its presence
 *   (an awareness update, as `keepPresenceAcrossReconnects` keeps it across reconnects);
 * - it answers the server's sync step 1 with a sync step 2 holding whatever the server lacks,
 *   and counts as synced when the server's sync step 2 arrives (y-websocket's `synced`).
 *
 * Nothing a client had may be lost: each board is written to before the kill, and a client whose
 * restarted server sends a state vector missing part of what it held counts as `behind`.
 */
import WS from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { retryDelay, shouldReconnect, spreadFor } from '../client/sync/reconnect.ts';
import { MessageType, SyncMessageType } from '../shared/protocol.ts';
import { Writer, awarenessFrame, closeAll, connect, scanMarkers, syncStep1Frame, until } from './clients.ts';
import type { Target } from './targets.ts';

export type StormResult = {
  clients: number;
  /** the restarted server's "listening" line → the last client synced */
  allSyncedMs: number;
  /** the kill → the last client synced (includes the process start) */
  fromKillMs: number;
  /** the kill → the "listening" line */
  restartMs: number;
  p50Ms: number;
  p99Ms: number;
  /** every connection attempt, the first connections included */
  attempts: number;
  /** attempts from the kill on, per client: 1 is one attempt each */
  attemptsPerClient: number;
  /** of those: refused because nothing listened (ECONNREFUSED) */
  refused: number;
  /** answered with an HTTP status instead of an upgrade (429, 503, ...) */
  turnedAway: number;
  /** opened, then closed before the client synced */
  closedEarly: number;
  /** clients whose restarted server lacked something they held (must be 0) */
  behind: number;
  lagMax: number;
};

/** What a client holds of its board: one copy per board, as every client of it holds the same. */
type Board = { url: string; doc: Y.Doc; stateVector: Uint8Array };

const PRESENCE = { user: { name: 'Storm', organisation: 'Bench Ltd', sector: 'private sector', color: '#1d70b8' }, card: null };

/** A sync frame's kind (step 1, step 2, update) and payload; null for any other message. */
function syncMessage(data: Buffer): { kind: number; payload: Uint8Array } | null {
  const d = decoding.createDecoder(data);
  if (decoding.readVarUint(d) !== MessageType.sync) return null;
  const kind = decoding.readVarUint(d);
  return { kind, payload: decoding.readVarUint8Array(d) };
}

function syncStep2Frame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.step2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Whether state vector `server` covers everything in `held`. */
function covers(server: Map<number, number>, held: Map<number, number>): boolean {
  for (const [client, clock] of held) if ((server.get(client) ?? 0) < clock) return false;
  return true;
}

/**
 * A board with content: a card written by a joined writer, then a marker in its title, seen by
 * a reader before the board counts as written (so it is stored: Crossboard broadcasts nothing
 * before storing it). The reader's copy of the board becomes what every client of it holds.
 */
async function writtenBoard(target: Target, marker: number): Promise<Board> {
  const url = await target.newRoom();
  const writerWs = await connect(target.route(url));
  const writer = new Writer(writerWs);
  const readerWs = await connect(target.route(url));
  const doc = new Y.Doc();
  let seen = false;
  readerWs.on('message', (data: Buffer) => {
    const m = syncMessage(data);
    if (m && m.kind !== SyncMessageType.step1) Y.applyUpdate(doc, m.payload);
    scanMarkers(data, (seq) => (seen ||= seq === marker));
  });
  readerWs.send(syncStep1Frame());
  for (let i = 0; i < marker; i++) writer.write();
  await until(() => seen, 30_000, 'the board written');
  closeAll([writerWs, readerWs]);
  return { url, doc, stateVector: Y.encodeStateVector(doc) };
}

export async function reconnectStorm(target: Target, opts: { clients: number; perBoard: number }): Promise<StormResult> {
  const boards: Board[] = [];
  for (let b = 0; b < Math.ceil(opts.clients / opts.perBoard); b++) boards.push(await writtenBoard(target, 3));
  const boardOf = (i: number) => boards[Math.floor(i / opts.perBoard)]!;
  const heldVector = boards.map((b) => Y.decodeStateVector(b.stateVector));

  let killedAt = 0;
  let attempts = 0;
  let reconnectAttempts = 0;
  const outcome = { refused: 0, turnedAway: 0, closedEarly: 0 };
  let initiallySynced = 0;
  const syncedAt: number[] = new Array(opts.clients).fill(0);
  const behind = new Set<number>();
  const sockets: WS[] = [];
  let stopping = false;

  /** one client: y-websocket's counter of closes since the last sync, and the spread asked for */
  const client = (i: number) => {
    const board = boardOf(i);
    let unsuccessful = 0;
    let spreadMs = 0;
    const open = () => {
      attempts++;
      if (killedAt > 0) reconnectAttempts++;
      const ws = new WS(board.url, { perMessageDeflate: false });
      sockets[i] = ws;
      let opened = false;
      let synced = false;
      ws.on('open', () => {
        opened = true;
        ws.send(syncStep1Frame(board.stateVector));
        ws.send(awarenessFrame(1_000_000 + i, 1, PRESENCE));
      });
      ws.on('message', (data: Buffer) => {
        const m = syncMessage(data);
        if (!m) return;
        if (m.kind === SyncMessageType.step1) {
          const server = Y.decodeStateVector(m.payload);
          if (killedAt > 0 && !covers(server, heldVector[Math.floor(i / opts.perBoard)]!)) behind.add(i);
          ws.send(syncStep2Frame(Y.encodeStateAsUpdate(board.doc, m.payload)));
        } else if (m.kind === SyncMessageType.step2 && !synced) {
          synced = true;
          unsuccessful = 0;
          spreadMs = 0;
          if (killedAt === 0) initiallySynced++;
          else if (syncedAt[i] === 0) syncedAt[i] = performance.now();
        }
      });
      ws.on('unexpected-response', (_req, res) => {
        if (killedAt > 0) outcome.turnedAway++;
        res.resume();
        ws.terminate();
      });
      ws.on('error', (error: Error & { code?: string }) => {
        if (killedAt > 0 && !opened && error.code === 'ECONNREFUSED') outcome.refused++;
      });
      ws.on('close', (code: number) => {
        if (killedAt > 0 && opened && !synced) outcome.closedEarly++;
        unsuccessful++;
        spreadMs = Math.max(spreadMs, spreadFor(code));
        if (stopping || !shouldReconnect(code)) return;
        setTimeout(open, retryDelay(unsuccessful, spreadMs));
      });
    };
    open();
  };
  for (let i = 0; i < opts.clients; i++) client(i);
  await until(() => initiallySynced === opts.clients, 60_000, 'all synced before the kill');

  killedAt = performance.now();
  await target.kill9();
  await target.restart();
  const restartedAt = performance.now();
  await until(() => syncedAt.every((t) => t > 0), 60_000, 'all resynced').catch(() => {});
  const probes = target.probesSince(restartedAt);
  stopping = true;
  closeAll(sockets);
  const times = syncedAt.filter((t) => t > 0).sort((a, b) => a - b);
  const all = times.length === opts.clients;
  return {
    clients: times.length,
    allSyncedMs: all ? times.at(-1)! - restartedAt : NaN,
    fromKillMs: all ? times.at(-1)! - killedAt : NaN,
    restartMs: restartedAt - killedAt,
    p50Ms: (times[Math.floor(times.length / 2)] ?? NaN) - restartedAt,
    p99Ms: (times[Math.floor(times.length * 0.99)] ?? NaN) - restartedAt,
    attempts,
    attemptsPerClient: reconnectAttempts / opts.clients,
    ...outcome,
    behind: behind.size,
    lagMax: probes.length ? Math.max(...probes.map((p) => p.lagMax)) : NaN,
  };
}
