/**
 * Other people's carets in a title field: published through awareness as relative positions
 * (presence.ts, field `title`), read back validated, and drawn over the <input> as the body's
 * carets are drawn (a thin bar in the person's colour with their name, `.remote-caret`).
 *
 * An <input> has no layout for its letters, so a caret's x is the width of the text before it,
 * measured on a canvas in the input's own font, less the input's horizontal scroll.
 */
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { cardTitleText } from '../../shared/board.ts';
import { AWARENESS_FIELD, readPresenceUser, readTitleCaret } from '../sync/presence.ts';
import { indexIn } from './titleSelection.ts';

export type RemoteTitleCaret = { clientId: number; name: string; colour: string; anchor: number; head: number };

/** Publishes (or, with null, withdraws) this page's caret in the title of `cardId`. */
export function publishTitleCaret(
  awareness: Awareness,
  cardId: string,
  caret: { anchor: Y.RelativePosition; head: Y.RelativePosition } | null,
): void {
  const state = awareness.getLocalState();
  if (state === null) return;
  if (caret === null) {
    // Only withdraw our own caret in this card (another title may have taken over meanwhile).
    const current = readTitleCaret(state[AWARENESS_FIELD.title]);
    if (current && current.card === cardId) awareness.setLocalStateField(AWARENESS_FIELD.title, null);
    return;
  }
  awareness.setLocalStateField(AWARENESS_FIELD.title, {
    card: cardId,
    anchor: Y.relativePositionToJSON(caret.anchor),
    head: Y.relativePositionToJSON(caret.head),
  });
}

/** Everyone else's caret in the title of `cardId`, as indexes into its text now. */
export function readTitleCarets(awareness: Awareness, doc: Y.Doc, cardId: string): RemoteTitleCaret[] {
  const text = cardTitleText(doc, cardId);
  if (!text) return [];
  const out: RemoteTitleCaret[] = [];
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return;
    const caret = readTitleCaret(state?.[AWARENESS_FIELD.title]);
    if (!caret || caret.card !== cardId) return;
    const user = readPresenceUser(state?.[AWARENESS_FIELD.user]);
    if (!user) return;
    const anchor = indexIn(text, Y.createRelativePositionFromJSON(caret.anchor));
    const head = indexIn(text, Y.createRelativePositionFromJSON(caret.head));
    if (anchor === null || head === null) return;
    out.push({ clientId, name: user.name, colour: user.colour, anchor, head });
  });
  return out;
}

let canvas: HTMLCanvasElement | null = null;

/** The width of `text` in the font of `input`, in CSS pixels. */
function textWidth(input: HTMLInputElement, style: CSSStyleDeclaration, text: string): number {
  canvas ??= input.ownerDocument.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  ctx.font = style.font || `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return ctx.measureText(text).width;
}

/**
 * Draws `carets` into `layer`, an absolutely positioned box over `input` in a common
 * `position: relative` parent. Carets scrolled out of the field's view are not drawn.
 */
export function drawTitleCarets(layer: HTMLElement, input: HTMLInputElement, carets: RemoteTitleCaret[]): void {
  if (carets.length === 0 && !layer.firstChild) return;
  const doc = input.ownerDocument;
  const style = getComputedStyle(input);
  const px = (v: string) => Number.parseFloat(v) || 0;
  const left = input.offsetLeft + px(style.borderLeftWidth) + px(style.paddingLeft);
  const right = input.offsetLeft + input.offsetWidth - px(style.borderRightWidth) - px(style.paddingRight);
  const top = input.offsetTop + px(style.borderTopWidth) + 3;
  const height = Math.max(0, input.clientHeight - 6);
  const value = input.value;
  const xOf = (index: number) => left + textWidth(input, style, value.slice(0, index)) - input.scrollLeft;
  const clip = (x: number) => Math.min(Math.max(x, left), right);

  const nodes: HTMLElement[] = [];
  for (const caret of carets) {
    const x = xOf(caret.head);
    if (caret.anchor !== caret.head) {
      const a = clip(xOf(caret.anchor));
      const b = clip(x);
      if (b !== a) {
        const selection = doc.createElement('span');
        selection.className = 'remote-selection title-caret__selection';
        Object.assign(selection.style, { position: 'absolute', left: `${Math.min(a, b)}px`, width: `${Math.abs(b - a)}px`, top: `${top}px`, height: `${height}px`, background: caret.colour });
        nodes.push(selection);
      }
    }
    if (x < left - 0.5 || x > right + 0.5) continue;
    const bar = doc.createElement('span');
    bar.className = 'remote-caret title-caret';
    bar.dataset.titleCaret = String(caret.clientId);
    bar.style.setProperty('--lexical-cursor-color', caret.colour);
    Object.assign(bar.style, { left: `${x - 1}px`, top: `${top}px`, height: `${height}px` });
    const name = doc.createElement('span');
    name.className = 'remote-caret__name';
    name.textContent = caret.name;
    bar.append(name);
    nodes.push(bar);
  }
  layer.replaceChildren(...nodes);
}
