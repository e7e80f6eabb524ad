import { describe, expect, test } from 'vitest';
import {
  besidePointer,
  halfUnderPointer,
  keyboardStep,
  nextKeyboardPlace,
  placeUnderPointer,
  type KeyboardCandidate,
  type PlaceBox,
} from './dndGeometry.ts';

describe('keyboardStep', () => {
  test('arrows move within a lane (±1) or across lanes (±2); other keys do not move', () => {
    expect([keyboardStep('ArrowDown'), keyboardStep('ArrowUp'), keyboardStep('ArrowRight'), keyboardStep('ArrowLeft')]).toEqual([1, -1, 2, -2]);
    expect(keyboardStep('Space')).toBeUndefined();
    expect(keyboardStep('KeyM')).toBeUndefined();
    expect(keyboardStep('toString')).toBeUndefined();
  });
});

describe('nextKeyboardPlace', () => {
  // Problems lane at x 0, ideas at x 300 (a group header, then two cards), notes at x 600.
  const places: KeyboardCandidate<string>[] = [
    { id: 'p1', lane: 'problem', left: 0, top: 0, height: 50 },
    { id: 'p2', lane: 'problem', left: 0, top: 100, height: 50 },
    { id: 'group', lane: 'idea', left: 300, top: 0, height: 300 },
    { id: 'i1', lane: 'idea', left: 300, top: 0, height: 50 },
    { id: 'i2', lane: 'idea', left: 300, top: 120, height: 50 },
    { id: 'n1', lane: 'note', left: 600, top: 90, height: 50 },
  ];

  test('down and up walk the lane in reading order, a group before the cards in it', () => {
    expect(nextKeyboardPlace(places, 'group', { top: 0 }, 'idea', 1)).toEqual({ pick: places[3], position: 'after' });
    expect(nextKeyboardPlace(places, 'i1', { top: 0 }, 'idea', 1).pick?.id).toBe('i2');
    expect(nextKeyboardPlace(places, 'i1', { top: 0 }, 'idea', -1)).toEqual({ pick: places[2], position: 'before' });
    // past either end: nowhere
    expect(nextKeyboardPlace(places, 'i2', { top: 120 }, 'idea', 1).pick).toBeUndefined();
    expect(nextKeyboardPlace(places, 'p1', { top: 0 }, 'problem', -1).pick).toBeUndefined();
  });

  test('from a place that is not a candidate (the dragged card itself), the nearest one below or above', () => {
    const from = { top: 60 };
    expect(nextKeyboardPlace(places, 'dragged', from, 'idea', 1).pick?.id).toBe('i2');
    expect(nextKeyboardPlace(places, 'dragged', from, 'idea', -1).pick?.id).toBe('i1');
  });

  test('right and left go to the nearest place in the next lane that has one, before it', () => {
    expect(nextKeyboardPlace(places, 'p2', { top: 100 }, 'problem', 2)).toEqual({ pick: places[4], position: 'before' });
    expect(nextKeyboardPlace(places, 'i2', { top: 120 }, 'idea', 2).pick?.id).toBe('n1');
    expect(nextKeyboardPlace(places, 'n1', { top: 90 }, 'note', -2).pick?.id).toBe('i2');
    expect(nextKeyboardPlace(places, 'p1', { top: 0 }, 'problem', -2).pick).toBeUndefined();
    // a lane with nothing this card can go to is skipped
    const noIdeas = places.filter((p) => p.lane !== 'idea');
    expect(nextKeyboardPlace(noIdeas, 'p2', { top: 100 }, 'problem', 2).pick?.id).toBe('n1');
  });

  test('at equal distance across lanes, the smaller of two places at the same height (a card, not its group)', () => {
    expect(nextKeyboardPlace(places, 'p1', { top: 0 }, 'problem', 2).pick?.id).toBe('i1');
  });
});

describe('placeUnderPointer', () => {
  const group: PlaceBox & { id: string } = { id: 'group', type: 'ideaGroup', left: 0, right: 200, top: 0, height: 400 };
  const sub: PlaceBox & { id: string } = { id: 'sub', type: 'ideaSub', left: 10, right: 190, top: 50, height: 200 };
  const card: PlaceBox & { id: string } = { id: 'card', type: 'card', left: 20, right: 180, top: 60, height: 40 };
  const places = [group, sub, card];
  const still = () => 0;

  test('the innermost place under the pointer, whatever the order', () => {
    expect(placeUnderPointer(places, { x: 100, y: 80 }, still)?.id).toBe('card');
    expect(placeUnderPointer([card, sub, group], { x: 100, y: 80 }, still)?.id).toBe('card');
    expect(placeUnderPointer(places, { x: 100, y: 200 }, still)?.id).toBe('sub');
    expect(placeUnderPointer(places, { x: 5, y: 200 }, still)?.id).toBe('group');
    expect(placeUnderPointer(places, { x: 300, y: 200 }, still)).toBeUndefined();
  });

  test('edges count as inside', () => {
    expect(placeUnderPointer([card], { x: 20, y: 60 }, still)?.id).toBe('card');
    expect(placeUnderPointer([card], { x: 180, y: 100 }, still)?.id).toBe('card');
    expect(placeUnderPointer([card], { x: 181, y: 100 }, still)).toBeUndefined();
  });

  test('places are shifted up by how far they scrolled since they were measured', () => {
    // the card's lane scrolled by 50: it is now at 10..50
    const shifted = (p: PlaceBox) => (p === card ? 50 : 0);
    expect(placeUnderPointer(places, { x: 100, y: 30 }, shifted)?.id).toBe('card');
    expect(placeUnderPointer(places, { x: 100, y: 80 }, shifted)?.id).toBe('sub');
  });
});

describe('halfUnderPointer', () => {
  test('the lower half is after, the upper half (and the middle) before', () => {
    const rect = { top: 100, height: 40 };
    expect(halfUnderPointer(101, rect)).toBe('before');
    expect(halfUnderPointer(120, rect)).toBe('before');
    expect(halfUnderPointer(121, rect)).toBe('after');
  });
});

describe('besidePointer', () => {
  const transform = { x: 5, y: 7, scaleX: 1, scaleY: 1 };
  const rect = { left: 100, top: 200 };

  test('a pointer drag: the stand-in 14 px below and right of where the pointer grabbed it', () => {
    expect(besidePointer(transform, { keyboard: false, point: { clientX: 130, clientY: 210 } }, rect)).toEqual({ x: 5 + 30 + 14, y: 7 + 10 + 14, scaleX: 1, scaleY: 1 });
  });

  test('a keyboard drag: a fixed offset; no point known: unchanged', () => {
    expect(besidePointer(transform, { keyboard: true }, rect)).toEqual({ x: 37, y: 27, scaleX: 1, scaleY: 1 });
    expect(besidePointer(transform, { keyboard: false, point: undefined }, rect)).toBe(transform);
  });
});
