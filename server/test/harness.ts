/**
 * Shared test harness: a real server on port 0, real y-websocket providers over `ws`, raw `ws`
 * clients for hostile input, and `waitFor` so no test sleeps.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addProblem, cardTitleText, type Author } from '../../shared/board/index.ts';
import { MessageType, parseControlMessage, type ControlMessage } from '../../shared/protocol.ts';
import { createApp, type AppDeps, type CrossboardApp } from '../app.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../log.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { Storage } from '../storage/storage.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

/** Polls `condition` until it holds; fails with `label` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, label = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export type LogLine = { level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

export function captureLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

export type TestServer = CrossboardApp & {
  port: number;
  url: string;
  wsUrl: string;
  storage: Storage;
  logs: LogLine[];
  server: Server;
  createBoard(body?: Record<string, unknown>): Promise<CreateBoardResponse>;
  /** shuts down rooms and the HTTP server (not the storage) */
  close(): Promise<void>;
};

export async function startServer(
  options: {
    storage?: Storage;
    limits?: Partial<Limits>;
    publicUrl?: string;
    createBoardToken?: string;
    now?: () => number;
    brief?: AppDeps['brief'];
    comments?: AppDeps['comments'];
    cluster?: AppDeps['cluster'];
    trustProxyHops?: number;
    /** default: a capturing logger, whose lines are `logs` (empty when another is given) */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const storage = options.storage ?? new MemoryStorage();
  const captured = captureLogger();
  const built = createApp({
    storage,
    logger: options.logger ?? captured,
    publicUrl: options.publicUrl,
    createBoardToken: options.createBoardToken,
    limits: { idleUnloadMs: 0, ...options.limits },
    ...(options.now ? { now: options.now } : {}),
    ...(options.brief ? { brief: options.brief } : {}),
    ...(options.comments ? { comments: options.comments } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...(options.trustProxyHops ? { trustProxyHops: options.trustProxyHops } : {}),
  });
  await built.ready;
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    const s = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server: s as Server, port: info.port }),
    );
  });
  built.injectWebSocket(server);
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    ...built,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    storage,
    logs: captured.lines,
    server,
    async createBoard(body = { title: 'Test board' }) {
      const res = await fetch(`${url}/api/boards`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.createBoardToken ? { authorization: `Bearer ${options.createBoardToken}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`create board: ${res.status} ${await res.text()}`);
      return (await res.json()) as CreateBoardResponse;
    },
    async close() {
      if (closed) return;
      closed = true;
      await built.shutdown();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestProvider = WebsocketProvider & { control: ControlMessage[] };

/**
 * An unmodified WebsocketProvider (no BroadcastChannel, so only the server can sync it), plus a
 * record of the type-100 messages it received (which the provider itself only logs about).
 */
export function connectProvider(server: { wsUrl: string }, boardId: string, token: string, doc = new Y.Doc()) {
  const provider = new WebsocketProvider(server.wsUrl, boardId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  }) as TestProvider;
  provider.control = [];
  provider.messageHandlers[MessageType.crossboard] = (_encoder, decoder) => {
    const message = parseControlMessage(decoding.readVarString(decoder));
    if (message) provider.control.push(message);
  };
  return provider;
}

/** Like connectProvider but leaves type 100 to the provider's default (unknown type) handling. */
export function connectStandardProvider(server: { wsUrl: string }, boardId: string, token: string, doc = new Y.Doc()) {
  return new WebsocketProvider(server.wsUrl, boardId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
}

/** Waits for the provider's first sync; the default allows for a loaded machine (a child process's first board load). */
export function whenSynced(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => provider.synced, timeoutMs, 'provider sync');
}

// ---------------------------------------------------------------------------------------------
// Plain text inside the board's layout. The server refuses writes to any root the layout does not
// name, so tests that sync plain text sync it through the title (a Y.Text) of a card
// the board starts with, written there by the server as a template's starter cards are.

/** The id of the card whose title tests sync text through, unless they name another. */
export const TEXT_CARD = 'test-text';

const TEXT_CARD_AUTHOR: Author = { participantId: 'test-harness', name: 'Test harness', organisation: '', sector: 'public sector' };

/** Puts problem cards with empty titles and these ids into `doc`, as `author`, in one transaction. */
export function writeTextCards(doc: Y.Doc, ids: readonly string[], author: Author, origin: BoardOrigin): void {
  doc.transact(() => {
    for (const id of ids) addProblem(doc, { id, title: '', author }, origin);
  }, origin);
}

/**
 * Adds text cards (`TEXT_CARD` unless `ids` says otherwise) to a board as the server, then stores
 * the board as a snapshot: it then starts as if it had been created with them, and a test's
 * storage checks see only what the test itself wrote.
 */
export async function addTextCards(s: TestServer, boardId: string, ids: readonly string[] = [TEXT_CARD]): Promise<void> {
  const room = await s.rooms.get(boardId);
  room.changeAsServer((doc) => writeTextCards(doc, ids, TEXT_CARD_AUTHOR, { kind: 'server' }));
  await room.store();
}

/** The title of a text card in `doc`; throws if the card is not there (not added, or not synced yet). */
export function boardText(doc: Y.Doc, id = TEXT_CARD): Y.Text {
  const title = cardTitleText(doc, id);
  if (!title) throw new Error(`no text card ${id} in this document: addTextCards first, and wait for sync`);
  return title;
}

/** A steady stream of small writes: every `everyMs`, each writer appends `<prefix><round> ` to its text card. */
export type WriteStorm = {
  /** every token written, in the order written */
  readonly written: string[];
  /** rounds written so far */
  readonly rounds: number;
  stop(): void;
};

export function writeStorm(writers: readonly (readonly [WebsocketProvider, string])[], everyMs = 5): WriteStorm {
  const written: string[] = [];
  let rounds = 0;
  const timer = setInterval(() => {
    for (const [provider, prefix] of writers) {
      const token = `${prefix}${rounds} `;
      boardText(provider.doc).insert(boardText(provider.doc).length, token);
      written.push(token);
    }
    rounds++;
  }, everyMs);
  return {
    written,
    get rounds() {
      return rounds;
    },
    stop: () => clearInterval(timer),
  };
}

/** What a text card's title says in `doc` ('' while the card is not there). */
export function text(doc: Y.Doc, id = TEXT_CARD): string {
  return cardTitleText(doc, id)?.toString() ?? '';
}

/** A text card's title in the board's loaded room; undefined when the board is not loaded. */
export function serverText(s: TestServer, boardId: string, id = TEXT_CARD): string | undefined {
  const room = s.rooms.peek(boardId);
  return room ? text(room.doc, id) : undefined;
}

export type RawClient = {
  ws: WebSocket;
  messages: Uint8Array[];
  closed: { code: number; reason: string } | null;
  send(data: Uint8Array | string): void;
};

/** A bare `ws` client for sending frames no provider would. Resolves once open. */
export async function rawClient(server: { wsUrl: string }, boardId: string, token: string): Promise<RawClient> {
  const ws = new WebSocket(`${server.wsUrl}/${boardId}?token=${encodeURIComponent(token)}`);
  const client: RawClient = {
    ws,
    messages: [],
    closed: null,
    send: (data) => ws.send(data),
  };
  ws.on('message', (data: Buffer) => client.messages.push(new Uint8Array(data)));
  ws.on('close', (code, reason) => (client.closed = { code, reason: reason.toString() }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return client;
}

/** The HTTP status a refused WebSocket upgrade answered with, as a real `ws` client sees it. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', (error) => {
      // ws reports an error after 'unexpected-response' too; only reject if nothing resolved
      if (!(error.message ?? '').includes('Unexpected server response')) reject(error);
    });
  });
}

export function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** A stored board, rebuilt the way the server loads it. */
export async function storedDoc(storage: Storage, boardId: string): Promise<Y.Doc> {
  const stored = await storage.documents.loadDocument(boardId);
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
  });
  return doc;
}

/** What a text card's title says in the stored board. */
export async function storedText(storage: Storage, boardId: string, id = TEXT_CARD): Promise<string> {
  return text(await storedDoc(storage, boardId), id);
}

/** An awareness frame (type 1) carrying `entries` as given: tests send states no provider would. */
export function awarenessFrame(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const inner = frame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const { clientId, clock, state } of entries) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, JSON.stringify(state));
    }
  });
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, inner);
  });
}
