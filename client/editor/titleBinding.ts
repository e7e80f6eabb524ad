/**
 * Binds a plain <input> to a card's (or theme's) title Y.Text, so that two people typing in one
 * title both keep their words.
 *
 * The order, for each kind of change:
 * - Someone else's change (a peer, an undo): just before the transaction applies it, the field's
 *   selection is pinned to its letters (titleSelection.ts); just after, the field shows the new
 *   text and the selection goes back onto the same letters. A controlled React value would instead
 *   reset the caret to the end, and the next letter typed would land after the other person's.
 * - Typing here: the field's new value is written as the smallest edit, placed at the caret
 *   (shared/textEdit.ts), through `write`.
 * - IME composition: the field is never rewritten while a composition is open (that would cancel
 *   it). Changes from others are held; the text they applied to is pinned letter by letter the
 *   first time one arrives, so that when the composition ends the composed edit is carried onto
 *   the current text at the same letters, written, and the field catches up.
 * - The caret is published (onCaret) as relative positions whenever it moves while focused, and
 *   withdrawn on blur, for others to draw (titleCarets.ts).
 *
 * Framework-free: the React component (CardTitleInput.tsx) only mounts and unmounts it.
 */
import * as Y from 'yjs';
import { cardTitleText } from '../../shared/board/index.ts';
import { textEdit } from '../../shared/textEdit.ts';
import { indexIn, pinSelection, unpinSelection, type FieldSelection, type PinnedSelection } from './titleSelection.ts';

export type TitleBindingOptions = {
  doc: Y.Doc;
  /** the card or theme whose title this field edits */
  id: string;
  input: HTMLInputElement;
  /** writes the field's new value as a title edit, placed at `caret` (the caret after the edit) */
  write: (title: string, caret: number) => void;
  /** this person's caret in the title as relative positions (anchor, head), or null when not in it */
  onCaret?: (caret: { anchor: Y.RelativePosition; head: Y.RelativePosition } | null) => void;
};

/** What the field showed when others' changes started arriving mid-composition, pinned letter by letter. */
type HeldBase = { text: string; before: Y.RelativePosition[]; after: Y.RelativePosition[] };

