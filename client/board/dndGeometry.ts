/**
 * The geometry of dragging, as pure functions over plain rectangles: where a keyboard drag goes
 * next, which place the pointer is over, which half of a card it is in, and where the dragged
 * card's stand-in is drawn. No React, no dnd-kit, no DOM: dnd.tsx measures and calls these;
 * unit-tested in dndGeometry.test.ts.
 */
import type { CardKind } from '../../shared/schema.ts';
import type { DropPosition, DropTarget } from './drop.ts';

/** The lanes from left to right. */
export const LANE_INDEX: Record<CardKind, number> = { problem: 0, idea: 1, note: 2 };
/** Innermost first: a card, then a theme sub-group, then a whole group. */
export const PRIORITY: Record<DropTarget['type'], number> = { card: 0, theme: 0, ideaSub: 1, ideaGroup: 2, noteGroup: 2 };

/** A keyboard drag's step for an arrow key: ±1 within the lane (down/up), ±2 across lanes (right/left). */
export type KeyboardStep = 1 | -1 | 2 | -2;
const KEY_STEPS: Record<string, KeyboardStep> = { ArrowDown: 1, ArrowUp: -1, ArrowRight: 2, ArrowLeft: -2 };

/** The step for a key's `code`, or undefined for a key that does not move the drag. */
export function keyboardStep(code: string): KeyboardStep | undefined {
  return Object.hasOwn(KEY_STEPS, code) ? KEY_STEPS[code] : undefined;
}

/** A place a keyboard drag can go to: its lane and its rectangle. */
export type KeyboardCandidate<Id> = { id: Id; lane: CardKind; top: number; height: number; left: number };

/**
 * Where a keyboard drag goes for one arrow key, from the place it is over (`currentId`, at
 * `current`, in `lane`): the place to move to (undefined: nowhere, stay) and which side of it the
 * dragged card would go.
 */
export function nextKeyboardPlace<Id>(
  candidates: KeyboardCandidate<Id>[],
  currentId: Id,
  current: { top: number },
  lane: CardKind,
  step: KeyboardStep,
): { pick: KeyboardCandidate<Id> | undefined; position: DropPosition } {
  let pick: KeyboardCandidate<Id> | undefined;
  if (Math.abs(step) === 1) {
    // Up and down: the previous or next place in the lane in reading order (top to bottom, left
    // to right, a group before the cards in it), so a row of themes is walked one by one.
    const inLane = candidates
      .filter((c) => c.lane === lane || c.id === currentId)
      .sort((a, b) => a.top - b.top || a.left - b.left || b.height - a.height);
    const at = inLane.findIndex((c) => c.id === currentId);
    if (at >= 0) pick = inLane[at + step];
    else pick = step > 0 ? inLane.find((c) => c.top > current.top) : inLane.findLast((c) => c.top < current.top);
    return { pick, position: step > 0 ? 'after' : 'before' };
  }
  // Left and right: the nearest place in the next lane that takes this card.
  const lanes = [...new Set(candidates.map((c) => c.lane))].sort((a, b) => LANE_INDEX[a] - LANE_INDEX[b]);
  const next = lanes.filter((l) => (step > 0 ? LANE_INDEX[l] > LANE_INDEX[lane] : LANE_INDEX[l] < LANE_INDEX[lane]));
  const toLane = step > 0 ? next[0] : next.at(-1);
  for (const c of candidates) {
    if (c.lane !== toLane) continue;
    const better = !pick || Math.abs(c.top - current.top) < Math.abs(pick.top - current.top) || (c.top === pick.top && c.height < pick.height);
    if (better) pick = c;
  }
  return { pick, position: 'before' };
}

/** A place a pointer drag can go to, as measured when the drag started. */
export type PlaceBox = { type: DropTarget['type']; left: number; right: number; top: number; height: number };

/**
 * The place under `pointer`, innermost first (see PRIORITY). `shiftOf` says how far a place has
 * scrolled up since it was measured (its lane's scroll and the page's).
 */
export function placeUnderPointer<P extends PlaceBox>(places: P[], pointer: { x: number; y: number }, shiftOf: (place: P) => number): P | undefined {
  let best: P | undefined;
  for (const place of places) {
    const top = place.top - shiftOf(place);
    if (pointer.x < place.left || pointer.x > place.right || pointer.y < top || pointer.y > top + place.height) continue;
    if (!best || PRIORITY[place.type] < PRIORITY[best.type]) best = place;
  }
  return best;
}

/** Before or after the card under the pointer: which half of it the pointer is in. */
export function halfUnderPointer(pointerY: number, rect: { top: number; height: number }): DropPosition {
  return pointerY > rect.top + rect.height / 2 ? 'after' : 'before';
}

type Transform = { x: number; y: number; scaleX: number; scaleY: number };

/**
 * Where the dragged card's stand-in is drawn: below and to the right of the pointer (or, for a
 * keyboard drag, of the place it is over), so it never hides where it would land. `point` is
 * where the pointer was when the drag started (null: none known: no shift), `rect` the dragged
 * card's rectangle then.
 */
export function besidePointer<T extends Transform>(
  transform: T,
  start: { keyboard: true } | { keyboard: false; point: { clientX: number; clientY: number } | null | undefined },
  rect: { left: number; top: number },
): T {
  if (start.keyboard) return { ...transform, x: transform.x + 32, y: transform.y + 20 };
  const point = start.point;
  if (!point) return transform;
  return { ...transform, x: transform.x + point.clientX - rect.left + 14, y: transform.y + point.clientY - rect.top + 14 };
}
