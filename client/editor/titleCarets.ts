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
import { cardTitleText } from '../../shared/board/index.ts';
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
 * `position: relative` parent. Carets scrolled out of the field's view are not drawn. Each
 * person's bar and selection are kept and moved rather than re-created, so a redraw does not
 * flicker or disturb assistive technology.
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

  const old = new Map<string, HTMLElement>();
  for (const child of Array.from(layer.children) as HTMLElement[]) old.set(child.dataset.key ?? '', child);
  const keep = new Set<HTMLElement>();
  const take = (key: string, make: () => HTMLElement) => {
    const node = old.get(key) ?? make();
    node.dataset.key = key;
    keep.add(node);
    if (node.parentNode !== layer) layer.append(node);
    return node;
  };

  for (const caret of carets) {
    const x = xOf(caret.head);
    const a = clip(xOf(caret.anchor));
    const b = clip(x);
    if (caret.anchor !== caret.head && a !== b) {
      const selection = take(`selection:${caret.clientId}`, () => {
        const node = doc.createElement('span');
        node.className = 'remote-selection title-caret__selection';
        node.style.position = 'absolute';
        return node;
      });
      Object.assign(selection.style, { left: `${Math.min(a, b)}px`, width: `${Math.abs(b - a)}px`, top: `${top}px`, height: `${height}px`, background: caret.colour });
    }
    if (x < left - 0.5 || x > right + 0.5) continue;
    const bar = take(`caret:${caret.clientId}`, () => {
      const node = doc.createElement('span');
      node.className = 'remote-caret title-caret';
      const name = doc.createElement('span');
      name.className = 'remote-caret__name';
      node.append(name);
      return node;
    });
    bar.style.setProperty('--lexical-cursor-color', caret.colour);
    Object.assign(bar.style, { left: `${x - 1}px`, top: `${top}px`, height: `${height}px` });
    const name = bar.firstChild as HTMLElement;
    if (name.textContent !== caret.name) name.textContent = caret.name;
  }
  for (const node of old.values()) if (!keep.has(node)) node.remove();
}
