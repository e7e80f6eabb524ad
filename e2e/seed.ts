/**
 * Seeding a board through the real server with a Node y-websocket client (as a script or another
 * device would), then checking with a fresh client that the server has it all. No Playwright
 * imports: the client benchmark uses this too.
 */
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import { onAuthoring, readBoard, type Author } from '../shared/board/index.ts';
import { MessageType } from '../shared/protocol.ts';
import type { CreateBoardResponse } from '../shared/api.ts';

export type CreatedBoard = CreateBoardResponse;

/**
 * Seeds `board` as its people would write it. The server credits each card to the participant
 * who joined on the connection that added it, so every author in the seed gets a Yjs client of
 * their own (`onAuthoring`) and their cards are sent by a connection joined as them; the meta
 * goes with the facilitator's. Then a fresh client checks the server has every card.
 */
export async function seedThroughServer(baseURL: string, board: CreatedBoard, seed: (doc: Y.Doc) => void): Promise<void> {
  const wsBase = baseURL.replace(/^http/, 'ws') + '/ws';
  const doc = new Y.Doc();
  const facilitatorClient = doc.clientID;
  const authors = new Map<number, Author>();
  const clientOf = new Map<string, number>();
  const stop = onAuthoring(doc, (author) => {
    let client = clientOf.get(author.participantId);
    if (client === undefined) {
      client = freshClientId(doc);
      clientOf.set(author.participantId, client);
      authors.set(client, author);
    }
    doc.clientID = client;
  });
  try {
    seed(doc);
  } finally {
    stop();
  }
  const expected = countCards(doc);
  // the facilitator's part (the meta) first, then each author's cards in the order they first wrote
  const senders: Array<{ client: number; author: Author | null }> = [
    { client: facilitatorClient, author: null },
    ...[...authors].map(([client, author]) => ({ client, author })),
  ];
  for (const { client, author } of senders) {
    const update = onlyClient(doc, client);
    if (!update) continue;
    const writerDoc = new Y.Doc();
    const writer = connect(wsBase, board, writerDoc);
    try {
      await synced(writer);
      if (author) await join(writer, author);
      Y.applyUpdate(writerDoc, update);
    } finally {
      // the provider sent it as it applied it (the socket flushes before closing); the reader
      // below waits for what the server stored
      writer.destroy();
    }
  }
  const checkDoc = new Y.Doc();
  const reader = connect(wsBase, board, checkDoc);
  try {
    await synced(reader);
    const deadline = Date.now() + 20_000;
    while (countCards(checkDoc) < expected) {
      if (Date.now() > deadline) throw new Error(`server has ${countCards(checkDoc)} of ${expected} cards`);
      // Wake on the next update, or re-check after a moment if none comes.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        checkDoc.once('update', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  } finally {
    reader.destroy();
  }
}

function freshClientId(doc: Y.Doc): number {
  let id: number;
  do id = Math.floor(Math.random() * 0xffffffff);
  while (doc.store.clients.has(id) || id === doc.clientID);
  return id;
}

/** What `client` wrote in `doc`, as one update (with the document's deletions). */
function onlyClient(doc: Y.Doc, client: number): Uint8Array | null {
  if (!doc.store.clients.has(client)) return null;
  const others = new Map<number, number>();
  for (const c of doc.store.clients.keys()) if (c !== client) others.set(c, Y.getState(doc.store, c));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, others.size);
  for (const [c, clock] of others) {
    encoding.writeVarUint(encoder, c);
    encoding.writeVarUint(encoder, clock);
  }
  return Y.encodeStateAsUpdate(doc, encoding.toUint8Array(encoder));
}

/** Sends `join` as `author` and waits for the server's answer. */
function join(provider: WebsocketProvider, author: Author): Promise<void> {
  return new Promise((resolve, reject) => {
    const id = `seed-${Math.random().toString(36).slice(2)}`;
    const timer = setTimeout(() => reject(new Error(`no answer to join as ${author.name}`)), 10_000);
    provider.messageHandlers[MessageType.crossboard] = (_encoder, decoder) => {
      const message = JSON.parse(decoding.readVarString(decoder)) as { type: string; id?: string; ok?: boolean };
      if (message.type !== 'result' || message.id !== id) return;
      clearTimeout(timer);
      if (message.ok) resolve();
      else reject(new Error(`join as ${author.name} was refused: ${JSON.stringify(message)}`));
    };
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.crossboard);
    encoding.writeVarString(
      e,
      JSON.stringify({ type: 'command', id, name: 'join', args: { name: author.name, organisation: author.organisation, sector: author.sector } }),
    );
    provider.ws!.send(encoding.toUint8Array(e));
  });
}

function connect(wsBase: string, board: CreatedBoard, doc: Y.Doc): WebsocketProvider {
  const provider = new WebsocketProvider(wsBase, board.id, doc, {
    params: { token: board.tokens.facilitator },
    disableBc: true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  // Crossboard's own message type (hello): read and ignore it instead of logging "Unable to compute".
  provider.messageHandlers[MessageType.crossboard] = (_encoder, decoder) => void decoding.readVarString(decoder);
  return provider;
}

function synced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (s: boolean) => {
      if (s) {
        provider.off('sync', on);
        resolve();
      }
    };
    provider.on('sync', on);
  });
}

export function countCards(doc: Y.Doc): number {
  const b = readBoard(doc);
  return b.problems.length + b.ideas.length + b.notes.length;
}
