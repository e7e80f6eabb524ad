import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CARD, laneMap } from '../../../shared/schema.ts';
import { writeMarkdownToBody } from '../../../shared/richtext/writeMarkdownToBody.ts';
import { bodyToPlainText } from '../../../shared/richtext/readBody.ts';
import { analyseUpdate, withoutParts, type UpdateAnalysis } from './updateParts.ts';
import {
  addIdea,
  addProblem,
  addTheme,
  cardBodyById,
  deleteCard,
  initBoard,
  mergeIdeas,
  moveIdea,
  readBoard,
  updateCardTitle,
  updateMeta,
  type Author,
} from '../../../shared/board/index.ts';
import type { BoardOrigin } from '../../../shared/origins.ts';

const me: Author = { participantId: 'p1', name: 'Amira', organisation: 'Council', sector: 'public sector' };
const origin: BoardOrigin = { kind: 'local', participantId: 'p1' };

/** A server document with a board on it, and a client that has synced it. */
function scene() {
  const server = new Y.Doc();
  initBoard(server, { title: 'Board' });
  const problemId = addProblem(server, { title: 'Missed rent', author: me }, origin);
  const ideaId = addIdea(server, { title: 'Text nudges', author: me, problemId }, origin);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const partsOf = (change: (doc: Y.Doc) => void) => summary(analyseUpdate(server, Y.decodeUpdate(capture(client, change))));
  return { server, client, problemId, ideaId, partsOf };
}

function capture(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const grab = (u: Uint8Array) => updates.push(u);
  doc.on('update', grab);
  change(doc);
  doc.off('update', grab);
  return Y.mergeUpdates(updates);
}

/** Each part as `target: flags`, e.g. `card idea X: add`, sorted. */
function summary(analysis: UpdateAnalysis): string[] {
  return [...analysis.parts.values()]
    .map((p) => {
      const t = p.target;
      const name =
        t.kind === 'card' ? `card ${t.lane}` : t.kind === 'theme' ? 'theme' : t.kind === 'meta' ? `meta ${t.field}` : t.kind === 'outside' ? `outside ${t.root}` : 'unresolved';
      const flags = [p.adds && 'add', p.edits && 'edit', p.removes && 'remove', p.credits.length > 0 && 'credits'].filter(Boolean).join('+');
      return `${name}: ${flags}`;
    })
    .sort();
}