export function bindTitleInput({ doc, id, input, write, onCaret }: TitleBindingOptions): () => void {
  const titleText = () => cardTitleText(doc, id);
  const current = () => titleText()?.toString() ?? '';

  /** the title text the field last matched; differs from the document only mid-composition */
  let shown = current();
  let writing = false;
  let composing = false;
  let pinned: PinnedSelection | null = null;
  let held: HeldBase | null = null;

  input.value = shown;

  const focused = () => input.ownerDocument.activeElement === input;
  const selection = (): FieldSelection => ({
    start: input.selectionStart ?? input.value.length,
    end: input.selectionEnd ?? input.value.length,
    direction: input.selectionDirection ?? 'none',
  });

  /** Shows `text`, with the selection at `sel` when the field has focus. */
  const show = (text: string, sel: FieldSelection | null) => {
    shown = text;
    if (input.value !== text) input.value = text;
    if (sel && focused()) input.setSelectionRange(sel.start, sel.end, sel.direction);
  };

  // -- others' changes --------------------------------------------------------------------------

  const beforeTransaction = () => {
    if (writing) return;
    const text = titleText();
    if (!text) return;
    if (composing) {
      if (!held && text.toString() === shown) held = pinEveryIndex(text);
      return;
    }
    pinned = focused() && input.value === text.toString() ? pinSelection(text, selection()) : null;
  };

  const afterTransaction = () => {
    const pin = pinned;
    pinned = null;
    if (writing || composing) return;
    const text = titleText();
    const next = text?.toString() ?? '';
    if (next === shown && next === input.value) return;
    show(next, text && pin ? unpinSelection(text, pin) : null);
    publishCaret();
  };

  // -- typing here --------------------------------------------------------------------------------

  const pushLocal = () => {
    const value = input.value;
    const caret = input.selectionEnd ?? value.length;
    const now = current();
    let target = value;
    let targetCaret = caret;
    if (now !== shown) {
      // Others changed the title during a composition: carry this field's edit onto their text.
      // Without pins (the title's text was replaced meanwhile), the same indexes are the best guess.
      const edit = textEdit(shown, value, caret);
      const text = titleText();
      const pins = held && text && held.text === shown ? held : null;
      if (edit) {
        const from = (pins && indexIn(text!, pins.before[edit.index]!)) ?? Math.min(edit.index, now.length);
        const to = Math.max(from, (pins && indexIn(text!, pins.after[edit.index + edit.remove]!)) ?? Math.min(edit.index + edit.remove, now.length));
        target = now.slice(0, from) + edit.insert + now.slice(to);
        targetCaret = from + edit.insert.length;
      } else {
        target = now;
        targetCaret = Math.min(caret, now.length);
      }
    }
    held = null;
    if (target !== now) {
      writing = true;
      try {
        write(target, targetCaret);
      } finally {
        writing = false;
      }
    }
    // The write may have trimmed the title (length limit); the field shows what the title is.
    const written = current();
    show(written, written === value ? null : { start: Math.min(targetCaret, written.length), end: Math.min(targetCaret, written.length), direction: 'none' });
    publishCaret();
  };

  const onInput = (event: Event) => {
    if (composing || (event as InputEvent).isComposing) return;
    pushLocal();
  };
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    pushLocal();
  };

  // -- this person's caret ------------------------------------------------------------------------

  let lastPublished = '';
  const publishCaret = () => {
    if (!onCaret) return;
    const text = titleText();
    if (!text || !focused() || composing || input.value !== text.toString()) {
      if (lastPublished !== 'none' && !focused()) {
        lastPublished = 'none';
        onCaret(null);
      }
      return;
    }
    const sel = selection();
    const key = `${sel.start}:${sel.end}:${sel.direction}:${text.length}`;
    if (key === lastPublished) return;
    lastPublished = key;
    const pin = pinSelection(text, sel);
    const backward = sel.direction === 'backward';
    onCaret({ anchor: backward ? pin.end : pin.start, head: backward ? pin.start : pin.end });
  };
  const onSelectionChange = () => {
    if (focused()) publishCaret();
  };
  const onBlur = () => publishCaret();

  doc.on('beforeTransaction', beforeTransaction);
  doc.on('afterTransaction', afterTransaction);
  input.addEventListener('input', onInput);
  input.addEventListener('compositionstart', onCompositionStart);
  input.addEventListener('compositionend', onCompositionEnd);
  input.addEventListener('focus', onSelectionChange);
  input.addEventListener('select', onSelectionChange);
  input.addEventListener('keyup', onSelectionChange);
  input.addEventListener('mouseup', onSelectionChange);
  input.addEventListener('blur', onBlur);
  input.ownerDocument.addEventListener('selectionchange', onSelectionChange);
  if (focused()) publishCaret();

  return () => {
    doc.off('beforeTransaction', beforeTransaction);
    doc.off('afterTransaction', afterTransaction);
    input.removeEventListener('input', onInput);
    input.removeEventListener('compositionstart', onCompositionStart);
    input.removeEventListener('compositionend', onCompositionEnd);
    input.removeEventListener('focus', onSelectionChange);
    input.removeEventListener('select', onSelectionChange);
    input.removeEventListener('keyup', onSelectionChange);
    input.removeEventListener('mouseup', onSelectionChange);
    input.removeEventListener('blur', onBlur);
    input.ownerDocument.removeEventListener('selectionchange', onSelectionChange);
    if (lastPublished !== '' && lastPublished !== 'none') onCaret?.(null);
  };
}

/** Each index of `text` pinned both ways: `before[i]` to the letter before it, `after[i]` to the one after. */
function pinEveryIndex(text: Y.Text): HeldBase {
  const before: Y.RelativePosition[] = [];
  const after: Y.RelativePosition[] = [];
  for (let i = 0; i <= text.length; i++) {
    before.push(Y.createRelativePositionFromTypeIndex(text, i, -1));
    after.push(Y.createRelativePositionFromTypeIndex(text, i, 0));
  }
  return { text: text.toString(), before, after };
}
