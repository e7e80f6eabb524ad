import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { addProblem, cardTitleText, updateCardTitle } from '../../shared/board/index.ts';
import { AWARENESS_FIELD } from '../sync/presence.ts';
import { pinSelection } from './titleSelection.ts';
import { publishTitleCaret, readTitleCarets } from './titleCarets.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

const origin: BoardOrigin = { kind: 'local', participantId: 'p' };
const rhys = { participantId: 'r', name: 'Rhys Morgan', organisation: 'NorthStar', sector: 'private sector', role: 'contributor', colour: '#6b2c91' };

/** Amira's page and Rhys's page on one board, their awareness passed by hand as the socket would. */
function twoPages() {
  const mine = new Y.Doc();
  const id = addProblem(mine, { title: 'reach renters', author: { participantId: 'a', name: 'Amira', organisation: 'DWP', sector: 'public sector' } }, origin);
  const theirs = new Y.Doc();
  Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
  const myAwareness = new Awareness(mine);
  const theirAwareness = new Awareness(theirs);
  theirAwareness.setLocalState({ [AWARENESS_FIELD.user]: rhys });
  const deliver = () => applyAwarenessUpdate(myAwareness, encodeAwarenessUpdate(theirAwareness, [theirs.clientID]), 'remote');
  const syncDocs = () => {
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs));
    Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
  };
  return { mine, theirs, id, myAwareness, theirAwareness, deliver, syncDocs };
}

describe('title carets through awareness', () => {
  it("reads the other person's caret at its letters, with their name and colour, and follows edits before it", () => {
    const { mine, theirs, id, myAwareness, theirAwareness, deliver, syncDocs } = twoPages();
    const pin = pinSelection(cardTitleText(theirs, id)!, { start: 6, end: 6, direction: 'none' });
    publishTitleCaret(theirAwareness, id, { anchor: pin.start, head: pin.end });
    deliver();
    expect(readTitleCarets(myAwareness, mine, id)).toEqual([
      { clientId: theirs.clientID, name: 'Rhys Morgan', colour: '#6b2c91', anchor: 6, head: 6 },
    ]);
    // Someone types before it: the caret is still after "reach ".
    updateCardTitle(mine, id, 'Help reach renters', origin, 5);
    syncDocs();
    expect(readTitleCarets(myAwareness, mine, id)[0]).toMatchObject({ anchor: 11, head: 11 });
    // Another card's title shows none of it; withdrawing removes it.
    expect(readTitleCarets(myAwareness, mine, 'other')).toEqual([]);
    publishTitleCaret(theirAwareness, id, null);
    deliver();
    expect(readTitleCarets(myAwareness, mine, id)).toEqual([]);
  });

  it('withdrawing a caret in one title leaves a caret published in another title alone', () => {
    const { theirAwareness, theirs, id } = twoPages();
    const pin = pinSelection(cardTitleText(theirs, id)!, { start: 1, end: 1, direction: 'none' });
    publishTitleCaret(theirAwareness, id, { anchor: pin.start, head: pin.end });
    publishTitleCaret(theirAwareness, 'another-card', null);
    expect(theirAwareness.getLocalState()?.[AWARENESS_FIELD.title]).toMatchObject({ card: id });
  });

  it("ignores hostile caret states: they draw nothing, throw nothing and define no root in this page's document", () => {
    const { mine, theirs, id, myAwareness, theirAwareness, deliver } = twoPages();
    const roots = () => [...mine.share.keys()].sort();
    const before = roots();
    const item = { client: theirs.clientID, clock: 0 };
    const hostile: unknown[] = [
      { card: id, anchor: { tname: 'evil', assoc: 0 }, head: { tname: 'evil', assoc: 0 } },
      { card: id, anchor: { item: { client: 'x', clock: 0 } }, head: { item } },
      { card: id, anchor: { item: { client: 1, clock: Number.MAX_SAFE_INTEGER } }, head: { item: { client: 1, clock: 1e300 } } },
      { card: id, anchor: { item: { client: -1, clock: -5 } }, head: { item } },
      { card: id, anchor: { item, assoc: 'left' }, head: { item } },
      { card: id, anchor: null, head: { item } },
      { card: 'x'.repeat(10_000), anchor: { item }, head: { item } },
      { card: 42, anchor: { item }, head: { item } },
      'a string',
      [1, 2, 3],
    ];
    for (const state of hostile) {
      theirAwareness.setLocalStateField(AWARENESS_FIELD.title, state);
      deliver();
      expect(() => readTitleCarets(myAwareness, mine, id)).not.toThrow();
      expect(readTitleCarets(myAwareness, mine, id), JSON.stringify(state)).toEqual([]);
    }
    expect(roots()).toEqual(before);
    // A position at letters this page does hold, but in another card's title, is not a caret in
    // this title either.
    const other = addProblem(mine, { title: 'another', author: { participantId: 'a', name: 'Amira', organisation: 'DWP', sector: 'public sector' } }, origin);
    const elsewhere = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(cardTitleText(mine, other)!, 2));
    theirAwareness.setLocalStateField(AWARENESS_FIELD.title, { card: id, anchor: elsewhere, head: elsewhere });
    deliver();
    expect(readTitleCarets(myAwareness, mine, id)).toEqual([]);
  });

  it('shows no caret for a peer without a valid user', () => {
    const { mine, theirs, id, myAwareness, theirAwareness, deliver } = twoPages();
    const pin = pinSelection(cardTitleText(theirs, id)!, { start: 0, end: 0, direction: 'none' });
    publishTitleCaret(theirAwareness, id, { anchor: pin.start, head: pin.end });
    theirAwareness.setLocalStateField(AWARENESS_FIELD.user, { name: '' });
    deliver();
    expect(readTitleCarets(myAwareness, mine, id)).toEqual([]);
  });
});
