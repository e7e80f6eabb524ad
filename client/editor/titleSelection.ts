/**
 * A title field's selection pinned to the letters around it, so it survives other people's edits.
 *
 * Character indexes go stale as soon as someone types before them; Yjs relative positions name the
 * letter a position is attached to instead. Each end is attached to the letter that keeps it where
 * the person put it: a caret to the letter before it (what they just typed, so their next letter
 * follows their last one even when someone types right after it), a selection's start to its first
 * letter and its end to its last (so text typed just outside the selection stays outside).
 */
import * as Y from 'yjs';

export type FieldSelection = { start: number; end: number; direction: 'forward' | 'backward' | 'none' };

export type PinnedSelection = { start: Y.RelativePosition; end: Y.RelativePosition; direction: FieldSelection['direction'] };

/** Pins `selection` (indexes into `text` as it is now) to the letters around it. */
export function pinSelection(text: Y.Text, selection: FieldSelection): PinnedSelection {
  const length = text.length;
  const end = clamp(selection.end, 0, length);
  const start = clamp(selection.start, 0, end);
  const collapsed = start === end;
  return {
    start: Y.createRelativePositionFromTypeIndex(text, start, collapsed ? -1 : 0),
    end: Y.createRelativePositionFromTypeIndex(text, end, -1),
    direction: selection.direction,
  };
}

/**
 * Where a pinned selection is now in `text`, or null when its positions no longer point into
 * `text` (the title was replaced by another Y.Text).
 */
export function unpinSelection(text: Y.Text, pinned: PinnedSelection): FieldSelection | null {
  const start = indexIn(text, pinned.start);
  const end = indexIn(text, pinned.end);
  if (start === null || end === null) return null;
  // A selection whose letters were all deleted collapses where they were.
  return { start: Math.min(start, end), end, direction: pinned.direction };
}

/** The index `position` resolves to inside `text`, or null when it is elsewhere or unknown. */
export function indexIn(text: Y.Text, position: Y.RelativePosition): number | null {
  const doc = text.doc;
  if (!doc) return null;
  let absolute: Y.AbsolutePosition | null;
  try {
    absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
  } catch {
    // A position naming structs this document does not hold (a peer's bad awareness state).
    return null;
  }
  if (!absolute || absolute.type !== text) return null;
  return clamp(absolute.index, 0, text.length);
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), min), max) : max;
}
