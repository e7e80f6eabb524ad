import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addIdea,
  addProblem,
  addTheme,
  deleteCard,
  initBoard,
  moveIdea,
  updateCardTitle,
  cardBodyById,
  type Author,
  type BoardOrigin,
} from '../../shared/board.ts';
import { CARD, laneMap } from '../../shared/schema.ts';
import { writeMarkdownToBody } from '../../shared/richtext/writeMarkdownToBody.ts';
import { buildsOnMissing, updateClients, updateEffects } from './updateEffects.ts';

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
  /** the update `change` makes on the client, and what it would do on the server */
  const effectsOf = (change: (doc: Y.Doc) => void) => {
    const update = capture(client, change);
    return updateEffects(server, Y.decodeUpdate(update));
  };
  return { server, client, problemId, ideaId, effectsOf };
}

function capture(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const grab = (u: Uint8Array) => updates.push(u);
  doc.on('update', grab);
  change(doc);
  doc.off('update', grab);
  return Y.mergeUpdates(updates);
}

describe('updateEffects', () => {
  it('a new card: adds to its lane and changes nothing else', () => {
    const { effectsOf } = scene();
    expect(effectsOf((d) => addProblem(d, { title: 'Damp homes', author: me }, origin))).toEqual({
      addsTo: new Set(['problem']),
      changesBoard: false,
      unresolved: false,
    });
  });

  it('a new idea with its title typed and a Markdown body written in the same update is still just an add', () => {
    const { effectsOf, problemId } = scene();
    const effects = effectsOf((d) => {
      const id = addIdea(d, { title: 'Te', author: me, problemId }, origin);
      updateCardTitle(d, id, 'Text a reminder', origin);
      writeMarkdownToBody(d, cardBodyById(d, id)!, '# Plan\n\n- one\n- two', origin);
    });
    expect(effects).toEqual({ addsTo: new Set(['idea']), changesBoard: false, unresolved: false });
  });

  it('editing a title, moving an idea, deleting a card, adding a theme: each changes the board', () => {
    const { effectsOf, ideaId, problemId } = scene();
    const edits: Array<(d: Y.Doc) => void> = [
      (d) => updateCardTitle(d, ideaId, 'Text nudges in plain English', origin),
      (d) => moveIdea(d, ideaId, { problemId: null }, origin),
      (d) => deleteCard(d, problemId, origin),
      (d) => addTheme(d, { title: 'Quick wins', author: me }, origin),
    ];
    for (const edit of edits) {
      const effects = effectsOf(edit);
      expect(effects.changesBoard).toBe(true);
      expect(effects.addsTo.size).toBe(0);
      expect(effects.unresolved).toBe(false);
    }
  });

  it('typing into an existing title one character per update (merged) changes the board, no add', () => {
    const { server, client, ideaId } = scene();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    for (const ch of ' — plain English, short sentences') {
      const record = laneMap(client, 'idea').get(ideaId) as Y.Map<unknown>;
      const title = record.get(CARD.title) as Y.Text;
      title.insert(title.length, ch);
    }
    const effects = updateEffects(server, Y.decodeUpdate(Y.mergeUpdates(updates)));
    expect(effects).toEqual({ addsTo: new Set(), changesBoard: true, unresolved: false });
  });

  it('replacing an existing card record wholesale counts as adding to the lane', () => {
    const { effectsOf, problemId } = scene();
    const effects = effectsOf((d) => laneMap(d, 'problem').set(problemId, new Y.Map()));
    expect(effects.addsTo).toEqual(new Set(['problem']));
  });

  it('a value that is not a card, set straight into a lane, still counts as an entry in that lane', () => {
    const { effectsOf } = scene();
    expect(effectsOf((d) => laneMap(d, 'note').set('x', 'not a card')).addsTo).toEqual(new Set(['note']));
  });

  it('writes outside the board (vote-looking data in a root of its own) count for nothing', () => {
    const { effectsOf } = scene();
    const effects = effectsOf((d) => {
      d.getMap('votes').set('idea-1', 500);
      d.getText('t').insert(0, 'hello');
    });
    expect(effects).toEqual({ addsTo: new Set(), changesBoard: false, unresolved: false });
  });

  it('an update that builds on one the server never got is unresolved', () => {
    const { server, client, problemId } = scene();
    let first: Uint8Array | null = null;
    client.once('update', (u: Uint8Array) => (first = u));
    const id = addProblem(client, { title: 'Held back', author: me }, origin);
    expect(first).not.toBeNull();
    const second = capture(client, (d) => updateCardTitle(d, id, 'Held back and edited', origin));
    const effects = updateEffects(server, Y.decodeUpdate(second));
    expect(effects.unresolved).toBe(true);
    // and it leaves a gap after the server's state for that client
    expect(buildsOnMissing(server, Y.decodeUpdate(second), updateClients(Y.decodeUpdate(second)))).toBe(true);
    // whereas the first one connects
    expect(buildsOnMissing(server, Y.decodeUpdate(first!), updateClients(Y.decodeUpdate(first!)))).toBe(false);
    void problemId;
  });

  it('a long chain of items (thousands of one-character inserts) is placed without recursion', () => {
    const { server, client } = scene();
    const update = capture(client, (d) => {
      const id = addProblem(d, { title: '', author: me }, origin);
      const title = (laneMap(d, 'problem').get(id) as Y.Map<unknown>).get(CARD.title) as Y.Text;
      // inserting at the front each time makes every item's right origin the previous one
      for (let i = 0; i < 5000; i++) title.insert(0, 'x');
    });
    const effects = updateEffects(server, Y.decodeUpdate(update));
    expect(effects).toEqual({ addsTo: new Set(['problem']), changesBoard: false, unresolved: false });
  });

  it('deleting content that is not on the board (another root) changes nothing that counts', () => {
    const { server, client } = scene();
    const setup = capture(client, (d) => d.getText('t').insert(0, 'scratch'));
    Y.applyUpdate(server, setup);
    const effects = updateEffects(server, Y.decodeUpdate(capture(client, (d) => d.getText('t').delete(0, 3))));
    expect(effects).toEqual({ addsTo: new Set(), changesBoard: false, unresolved: false });
  });

  it('an update that only repeats what the server has (a reloaded page re-sending its offline copy) changes nothing', () => {
    const { server, client, problemId } = scene();
    // some history: a renamed title (deleted characters) and a deleted card
    updateCardTitle(server, problemId, 'Missed rent payments', origin);
    const extra = addProblem(server, { title: 'Damp', author: me }, origin);
    deleteCard(server, extra, origin);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    // y-indexeddb loading into a fresh doc while the socket is open: the whole state goes out as one update
    const everything = Y.encodeStateAsUpdate(client);
    expect(updateEffects(server, Y.decodeUpdate(everything))).toEqual({ addsTo: new Set(), changesBoard: false, unresolved: false });
    // ... and with one new card in it, that card is all it adds
    const more = capture(client, (d) => addProblem(d, { title: 'Cold homes', author: me }, origin));
    expect(updateEffects(server, Y.decodeUpdate(Y.mergeUpdates([everything, more])))).toEqual({
      addsTo: new Set(['problem']),
      changesBoard: false,
      unresolved: false,
    });
  });
});
