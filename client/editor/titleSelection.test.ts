import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { indexIn, pinSelection, unpinSelection, type FieldSelection } from './titleSelection.ts';

/** Two peers holding one title, synced by hand. */
function peers(initial: string) {
  const a = new Y.Doc();
  a.getMap('card').set('title', new Y.Text(initial));
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const title = (d: Y.Doc) => d.getMap('card').get('title') as Y.Text;
  const sync = () => {
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  };
  return { a: title(a), b: title(b), sync };
}

const at = (start: number, end = start, direction: FieldSelection['direction'] = 'none'): FieldSelection => ({ start, end, direction });

describe('pinned title selections', () => {
  it('a caret stays between the same letters when someone types before it', () => {
    const { a, b, sync } = peers('Reach renters');
    const pinned = pinSelection(a, at(5)); // after "Reach"
    b.insert(0, 'How to ');
    sync();
    expect(a.toString()).toBe('How to Reach renters');
    expect(unpinSelection(a, pinned)).toEqual(at(12));
  });

  it('a caret stays after the letter it followed when someone types right after it', () => {
    // A's caret at the end (after "s"); B types at the end too. A's next letter must follow A's
    // own text, not B's: the caret stays after the "s".
    const { a, b, sync } = peers('Reach renters');
    const pinned = pinSelection(a, at(13));
    b.insert(13, ' early');
    sync();
    expect(unpinSelection(a, pinned)).toEqual(at(13));
  });

  it('a caret at the very start stays at the start when someone types there', () => {
    const { a, b, sync } = peers('renters');
    const pinned = pinSelection(a, at(0));
    b.insert(0, 'Reach ');
    sync();
    expect(unpinSelection(a, pinned)).toEqual(at(0));
  });

  it('a selection keeps covering the same word, and text typed against its edges stays outside', () => {
    const { a, b, sync } = peers('Reach renters early');
    const pinned = pinSelection(a, at(6, 13, 'backward')); // "renters"
    b.insert(19, ' on');
    b.insert(13, '!');
    b.insert(6, 'all ');
    sync();
    const now = unpinSelection(a, pinned)!;
    expect(a.toString()).toBe('Reach all renters! early on');
    expect(a.toString().slice(now.start, now.end)).toBe('renters');
    expect(now.direction).toBe('backward');
  });

  it('a selection whose letters were all deleted collapses where they were', () => {
    const { a, b, sync } = peers('Reach renters early');
    const pinned = pinSelection(a, at(6, 14, 'forward'));
    b.delete(6, 8);
    sync();
    expect(unpinSelection(a, pinned)).toEqual(at(6, 6, 'forward'));
  });

  it('clamps indexes the field gave outside the text', () => {
    const { a } = peers('abc');
    expect(unpinSelection(a, pinSelection(a, at(7, 9)))).toEqual(at(3));
    expect(unpinSelection(a, pinSelection(a, at(2, 1)))).toEqual(at(1));
  });

  it('resolves nothing for positions in another text or naming unknown structs', () => {
    const { a } = peers('abc');
    const other = new Y.Doc();
    other.getMap('card').set('title', new Y.Text('xyz'));
    const foreign = pinSelection(other.getMap('card').get('title') as Y.Text, at(1));
    expect(unpinSelection(a, foreign)).toBeNull();
    const unknown = Y.createRelativePositionFromJSON({ item: { client: 123456, clock: 99 }, assoc: 0 });
    expect(indexIn(a, unknown)).toBeNull();
  });
});
