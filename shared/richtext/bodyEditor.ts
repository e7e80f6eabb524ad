/**
 * A headless Lexical editor bound to one card body through @lexical/yjs (V1 binding), so that
 * converters read and write bodies exactly as the client's CollaborationPlugin does.
 *
 * Lexical internals relied on (pinned to 0.52.0; the tests beside this file guard them):
 * - `createYjsBinding({ getXmlText })` binds to a nested XmlText without a provider;
 * - hydration (`hydrateFromYjs` below) is what `syncYjsChangesToLexical` does per event.
 *   CollaborationPlugin fills an editor only from Yjs *events*, so an editor bound to a body that
 *   already has content stays empty (and typing would add a second paragraph) until
 *   `hydrateFromYjs` applies the body's current delta through the binding's root;
 * - the binding caches its collab node on every Yjs type it touches (yjsTree.ts). A live editor in
 *   the same process may be bound to the same body, so a writer here saves those caches first and
 *   puts them back (removing the ones it created) before the transaction ends and the live binding
 *   sees events; readers hydrate a private copy of the body and never touch the body's types.
 */
import { createHeadlessEditor } from '@lexical/headless';
import {
  createYjsBinding,
  syncLexicalUpdateToYjs,
  type Binding,
  type Provider,
} from '@lexical/yjs';
import { COLLABORATION_TAG, SKIP_COLLAB_TAG, type LexicalEditor } from 'lexical';
import * as Y from 'yjs';
import { RICH_TEXT_NODES } from './nodes.ts';
import {
  clearCollabCaches,
  collabCacheOf,
  copyXmlText,
  setCollabCache,
  sharedTypesOf,
  type SharedType,
} from './yjsTree.ts';

export type BodySession = { editor: LexicalEditor; binding: Binding };

/** The part of a provider the binding touches headlessly: awareness, for the local caret only. */
export const HEADLESS_PROVIDER: Provider = {
  awareness: {
    getLocalState: () => null,
    getStates: () => new Map(),
    on: () => {},
    off: () => {},
    setLocalState: () => {},
    setLocalStateField: () => {},
  },
  connect: () => {},
  disconnect: () => {},
  on: () => {},
  off: () => {},
};

/** A headless editor (with the body-editor node list) and a V1 binding to `body`. */
function createSession(body: Y.XmlText): BodySession & { failure: () => Error | undefined } {
  const doc = body.doc;
  if (doc === null) throw new Error('the body is not part of a Y.Doc');
  let reported: Error | undefined;
  const editor = createHeadlessEditor({
    namespace: 'crossboard-body',
    nodes: [...RICH_TEXT_NODES],
    onError: (error) => {
      reported ??= error;
    },
  });
  const binding = createYjsBinding({
    editor,
    id: 'crossboard-body',
    doc,
    docMap: new Map([['crossboard-body', doc]]),
    getXmlText: () => body,
  });
  return { editor, binding, failure: () => reported };
}

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

/**
 * Runs `fn` with a fresh headless editor bound to `body` (which it may write to), with no
 * collab-node caches in the way, and restores other bindings' caches afterwards, removing the
 * ones it created, even on error. The editor starts empty. Errors that Lexical reports inside
 * updates (it catches them) are rethrown from here.
 */
export function withBodyEditor<T>(body: Y.XmlText, fn: (session: BodySession) => T): T {
  const saved = new Map<SharedType, unknown>();
  for (const type of sharedTypesOf(body)) {
    const cached = collabCacheOf(type);
    if (cached !== undefined) saved.set(type, cached);
  }
  clearCollabCaches(body);
  try {
    const session = createSession(body);
    const result = fn(session);
    const failure = session.failure();
    if (failure) throw failure;
    return result;
  } finally {
    for (const type of sharedTypesOf(body)) setCollabCache(type, saved.get(type));
  }
}

/**
 * A headless editor hydrated from a private copy of `body`, free to be changed.
 *
 * Hydrating through the binding can write: on content Lexical does not expect (text with no
 * text-node map before it) it deletes the offending text from the shared type. A reader must
 * never change the board, so this hydrates a copy in a scratch document, and reports such a
 * repair through `failure()` (as it does errors Lexical caught), so that readers can fall back.
 */
export function hydrateCopy(
  body: Y.XmlText,
  $afterHydration?: () => void,
): BodySession & { failure: () => Error | undefined } {
  const scratch = new Y.Doc({ guid: 'crossboard-scratch' }); // a fixed guid skips a costly uuid
  const copy = copyXmlText(body);
  scratch.getMap<Y.XmlText>('scratch').set('body', copy);
  const session = createSession(copy);
  let repaired = false;
  scratch.on('update', () => {
    repaired = true;
  });
  hydrateFromYjs(session.binding, { $then: $afterHydration, skipTransforms: true });
  return {
    ...session,
    failure: () => session.failure() ?? (repaired ? new Error('Lexical repaired the body') : undefined),
  };
}

/**
 * Makes local updates of the session's editor write to Yjs, exactly as CollaborationPlugin does.
 * Returns the unsubscribe function.
 */
export function syncEditorToBody({ editor, binding }: BodySession): () => void {
  return editor.registerUpdateListener(
    ({ prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags }) => {
      if (tags.has(SKIP_COLLAB_TAG)) return;
      syncLexicalUpdateToYjs(
        binding,
        HEADLESS_PROVIDER,
        prevEditorState,
        editorState,
        dirtyElements,
        dirtyLeaves,
        normalizedNodes,
        tags,
      );
    },
  );
}

