/**
 * Load-generator clients that speak just enough of the y-websocket protocol. Readers never build
 * a Y.Doc: they find the writer's sequence markers (`#s<n>;`, ASCII inside the Yjs update's
 * string content) in the raw frame bytes, so the clients are not what is measured.
 *
 * Writers write where a board's people do: into the titles of cards. Crossboard refuses any write
 * outside the board's layout, and adds a card only for a connection that has joined (it credits
 * the card to that participant), so a writer joins first; the other targets ignore the join frame
 * (type 100) and get the identical document updates.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { addProblem, cardTitleText, type Author } from '../shared/board/index.ts';
import { MessageType, SyncMessageType, type JoinValue } from '../shared/protocol.ts';

export function connect(url: string): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => ok(ws));
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

/** Opens many sockets, `parallel` at a time. */
export async function connectMany(urls: string[], parallel = 100): Promise<WebSocket[]> {
  const out: WebSocket[] = new Array(urls.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, urls.length) }, async () => {
      while (next < urls.length) {
        const i = next++;
        out[i] = await connect(urls[i]!);
      }
    }),
  );
  return out;
}

export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.update);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export function syncStep1Frame(stateVector: Uint8Array = new Uint8Array([0])): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.step1);
  encoding.writeVarUint8Array(e, stateVector);
  return encoding.toUint8Array(e);
}

/** An awareness update for one client id, encoded by hand (no Awareness instance needed). */
export function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

/** The card a `Writer` types into (one writer per board). */
const WRITER_CARD = 'bench';

/** Who the benchmark's writers join as. */
const BENCH_PERSON = { name: 'Bench', organisation: 'Bench Ltd', sector: 'private sector' } as const;
const JOIN_ID = 'bench-join';

/** A type-100 `join` command. */
export function joinFrame(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.crossboard);
  encoding.writeVarString(e, JSON.stringify({ type: 'command', id: JOIN_ID, name: 'join', args: BENCH_PERSON }));
  return encoding.toUint8Array(e);
}

/**
 * Joins on `ws` and resolves with the author Crossboard credits this connection's cards to
 * (writing that author itself spares the server a correction). Crossboard only: other servers
 * never answer.
 */
export function joinBoard(ws: WebSocket): Promise<Author> {
  return new Promise((ok, fail) => {
    const onMessage = (data: Buffer) => {
      const d = decoding.createDecoder(data);
      if (decoding.readVarUint(d) !== MessageType.crossboard) return;
      const message = JSON.parse(decoding.readVarString(d)) as { type: string; id?: string; ok?: boolean; value?: JoinValue };
      if (message.type !== 'result' || message.id !== JOIN_ID) return;
      ws.off('message', onMessage);
      if (!message.ok || !message.value) return fail(new Error(`join refused: ${JSON.stringify(message)}`));
      const { participantId, name, organisation, sector } = message.value;
      ok({ participantId, name, organisation, sector });
    };
    ws.on('message', onMessage);
    ws.send(joinFrame());
  });
}

/** The Yjs update that `change` makes to `doc` (one transaction). */
function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
  let update: Uint8Array | undefined;
  const capture = (u: Uint8Array) => (update = u);
  doc.on('update', capture);
  try {
    doc.transact(change);
  } finally {
    doc.off('update', capture);
  }
  if (!update) throw new Error('the change changed nothing');
  return update;
}

/** Adds problem cards with these ids and empty titles to `doc`, for writers to type into; returns the update. */
export function addWritingCards(doc: Y.Doc, ids: readonly string[], author: Author): Uint8Array {
  const origin = { kind: 'local', participantId: author.participantId } as const;
  return updateOf(doc, () => {
    for (const id of ids) addProblem(doc, { id, title: '', author }, origin);
  });
}

/** The title a writer types into, once its card is in `doc`. */
export function writingText(doc: Y.Doc, id: string): Y.Text {
  const text = cardTitleText(doc, id);
  if (!text) throw new Error(`no card ${id} to write into`);
  return text;
}

const HASH = 0x23; // '#'
const S = 0x73; // 's'
const SEMI = 0x3b; // ';'