describe('analyseUpdate', () => {
  it('a new card is one part that adds, with its author among its credits', () => {
    const { server, client } = scene();
    const analysis = analyseUpdate(server, Y.decodeUpdate(capture(client, (d) => addProblem(d, { title: 'Damp homes', author: me }, origin))));
    expect(summary(analysis)).toEqual(['card problem: add+credits']);
    const part = [...analysis.parts.values()][0]!;
    expect(part.credits.map((c) => [c.field, c.depth, c.fresh])).toEqual([['author', 1, true]]);
  });

  it('a new idea with its title typed and a Markdown body written in the same update is still just an add', () => {
    const { partsOf, problemId } = scene();
    const parts = partsOf((d) => {
      const id = addIdea(d, { title: 'Te', author: me, problemId }, origin);
      updateCardTitle(d, id, 'Text a reminder', origin);
      writeMarkdownToBody(d, cardBodyById(d, id)!, '# Plan\n\n- one\n- two', origin);
    });
    expect(parts).toEqual(['card idea: add+credits']);
  });

  it('editing a title, moving an idea, deleting a card, adding a theme: each is its own kind of part', () => {
    const { partsOf, ideaId, problemId } = scene();
    expect(partsOf((d) => updateCardTitle(d, ideaId, 'Text nudges in plain English', origin))).toEqual(['card idea: edit']);
    expect(partsOf((d) => moveIdea(d, ideaId, { problemId: null }, origin))).toEqual(['card idea: edit']);
    expect(partsOf((d) => deleteCard(d, problemId, origin))).toContain('card problem: edit+remove');
    expect(partsOf((d) => addTheme(d, { title: 'Quick wins', author: me }, origin))).toEqual(['theme: add+credits']);
  });

  it('the meta: one part per field', () => {
    const { partsOf } = scene();
    expect(partsOf((d) => updateMeta(d, { title: 'Forged', sponsor: 'Someone' }, origin))).toEqual(['meta sponsor: add+remove', 'meta title: add+remove']);
  });

  it('typing into an existing title one character per update (merged) is an edit of that card', () => {
    const { server, client, ideaId } = scene();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    for (const ch of ' — plain English, short sentences') {
      const title = (laneMap(client, 'idea').get(ideaId) as Y.Map<unknown>).get(CARD.title) as Y.Text;
      title.insert(title.length, ch);
    }
    expect(summary(analyseUpdate(server, Y.decodeUpdate(Y.mergeUpdates(updates))))).toEqual(['card idea: edit']);
  });

  it('replacing an existing card record wholesale adds and removes', () => {
    const { partsOf, problemId } = scene();
    expect(partsOf((d) => laneMap(d, 'problem').set(problemId, new Y.Map()))).toEqual(['card problem: add+edit+remove']);
  });

  it('writes outside the board’s layout are parts of their own', () => {
    const { partsOf } = scene();
    expect(partsOf((d) => {
      d.getMap('votes').set('idea-1', 500);
      d.getText('t').insert(0, 'hello');
    })).toEqual(['outside t: add', 'outside votes: add']);
  });

  it('changing who wrote a card, or adding a co-author, is a credit change', () => {
    const { server, client, ideaId, problemId } = scene();
    const forged = analyseUpdate(server, Y.decodeUpdate(capture(client, (d) => {
      (laneMap(d, 'idea').get(ideaId) as Y.Map<unknown>).set(CARD.author, { ...me, name: 'Someone else' });
    })));
    const part = [...forged.parts.values()][0]!;
    expect(part.credits.map((c) => [c.field, c.depth, c.fresh])).toEqual([['author', 1, false]]);
    expect(part.creditDeletes.map((d) => [d.field, d.depth])).toEqual([['author', 1]]);
    // a merge: the kept idea gets a co-author, the merged one is deleted
    const other = addIdea(server, { title: 'Nudges', author: { ...me, participantId: 'p2', name: 'Ben' }, problemId }, origin);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const merge = analyseUpdate(server, Y.decodeUpdate(capture(client, (d) => mergeIdeas(d, { keepId: ideaId, mergeId: other }, origin))));
    const kept = [...merge.parts.values()].find((p) => p.target.kind === 'card' && p.target.id === ideaId)!;
    expect(kept.credits.map((c) => [c.field, c.depth])).toEqual([['coAuthors', 2]]);
    const merged = [...merge.parts.values()].find((p) => p.target.kind === 'card' && p.target.id === other)!;
    expect(merged.removes).toBe(true);
  });

  it('an update that builds on one the server never got is unresolved', () => {
    const { server, client } = scene();
    let first: Uint8Array | null = null;
    client.once('update', (u: Uint8Array) => (first = u));
    const id = addProblem(client, { title: 'Held back', author: me }, origin);
    expect(first).not.toBeNull();
    const second = capture(client, (d) => updateCardTitle(d, id, 'Held back and edited', origin));
    expect(summary(analyseUpdate(server, Y.decodeUpdate(second)))).toEqual(['unresolved: ']);
  });

  it('a long chain of items (thousands of one-character inserts) is placed without recursion', () => {
    const { server, client } = scene();
    const update = capture(client, (d) => {
      const id = addProblem(d, { title: '', author: me }, origin);
      const title = (laneMap(d, 'problem').get(id) as Y.Map<unknown>).get(CARD.title) as Y.Text;
      for (let i = 0; i < 5000; i++) title.insert(0, 'x');
    });
    expect(summary(analyseUpdate(server, Y.decodeUpdate(update)))).toEqual(['card problem: add+credits']);
  });

  it('an update that only repeats what the server has (a reloaded page re-sending its offline copy) has no parts', () => {
    const { server, client, problemId } = scene();
    updateCardTitle(server, problemId, 'Missed rent payments', origin);
    const extra = addProblem(server, { title: 'Damp', author: me }, origin);
    deleteCard(server, extra, origin);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const everything = Y.encodeStateAsUpdate(client);
    expect(summary(analyseUpdate(server, Y.decodeUpdate(everything)))).toEqual([]);
    const more = capture(client, (d) => addProblem(d, { title: 'Cold homes', author: me }, origin));
    expect(summary(analyseUpdate(server, Y.decodeUpdate(Y.mergeUpdates([everything, more]))))).toEqual(['card problem: add+credits']);
  });
});

