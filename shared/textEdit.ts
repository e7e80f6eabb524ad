/**
 * The smallest edit that turns one plain string into another, placed where the person typed.
 *
 * A field bound to a Y.Text only sees its value before and after a keystroke. The common prefix
 * and suffix give the smallest edit, but when the text repeats a letter around the caret
 * ("Goal" -> "Gooal") several placements are equally small, and picking the wrong one moves the
 * edit onto letters the person never touched: a concurrent insert next to them then lands on the
 * wrong side, and the relative positions that keep carets in place follow the wrong letters.
 * Given the caret after the edit, the edit is made to end there (typing and pasting leave the
 * caret after the new text; deleting leaves it where the text was).
 */

export type TextEdit = {
  /** where the edit starts, in the old string */
  index: number;
  /** how many characters of the old string it removes */
  remove: number;
  /** what it inserts there */
  insert: string;
};

/**
 * The edit from `prev` to `next`, or null when they are equal. `caret`, the caret in `next` after
 * the edit, picks among equally small edits; without it (or when it cannot be right) the edit is
 * the one after the longest common prefix.
 */
export function textEdit(prev: string, next: string, caret?: number): TextEdit | null {
  if (prev === next) return null;
  // The edit ends at the caret at the latest: everything after the caret is common suffix. Take
  // as much of that as matches, then the longest prefix before what is left.
  const suffixCap =
    caret === undefined || !Number.isInteger(caret) || caret < 0 || caret > next.length ? 0 : next.length - caret;
  let suffix = 0;
  const maxSuffix = Math.min(prev.length, next.length);
  while (suffix < suffixCap && suffix < maxSuffix && prev[prev.length - 1 - suffix] === next[next.length - 1 - suffix]) {
    suffix++;
  }
  let prefix = 0;
  const maxPrefix = Math.min(prev.length, next.length) - suffix;
  while (prefix < maxPrefix && prev[prefix] === next[prefix]) prefix++;
  // Then any further common suffix the caret did not account for (no caret, or a caret that did
  // not match this change).
  while (
    suffix < maxSuffix &&
    prev.length - suffix > prefix &&
    next.length - suffix > prefix &&
    prev[prev.length - 1 - suffix] === next[next.length - 1 - suffix]
  ) {
    suffix++;
  }
  // Never cut between the halves of a surrogate pair (an emoji): Yjs would store each half alone
  // as U+FFFD.
  if (prefix > 0 && isHighSurrogate(prev.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(prev.charCodeAt(prev.length - suffix))) suffix--;
  return { index: prefix, remove: prev.length - suffix - prefix, insert: next.slice(prefix, next.length - suffix) };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** `edit` applied to `text` (for tests and for checking an edit). */
export function applyTextEdit(text: string, edit: TextEdit | null): string {
  if (!edit) return text;
  return text.slice(0, edit.index) + edit.insert + text.slice(edit.index + edit.remove);
}