/** Calls `found` with every marker number in a frame. */
export function scanMarkers(frame: Buffer, found: (seq: number) => void): void {
  let i = frame.indexOf(HASH);
  while (i >= 0 && i + 2 < frame.length) {
    if (frame[i + 1] === S) {
      let n = 0;
      let j = i + 2;
      let digits = 0;
      while (j < frame.length && frame[j]! >= 0x30 && frame[j]! <= 0x39) {
        n = n * 10 + (frame[j]! - 0x30);
        j++;
        digits++;
      }
      if (digits > 0 && frame[j] === SEMI) found(n);
      i = frame.indexOf(HASH, j);
    } else {
      i = frame.indexOf(HASH, i + 1);
    }
  }
}

/**
 * Writes numbered markers into a card's title and sends each resulting update as one frame.
 * `prepare` encodes the next updates ahead of time, so that at high rates sending one costs the
 * load generator a send, not a Yjs transaction (the generator shares the machine with the server).
 * On creation it joins and adds its card (see the module comment), before anything is measured.
 */
export class Writer {
  readonly doc = new Y.Doc();
  readonly sentAt = new Map<number, number>();
  private encoded = 0;
  private sent = 0;
  /** frames encoded ahead, for sequence numbers sent + 1, sent + 2, ... */
  private ahead: Uint8Array[] = [];
  private aheadStart = 0;
  private readonly text: Y.Text;
  private padding: string;

  constructor(readonly ws: WebSocket, paddingBytes = 0) {
    this.padding = 'x'.repeat(paddingBytes);
    // the author is a placeholder: Crossboard credits the card to whoever joined on `ws`
    const author: Author = { participantId: 'bench', ...BENCH_PERSON };
    ws.send(joinFrame());
    ws.send(syncUpdateFrame(addWritingCards(this.doc, [WRITER_CARD], author)));
    this.text = writingText(this.doc, WRITER_CARD);
  }

  private encodeNext(): Uint8Array {
    const seq = ++this.encoded;
    let update: Uint8Array | undefined;
    const capture = (u: Uint8Array) => (update = u);
    this.doc.once('update', capture);
    this.text.insert(this.text.length, `#s${seq};${this.padding}`);
    return syncUpdateFrame(update!);
  }

  /** Encodes the next `count` updates now. */
  prepare(count: number): void {
    for (let i = 0; i < count; i++) this.ahead.push(this.encodeNext());
  }

  /** Sends one update; returns its sequence number. */
  write(): number {
    const seq = ++this.sent;
    const frame = this.aheadStart < this.ahead.length ? this.ahead[this.aheadStart++]! : this.encodeNext();
    if (this.aheadStart === this.ahead.length) {
      this.ahead = [];
      this.aheadStart = 0;
    }
    this.sentAt.set(seq, performance.now());
    this.ws.send(frame);
    return seq;
  }

  get count(): number {
    return this.sent;
  }
}

/** Records the latency of every marker it receives (first sighting only). */
export class Reader {
  readonly latencies: number[] = [];
  readonly seen = new Set<number>();

  constructor(readonly ws: WebSocket, sentAt: Map<number, number>) {
    ws.on('message', (data: Buffer) => {
      const now = performance.now();
      scanMarkers(data, (seq) => {
        if (this.seen.has(seq)) return;
        this.seen.add(seq);
        const t = sentAt.get(seq);
        if (t !== undefined) this.latencies.push(now - t);
      });
    });
  }
}

/** Calls `tick` `rate` times a second for `seconds`, catching up after a late timer. */
export async function paced(rate: number, seconds: number, tick: () => void): Promise<void> {
  const interval = 1000 / rate;
  const start = performance.now();
  const total = Math.round(rate * seconds);
  let done = 0;
  while (done < total) {
    const due = start + done * interval;
    const now = performance.now();
    if (now < due) await new Promise((r) => setTimeout(r, Math.max(0, due - now - 0.5)));
    else {
      tick();
      done++;
    }
  }
}

/** Resolves when `cond` is true, checking on every event-loop turn; rejects after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function closeAll(sockets: WebSocket[]): void {
  for (const ws of sockets) ws.terminate();
}
