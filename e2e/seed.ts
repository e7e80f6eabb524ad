/**
 * Seeding a board through the real server with a Node y-websocket client (as a script or another
 * device would), then checking with a fresh client that the server has it all. No Playwright
 * imports: the client benchmark uses this too.
 */
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import { readBoard } from '../shared/board.ts';
import { MessageType } from '../shared/protocol.ts';

export type CreatedBoard = {
  id: string;
  title: string;
  tokens: Record<'facilitator' | 'contributor' | 'viewer', string>;
  links: Record<'facilitator' | 'contributor' | 'viewer', string>;
};

export async function seedThroughServer(baseURL: string, board: CreatedBoard, seed: (doc: Y.Doc) => void): Promise<void> {
  const wsBase = baseURL.replace(/^http/, 'ws') + '/ws';
  const doc = new Y.Doc();
  seed(doc);
  const expected = countCards(doc);
  const writer = connect(wsBase, board, doc);
  try {
    await synced(writer);
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
  } finally {
    writer.destroy();
  }
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
