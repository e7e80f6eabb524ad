import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addProblem, initBoard, updateCardTitle, type Author } from '../../../shared/board/index.ts';
import type { BoardOrigin } from '../../../shared/origins.ts';
import type { RefusedChange } from '../../../shared/protocol.ts';
import { analyseUpdate, partKey, type UpdatePart } from './updateParts.ts';
import { RefusedRanges } from './refusedRanges.ts';

const me: Author = { participantId: 'p1', name: 'Amira', organisation: 'Council', sector: 'public sector' };
const origin: BoardOrigin = { kind: 'local', participantId: 'p1' };

const refusal = (id: string): RefusedChange => ({
  target: { kind: 'card', lane: 'idea', id },
  change: 'add',
  code: 'wrong-phase',
  message: 'You can’t add ideas during “Build”.',
  since: null,
});

/** A server with a board, a client synced to it, and the client's updates one by one as the server would get them. */
function scene() {
  const server = new Y.Doc();
  initBoard(server, { title: 'Board' });
  const ideaId = addIdea(server, { title: 'Text nudges', author: me, problemId: null }, origin);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const sent: Uint8Array[] = [];
  client.on('update', (u: Uint8Array) => sent.push(u));
  /** the parts of the client's next update, as the server (which never got the earlier ones) sees them */
  const next = (change: (doc: Y.Doc) => void) => {
    const from = sent.length;
    change(client);
    return analyseUpdate(server, Y.decodeUpdate(Y.mergeUpdates(sent.slice(from))));
  };
  return { ideaId, next };
}

const only = (parts: Map<string, UpdatePart>, key: string) => {
  expect([...parts.keys()]).toEqual([key]);
  return parts.get(key)!;
};

describe('RefusedRanges', () => {
  it('the title typed into a card refused whole, sent on its own, goes on from that refusal, however many keystrokes it takes', () => {
    const { next } = scene();
    let card = '';
    const added = next((d) => (card = addIdea(d, { title: '', author: me, problemId: null }, origin)));
    const refused = new RefusedRanges();
    const change = refusal(card);
    refused.remember(only(added.parts, partKey({ kind: 'card', lane: 'idea', id: card })).items, change);

    const typed = next((d) => {
      for (const word of ['A', 'A rent', 'A rent calendar']) updateCardTitle(d, card, word, origin);
    });
    const unresolved = only(typed.parts, 'unresolved');
    expect(refused.changesBuiltOn(unresolved)).toEqual([change]);
    // remembered in its turn, the next keystrokes build on it
    refused.remember(unresolved.items, change);
    const more = only(next((d) => updateCardTitle(d, card, 'A rent calendar on the fridge', origin)).parts, 'unresolved');
    expect(refused.changesBuiltOn(more)).toEqual([change]);
  });

  it('what builds on something the server never got, refused or not, is not taken for a refused change', () => {
    const { next } = scene();
    let held = '';
    // sent, but never got (not refused): nothing is remembered of it
    next((d) => (held = addProblem(d, { title: 'Held back', author: me }, origin)));
    const refused = new RefusedRanges();
    const edit = only(next((d) => updateCardTitle(d, held, 'Held back and edited', origin)).parts, 'unresolved');
    expect(refused.changesBuiltOn(edit)).toBeNull();
  });

  it('forgets the oldest refused Items beyond what it keeps', () => {
    const { next } = scene();
    const refused = new RefusedRanges(1);
    let first = '';
    let second = '';
    const a = next((d) => (first = addIdea(d, { title: '', author: me, problemId: null }, origin)));
    const b = next((d) => (second = addIdea(d, { title: '', author: me, problemId: null }, origin)));
    const itemsOf = (analysis: typeof a, id: string) => analysis.parts.get(partKey({ kind: 'card', lane: 'idea', id }))!.items;
    // one Item each is enough to tell: the card's own entry in its lane
    refused.remember(itemsOf(a, first).slice(0, 1), refusal(first));
    refused.remember(itemsOf(b, second).slice(0, 1), refusal(second));
    const [oldest] = itemsOf(a, first);
    const [newest] = itemsOf(b, second);
    expect(refused.changeAt(oldest!.id.client, oldest!.id.clock)).toBeUndefined();
    expect(refused.changeAt(newest!.id.client, newest!.id.clock)?.target).toEqual({ kind: 'card', lane: 'idea', id: second });
  });
});