describe('withoutParts', () => {
  it('with nothing refused, writes the update Yjs wrote, byte for byte', () => {
    const { server, client, ideaId } = scene();
    const update = capture(client, (d) => {
      addProblem(d, { title: 'Cold homes', author: me }, origin);
      updateCardTitle(d, ideaId, 'Text nudges, weekly', origin);
      deleteCard(d, ideaId, origin);
    });
    const decoded = Y.decodeUpdate(update);
    expect(withoutParts(decoded, analyseUpdate(server, decoded), [])).toEqual(update);
  });

  it('keeps the allowed cards and leaves the refused one out, even when their items interleave in one client’s clock', () => {
    const { server, client, ideaId, problemId } = scene();
    // offline: edit the idea, add a problem, edit the idea again, edit the problem's title
    const update = capture(client, (d) => {
      updateCardTitle(d, ideaId, 'Text nudges, weekly', origin);
      const added = addProblem(d, { title: 'Cold homes', author: me }, origin);
      updateCardTitle(d, ideaId, 'Text nudges, weekly, in plain English', origin);
      updateCardTitle(d, added, 'Cold homes in winter', origin);
      updateCardTitle(d, problemId, 'Missed rent payments', origin);
    });
    const decoded = Y.decodeUpdate(update);
    const analysis = analyseUpdate(server, decoded);
    const added = [...analysis.parts.values()].filter((p) => p.adds);
    expect(added).toHaveLength(1);
    const kept = withoutParts(decoded, analysis, added);
    Y.applyUpdate(server, kept);
    const board = readBoard(server);
    expect(board.problems.map((p) => p.title)).toEqual(['Missed rent payments']);
    expect(board.ideas.map((i) => i.title)).toEqual(['Text nudges, weekly, in plain English']);
    // nothing is left pending: the kept part integrated completely
    expect(server.store.pendingStructs).toBeNull();
    // a third peer that gets the server's state converges with it
    const third = new Y.Doc();
    Y.applyUpdate(third, Y.encodeStateAsUpdate(server));
    expect(readBoard(third)).toEqual(board);
  });

  it('a refused card’s deletions are left out, the others’ kept', () => {
    const { server, client, ideaId, problemId } = scene();
    writeMarkdownToBody(server, cardBodyById(server, ideaId)!, 'Weekly texts', origin);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const update = capture(client, (d) => {
      deleteCard(d, problemId, origin);
      updateCardTitle(d, ideaId, 'Texts', origin);
    });
    const decoded = Y.decodeUpdate(update);
    const analysis = analyseUpdate(server, decoded);
    const removal = [...analysis.parts.values()].filter((p) => p.removes);
    expect(removal.map((p) => p.target.kind === 'card' && p.target.id)).toEqual([problemId]);
    Y.applyUpdate(server, withoutParts(decoded, analysis, removal));
    const board = readBoard(server);
    expect(board.problems.map((p) => p.id)).toEqual([problemId]);
    expect(board.ideas[0]!.title).toBe('Texts');
    expect(bodyToPlainText(cardBodyById(server, ideaId)!)).toBe('Weekly texts');
  });

  it('what the sender later builds on a refused card vanishes on the server instead of waiting for it', () => {
    const { server, client } = scene();
    const first = capture(client, (d) => addProblem(d, { title: 'Refused', author: me }, origin));
    const decoded = Y.decodeUpdate(first);
    const analysis = analyseUpdate(server, decoded);
    Y.applyUpdate(server, withoutParts(decoded, analysis, [...analysis.parts.values()]));
    const id = readBoard(client).problems.find((p) => p.title === 'Refused')!.id;
    const later = capture(client, (d) => updateCardTitle(d, id, 'Refused, then edited', origin));
    expect(summary(analyseUpdate(server, Y.decodeUpdate(later)))).toEqual([]);
    Y.applyUpdate(server, later);
    expect(server.store.pendingStructs).toBeNull();
    expect(readBoard(server).problems.map((p) => p.title)).toEqual(['Missed rent']);
  });
});

describe('a refused part sent again', () => {
  it('is written as placeholders again: its content is never stored or relayed', () => {
    const { server, client } = scene();
    const update = capture(client, (d) => addProblem(d, { title: 'SNEAKY-7731', author: me }, origin));
    const decoded = Y.decodeUpdate(update);
    const first = analyseUpdate(server, decoded);
    Y.applyUpdate(server, withoutParts(decoded, first, [...first.parts.values()]));
    // the same bytes again (a provider's sync step 2 repeating them): no part, but a rewrite
    const repeated = Y.decodeUpdate(update);
    const again = analyseUpdate(server, repeated);
    expect(again.parts.size).toBe(0);
    expect(again.buildsOnCollected).toBe(true);
    const rewritten = withoutParts(repeated, again, []);
    expect(new TextDecoder().decode(rewritten)).not.toContain('SNEAKY-7731');
    // an update the server has as content is not flagged: Yjs skips it, nothing to rewrite
    const kept = capture(client, (d) => addProblem(d, { title: 'Kept', author: me }, origin));
    Y.applyUpdate(server, kept);
    expect(analyseUpdate(server, Y.decodeUpdate(kept)).buildsOnCollected).toBe(false);
  });
});
