/**
 * CF and CR: a cluster of three Crossboard processes losing one process, by kill -9 of the board's
 * owner (failover) or by SIGTERM of each in turn (rolling restart), while clients on every process
 * write. Clients are unmodified y-websocket providers whose sockets go through `target.route`: a
 * load balancer without sticky sessions that sends each new socket to the next process that is up
 * (it takes a process out as it is signalled, as a health check would, and back once it listens).
 */
import * as Y from 'yjs';
import WS from 'ws';
import pg from 'pg';
import { WebsocketProvider } from 'y-websocket';
import { cardTitleText } from '../shared/board/index.ts';
import { MessageType } from '../shared/protocol.ts';
import { addWritingCards, scanMarkers, until, writingText } from './clients.ts';
import { readStored, upload } from './durability.ts';
import { median } from './stats.ts';
import type { Target } from './targets.ts';

/** Markers are `writer * SEQ_PER_WRITER + n`: the writer of a marker is known from its number. */
const SEQ_PER_WRITER = 1_000_000;
const cardOf = (writer: number) => `w${writer}`;

type Client = {
  i: number;
  doc: Y.Doc;
  provider: WebsocketProvider;
  text: Y.Text;
  n: number;
  /** when the socket last closed, until the client is synced again */
  closedAt?: number;
};

/**
 * A board with `clients` writers spread round-robin over the processes, each typing markers into
 * a card of its own `rate` times a second. Records when each marker was written and when a client
 * on another process than its writer first received it.
 */
class Crew {
  readonly clients: Client[] = [];
  /** marker → when written */
  readonly writtenAt = new Map<number, number>();
  /** marker → when first received by a client other than its writer */
  readonly seenAt = new Map<number, number>();
  /** called when client `reader` (on `readerPort`) receives marker `seq` */
  onSeen: (seq: number, reader: Client) => void = () => {};
  /** called when a client is synced after its socket closed, with the time it was without sync */
  onResynced: (client: Client, gapMs: number) => void = () => {};
  private timer?: NodeJS.Timeout;

  private constructor(
    readonly target: Target,
    readonly boardId: string,
    readonly token: string,
    readonly url: string,
  ) {}

  static async start(target: Target, opts: { clients: number; rate: number }): Promise<Crew> {
    const url = new URL(await target.newRoom());
    const crew = new Crew(target, url.pathname.split('/').pop()!, url.searchParams.get('token')!, url.toString());
    // a joined connection adds the cards the writers type into
    await upload(target.route(crew.url), (author) => [addWritingCards(new Y.Doc(), Array.from({ length: opts.clients }, (_, i) => cardOf(i)), author)]);
    for (let i = 0; i < opts.clients; i++) crew.add(i);
    await crew.allSynced(15_000);
    crew.timer = setInterval(() => {
      for (const c of crew.clients) crew.write(c);
    }, 1000 / opts.rate);
    return crew;
  }

  private add(i: number): void {
    const target = this.target;
    // each socket the provider opens goes where the balancer sends it
    class Balanced extends WS {
      constructor(address: string, protocols?: string | string[]) {
        super(target.route(address), protocols, { perMessageDeflate: false });
      }
    }
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${target.port}/ws`, this.boardId, doc, {
      params: { token: this.token },
      WebSocketPolyfill: Balanced as never,
      disableBc: true,
      maxBackoffTime: 500,
    });
    // Crossboard's own messages (session, notices) mean nothing to these writers
    provider.messageHandlers[MessageType.crossboard] = () => {};
    const client: Client = { i, doc, provider, text: undefined as unknown as Y.Text, n: 0 };
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== provider) return;
      const now = performance.now();
      scanMarkers(Buffer.from(u.buffer, u.byteOffset, u.byteLength), (seq) => {
        if (Math.floor(seq / SEQ_PER_WRITER) === i) return;
        if (!this.seenAt.has(seq)) this.seenAt.set(seq, now);
        this.onSeen(seq, client);
      });
    });
    provider.on('status', ({ status }: { status: string }) => {
      if (status === 'disconnected' && client.closedAt === undefined) client.closedAt = performance.now();
    });
    provider.on('sync', (synced: boolean) => {
      if (!synced) return;
      if (!client.text) client.text = writingText(doc, cardOf(i));
      if (client.closedAt !== undefined) {
        const gap = performance.now() - client.closedAt;
        client.closedAt = undefined;
        this.onResynced(client, gap);
      }
    });
    this.clients.push(client);
  }

  /** Types the client's next marker into its card (kept in its document while it is offline). */
  write(c: Client): void {
    if (!c.text) return;
    const seq = c.i * SEQ_PER_WRITER + ++c.n;
    c.text.insert(c.text.length, `#s${seq};`);
    this.writtenAt.set(seq, performance.now());
  }

