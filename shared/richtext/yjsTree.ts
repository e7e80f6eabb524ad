/**
 * A card body's Yjs tree, in one place: walking it, copying it, and loading it into a Lexical
 * editor bound to it. A body is a Y.XmlText whose embeds are the blocks Lexical writes: XmlText
 * elements (paragraphs, headings, lists, quotes) holding Y.Map text nodes and node state, and
 * XmlElement decorators; attributes may hold shared types too. Any peer can write anything into
 * a body, so every function here copes with kinds Lexical never writes.
 *
 * Lexical internals relied on (pinned to 0.52.0; the tests of readBody.ts and bodyEditor.ts, and
 * e2e/editor.spec.ts, which remounts a card and edits it again, guard them):
 * - CollaborationPlugin (binding V1) fills an editor only from Yjs *events*, so an editor bound to
 *   a body that already has content stays empty (and typing would add a second paragraph) until
 *   `hydrateFromYjs` applies the body's current delta through the binding's root;
 * - a binding caches its collab node on every Yjs type it touches (`type._collabNode`); the cache
 *   outlives the binding, and the next binding would reuse it with stale keys as if it were its
 *   own, so whoever binds a body again first clears the caches (`clearCollabCaches`).
 */
import type { Binding } from '@lexical/yjs';
import type * as Lexical from 'lexical';
import * as Y from 'yjs';

/**
 * Lexical's COLLABORATION_TAG, written out: the server copies bodies with this module (merging
 * ideas) but never hydrates an editor, and importing the constant loaded all of Lexical into it at
 * start. The type is Lexical's own literal, so a different value does not compile.
 */
const COLLABORATION_TAG: typeof Lexical.COLLABORATION_TAG = 'collaboration';

// `any`: Yjs types are invariant in their event type, so no narrower type covers them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SharedType = Y.AbstractType<any>;

// ---------------------------------------------------------------------------------------------
// Walking

/** Every shared type in a body (elements, text-node maps, decorators, attribute maps), body first. */
export function sharedTypesOf(body: Y.XmlText): SharedType[] {
  const out: SharedType[] = [];
  const visit = (type: SharedType): void => {
    out.push(type);
    if (type instanceof Y.XmlText) {
      for (const op of type.toDelta() as Array<{ insert?: unknown }>) {
        if (op.insert instanceof Y.AbstractType) visit(op.insert);
      }
      for (const value of Object.values(type.getAttributes())) {
        if (value instanceof Y.AbstractType) visit(value);
      }
    } else if (type instanceof Y.XmlElement) {
      for (const child of type.toArray()) visit(child as SharedType);
      for (const value of Object.values(type.getAttributes())) {
        if (value instanceof Y.AbstractType) visit(value as SharedType);
      }
    } else if (type instanceof Y.Map) {
      type.forEach((value) => {
        if (value instanceof Y.AbstractType) visit(value);
      });
    }
  };
  visit(body);
  return out;
}

type CollabCached = { _collabNode?: unknown };

/** The collab node a binding cached on `type`, if any. */
export function collabCacheOf(type: SharedType): unknown {
  return (type as unknown as CollabCached)._collabNode;
}

/** Caches `node` on `type` as a binding would; undefined removes the cache. */
export function setCollabCache(type: SharedType, node: unknown): void {
  if (node === undefined) delete (type as unknown as CollabCached)._collabNode;
  else (type as unknown as CollabCached)._collabNode = node;
}

/** Removes the collab node cached on every shared type in the body (the body's own included). */
export function clearCollabCaches(body: Y.XmlText): void {
  for (const type of sharedTypesOf(body)) setCollabCache(type, undefined);
}

// ---------------------------------------------------------------------------------------------
// Copying. Not Yjs's `clone()`: `Text#clone` re-inserts the very embedded types it copies, which
// would move them out of the source.

/** What `copyValue` returns for a shared type it cannot copy (none of the kinds Lexical writes). */
const LEFT_OUT = Symbol('left out');

/**
 * A deep, not yet integrated copy of a body, or of one of its blocks. Yjs queues edits to an
 * unintegrated type and replays them in order when it is integrated, so the copy can be embedded
 * anywhere (a scratch document, another card's body). Shared types of kinds that cannot be
 * copied are left out.
 */
export function copyXmlText(source: Y.XmlText): Y.XmlText {
  const copy = new Y.XmlText();
  copyAttributes(source, copy);
  copyTextContent(source, copy);
  return copy;
}

function copyAttributes(source: Y.XmlText | Y.XmlElement, target: Y.XmlText | Y.XmlElement): void {
  for (const [key, value] of Object.entries(source.getAttributes())) {
    const copy = copyValue(value);
    if (copy !== LEFT_OUT) target.setAttribute(key, copy as never);
  }
}

function copyTextContent(source: Y.Text, target: Y.Text): void {
  let index = 0;
  for (const op of source.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
    if (typeof op.insert === 'string') {
      target.insert(index, op.insert, op.attributes);
      index += op.insert.length;
    } else if (op.insert !== undefined) {
      const embed = copyValue(op.insert);
      if (embed === LEFT_OUT) continue;
      target.insertEmbed(index, embed as object, op.attributes);
      index += 1;
    }
  }
}

/** A copy of any value found in a body: plain values as they are, shared types copied deeply. */
function copyValue(value: unknown): unknown {
  if (!(value instanceof Y.AbstractType)) return value;
  if (value instanceof Y.XmlText) return copyXmlText(value);
  if (value instanceof Y.Text) {
    const text = new Y.Text();
    copyTextContent(value, text);
    return text;
  }
  if (value instanceof Y.Map) {
    const map = new Y.Map<unknown>();
    value.forEach((v, k) => {
      const copy = copyValue(v);
      if (copy !== LEFT_OUT) map.set(k, copy);
    });
    return map;
  }
  if (value instanceof Y.XmlElement) {
    const element = new Y.XmlElement(value.nodeName);
    copyAttributes(value, element);
    const children = value.toArray().map(copyValue);
    element.insert(0, children.filter((c): c is Y.XmlElement | Y.XmlText => c instanceof Y.XmlElement || c instanceof Y.XmlText));
    return element;
  }
  if (value instanceof Y.Array) return Y.Array.from(value.toArray().map(copyValue).filter((c) => c !== LEFT_OUT) as never[]);
  return LEFT_OUT;
}

// ---------------------------------------------------------------------------------------------
// Hydrating

/**
 * Brings an editor bound to a body in line with the body's current content, as a remote change
 * would: the body's delta is applied through the binding's root, inside an update tagged
 * COLLABORATION_TAG so that nothing is written back to Yjs. Safe on an empty body. `$then` runs
 * in the same update; `skipTransforms` loads the content exactly as stored (for readers).
 */
export function hydrateFromYjs(binding: Binding, options: { $then?: () => void; skipTransforms?: boolean } = {}): void {
  const root = binding.root;
  binding.editor.update(
    () => {
      root.applyChildrenYjsDelta(binding, root.getSharedType().toDelta());
      root.syncChildrenFromYjs(binding);
      options.$then?.();
    },
    { tag: COLLABORATION_TAG, discrete: true, ...(options.skipTransforms ? { skipTransforms: true } : {}) },
  );
}
