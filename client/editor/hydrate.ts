/**
 * Filling an editor from a body that already has content (STACK.md, "Hydration").
 *
 * CollaborationPlugin V1 fills the editor only from Yjs *events*, so an editor mounted on a body
 * with text would stay empty (and typing would add a second paragraph). After the binding exists
 * we apply the body's current delta through the binding's root, inside a COLLABORATION-tagged
 * update so nothing is written back to Yjs.
 *
 * A collab node cached on a Yjs type (`_collabNode`) outlives the binding that created it and
 * would be reused by the next binding with stale keys, so before a (re)mount binds a body we clear
 * those caches from the whole body tree.
 *
 * These are Lexical 0.52 internals: the version is pinned and e2e/editor.spec.ts remounts a card
 * and edits it again as a guard.
 */
import type { Binding } from '@lexical/yjs';
import { COLLABORATION_TAG } from 'lexical';
import * as Y from 'yjs';

type Cached = { _collabNode?: unknown };

/** Removes `_collabNode` from every shared type nested in the body (the body's own included). */
export function clearCollabCaches(body: Y.XmlText): void {
  const stack: Y.AbstractType<unknown>[] = [body as unknown as Y.AbstractType<unknown>];
  while (stack.length > 0) {
    const type = stack.pop()!;
    delete (type as unknown as Cached)._collabNode;
    if (type instanceof Y.XmlText || type instanceof Y.XmlElement) {
      if (type instanceof Y.XmlText) {
        for (const op of type.toDelta() as Array<{ insert?: unknown }>) {
          if (op.insert instanceof Y.AbstractType) stack.push(op.insert);
        }
      } else {
        for (const child of type.toArray()) stack.push(child as Y.AbstractType<unknown>);
      }
      for (const value of Object.values(type.getAttributes() as Record<string, unknown>)) {
        if (value instanceof Y.AbstractType) stack.push(value);
      }
    } else if (type instanceof Y.Map) {
      type.forEach((value) => {
        if (value instanceof Y.AbstractType) stack.push(value);
      });
    }
  }
}

/** Brings the editor in line with the body's current content. Safe to call on an empty body. */
export function hydrateFromYjs(binding: Binding): void {
  const root = binding.root;
  binding.editor.update(
    () => {
      root.applyChildrenYjsDelta(binding, root.getSharedType().toDelta());
      root.syncChildrenFromYjs(binding);
    },
    { tag: COLLABORATION_TAG, discrete: true },
  );
}
