/**
 * Casting a board's votes through the real session commands (docs/session-protocol.md), as people
 * in the room would: a facilitator opens the vote, each voter joins on a connection of their own
 * and places their dots, and the facilitator reveals the results. No Playwright imports.
 */
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import { MessageType, parseControlMessage, type CommandArgs, type CommandName, type ResultMessage } from '../shared/protocol.ts';
import type { VoteConfig } from '../shared/votes.ts';
import type { Sector } from '../shared/schema.ts';
import type { CreatedBoard } from './seed.ts';

type Client = { provider: WebsocketProvider; results: Map<string, ResultMessage> };

function connect(baseURL: string, board: CreatedBoard, role: 'facilitator' | 'contributor'): Client {
  const provider = new WebsocketProvider(baseURL.replace(/^http/, 'ws') + '/ws', board.id, new Y.Doc(), {
    params: { token: board.tokens[role] },
    disableBc: true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const results = new Map<string, ResultMessage>();
  provider.messageHandlers[MessageType.crossboard] = (_encoder, decoder) => {
    const message = parseControlMessage(decoding.readVarString(decoder));
    if (message?.type === 'result') results.set(String(message.id), message);
  };
  return { provider, results };
}

async function until(check: () => boolean, label: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let nextId = 1;

async function run<N extends CommandName>(client: Client, name: N, args: CommandArgs[N]): Promise<unknown> {
  await until(() => client.provider.wsconnected && client.provider.synced, 'the connection');
  const id = `e2e-${nextId++}`;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.crossboard);
  encoding.writeVarString(encoder, JSON.stringify({ type: 'command', id, name, args }));
  client.provider.ws!.send(encoding.toUint8Array(encoder));
  await until(() => client.results.has(id), `the result of ${name}`);
  const result = client.results.get(id)!;
  if (!result.ok) throw new Error(`${name} refused: ${result.error.code} ${result.error.message}`);
  return result.value;
}

export type Voter = { name: string; organisation: string; sector: Sector; cardIds: string[] };

/**
 * Opens a vote on the ideas (moving to `phaseId` first, when the template has a vote phase),
 * casts every voter's dots, and reveals the results.
 */
export async function castRevealedVote(
  baseURL: string,
  board: CreatedBoard,
  voters: readonly Voter[],
  options: { phaseId?: string; config?: Partial<VoteConfig> } = {},
): Promise<void> {
  const facilitator = connect(baseURL, board, 'facilitator');
  try {
    await run(facilitator, 'join', { name: 'Amira Khan', organisation: 'Department for Work and Pensions', sector: 'public sector' });
    if (options.phaseId) await run(facilitator, 'setPhase', { phaseId: options.phaseId });
    await run(facilitator, 'openVote', { config: { lane: 'ideas', ...options.config } });
    for (const voter of voters) {
      const client = connect(baseURL, board, 'contributor');
      try {
        await run(client, 'join', { name: voter.name, organisation: voter.organisation, sector: voter.sector });
        for (const cardId of voter.cardIds) await run(client, 'castVote', { cardId });
      } finally {
        client.provider.destroy();
      }
    }
    await run(facilitator, 'revealVote', {});
  } finally {
    facilitator.provider.destroy();
  }
}
