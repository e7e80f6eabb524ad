/**
 * "Go to the body" (Enter in a card's title field): focus the card's body editor with the caret at
 * the end, now if the editor is open and filled, or as soon as it is. The editor's code loads
 * when a card first opens, so a request may come before the editor exists; this keeps it, and
 * holds no Lexical code itself.
 */
const focusers = new Map<string, () => void>();
const filled = new Set<string>();
const pending = new Set<string>();

/** Focuses the open editor of `cardId`, now or as soon as it is filled. */
export function requestBodyFocus(cardId: string): void {
  const focus = focusers.get(cardId);
  if (focus && filled.has(cardId)) focus();
  else pending.add(cardId);
}

/** The editor of `cardId` focuses itself with `focus`. Returns the function that forgets it. */
export function registerBodyFocus(cardId: string, focus: () => void): () => void {
  focusers.set(cardId, focus);
  return () => {
    if (focusers.get(cardId) === focus) focusers.delete(cardId);
  };
}

/** The editor of `cardId` has been filled from the body: whether focus was asked for meanwhile. */
export function bodyFilled(cardId: string): boolean {
  filled.add(cardId);
  return pending.delete(cardId);
}

/** The editor of `cardId` is gone. */
export function bodyEmptied(cardId: string): void {
  filled.delete(cardId);
}