  /** The port of the process the client's socket is on, if it has one open. */
  portOf(c: Client): string | undefined {
    const ws = c.provider.ws as unknown as WS | null;
    return ws && c.provider.wsconnected ? new URL(ws.url).port : undefined;
  }

  allSynced(timeoutMs: number): Promise<void> {
    return until(() => this.clients.every((c) => c.provider.synced && c.provider.wsconnected && c.text), timeoutMs, 'every client synced');
  }

  /** Resolves once every client has received a marker written after now by every other client. */
  async flowing(timeoutMs: number): Promise<void> {
    const from = this.clients.map((c) => c.n);
    await until(
      () =>
        this.clients.every((reader) =>
          this.clients.every((w) => w === reader || has(cardTitleText(reader.doc, cardOf(w.i)), `#s${w.i * SEQ_PER_WRITER + from[w.i]! + 1};`)),
        ),
      timeoutMs,
      'writes flowing between every pair of clients',
    );
  }

  /** Closes every client's socket and opens it again, so the balancer spreads them over the processes up. */
  async rebalance(): Promise<void> {
    for (const c of this.clients) {
      c.provider.disconnect();
      c.closedAt = undefined;
      c.provider.connect();
      await until(() => c.provider.synced && c.provider.wsconnected, 15_000, 'client back');
      c.closedAt = undefined;
    }
  }

  /**
   * Stops writing, waits until every client holds every marker written (each provider uploads
   * what the server missed when it resyncs), then reads the board through a fresh socket.
   * lost: markers some client received from the server that the fresh read lacks; missing:
   * markers written that it lacks; converged: every client's cards equal the fresh read's.
   */
  async finish(): Promise<{ written: number; seen: number; lost: number; missing: number; converged: boolean }> {
    clearInterval(this.timer);
    const all = [...this.writtenAt.keys()];
    const cards = (doc: Y.Doc) => this.clients.map((c) => cardTitleText(doc, cardOf(c.i))?.toString() ?? '').join('|');
    const markersIn = (doc: Y.Doc) => new Set([...cards(doc).matchAll(/#s(\d+);/g)].map((m) => Number(m[1])));
    await until(
      () =>
        this.clients.every((c) => {
          const held = markersIn(c.doc);
          return all.every((s) => held.has(s));
        }),
      20_000,
      'every write on every client',
    ).catch(() => {});
    const stored = await readStored(this.target.route(this.url));
    const truth = cards(stored);
    const markers = markersIn(stored);
    const result = {
      written: all.length,
      seen: this.seenAt.size,
      lost: [...this.seenAt.keys()].filter((s) => !markers.has(s)).length,
      missing: all.filter((s) => !markers.has(s)).length,
      converged: this.clients.every((c) => cards(c.doc) === truth),
    };
    for (const c of this.clients) c.provider.destroy();
    return result;
  }
}

function has(text: Y.Text | null | undefined, marker: string): boolean {
  return text?.toString().includes(marker) ?? false;
}

/** The index of the process that holds the board's lease (its holder name is host:pid:random). */
async function ownerOf(target: Target, boardId: string): Promise<number> {
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ holder: string; live: boolean }>(
      'SELECT holder, expires_at > clock_timestamp() AS live FROM leases WHERE board_id = $1',
      [boardId],
    );
    const row = rows[0];
    if (!row?.live) throw new Error(`board ${boardId} has no live lease`);
    const pid = Number(row.holder.split(':').at(-2));
    const index = target.pids().indexOf(pid);
    if (index < 0) throw new Error(`the lease holder ${row.holder} is none of the processes ${target.pids().join(', ')}`);
    return index;
  } finally {
    await client.end();
  }
}

export type FailoverResult = {
  rounds: number;
  /** per client and round: kill → the client synced again (0 if it never lost sync) */
  syncedMs: number[];
  /** per client and round: kill → a marker it wrote after the kill received by a client on another process */
  recoveredMs: number[];
  median: number;
  worst: number;
  /** clients that had not recovered within the round's deadline */
  notRecovered: number;
  written: number;
  seen: number;
  lost: number;
  missing: number;
  converged: boolean;
};

/**
 * CF: clients on every process write to one board; the process holding its lease is killed with
 * SIGKILL; for each client, the time from the kill until a marker it wrote after the kill reaches
 * a client on another process (so it is served again, through whichever process). The killed
 * process is then started again, the clients are spread over all three again, and the next round
 * kills the new owner.
 */
export async function failover(target: Target, opts: { clientsPerProcess: number; rate: number; rounds: number }): Promise<FailoverResult> {
  const processes = target.ports.length;
  const crew = await Crew.start(target, { clients: opts.clientsPerProcess * processes, rate: opts.rate });
  const syncedMs: number[] = [];
  const recoveredMs: number[] = [];
  let notRecovered = 0;
  for (let round = 0; round < opts.rounds; round++) {
    await crew.rebalance();
    await crew.flowing(10_000);
    const owner = await ownerOf(target, crew.boardId);
    const synced = new Map<number, number>();
    const recovered = new Map<number, number>();
    let killedAt = Infinity;
    crew.onResynced = (c) => {
      if (performance.now() < killedAt || synced.has(c.i)) return;
      synced.set(c.i, performance.now() - killedAt);
      // its next write, now
      crew.write(c);
    };
    crew.onSeen = (seq, reader) => {
      const writer = crew.clients[Math.floor(seq / SEQ_PER_WRITER)]!;
      if (recovered.has(writer.i) || (crew.writtenAt.get(seq) ?? 0) < killedAt) return;
      const readerPort = crew.portOf(reader);
      if (readerPort !== undefined && readerPort === crew.portOf(writer)) return;
      recovered.set(writer.i, performance.now() - killedAt);
    };
    killedAt = performance.now();
    await target.signal(owner, 'SIGKILL');
    await until(() => recovered.size === crew.clients.length, 15_000, 'every client recovered').catch(() => {});
    for (const c of crew.clients) {
      if (recovered.has(c.i)) recoveredMs.push(recovered.get(c.i)!);
      else notRecovered++;
      syncedMs.push(synced.get(c.i) ?? 0);
    }
    crew.onResynced = () => {};
    crew.onSeen = () => {};
    await target.restartProcess(owner);
  }
  const end = await crew.finish();
  const sorted = [...recoveredMs].sort((a, b) => a - b);
  return { rounds: opts.rounds, syncedMs, recoveredMs, median: median(sorted), worst: sorted.at(-1) ?? NaN, notRecovered, ...end };
}

export type RollingResult = {
  /** the longest any client was without sync: from its socket's close to its next sync */
  longestWithoutSyncMs: number;
  /** per restart, the longest gap of any client it closed */
  perRestartMs: number[];
  /** gaps of every client closed, all restarts */
  gapsMs: number[];
  /** clients not synced again within 15 s of a restart */
  stuck: number;
  written: number;
  seen: number;
  lost: number;
  missing: number;
  converged: boolean;
};

/**
 * CR: clients on every process write to one board; each process in turn is sent SIGTERM, awaited
 * until it has exited, started again on its port and awaited until it listens; then every client
 * must be synced again before the next.
 */
export async function rollingRestart(target: Target, opts: { clientsPerProcess: number; rate: number }): Promise<RollingResult> {
  const processes = target.ports.length;
  const crew = await Crew.start(target, { clients: opts.clientsPerProcess * processes, rate: opts.rate });
  const gapsMs: number[] = [];
  const perRestartMs: number[] = [];
  let stuck = 0;
  for (let i = 0; i < processes; i++) {
    await crew.flowing(10_000);
    const gaps: number[] = [];
    crew.onResynced = (_c, gap) => gaps.push(gap);
    await target.signal(i, 'SIGTERM');
    await target.restartProcess(i);
    await crew.allSynced(15_000).catch(() => {
      stuck += crew.clients.filter((c) => !(c.provider.synced && c.provider.wsconnected)).length;
    });
    crew.onResynced = () => {};
    gapsMs.push(...gaps);
    perRestartMs.push(gaps.length ? Math.max(...gaps) : 0);
  }
  await crew.flowing(10_000);
  const end = await crew.finish();
  return { longestWithoutSyncMs: gapsMs.length ? Math.max(...gapsMs) : 0, perRestartMs, gapsMs, stuck, ...end };
}
