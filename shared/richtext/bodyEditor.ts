/**
 * A headless Lexical editor bound to one card body through @lexical/yjs (V1 binding), so that
 * converters read and write bodies exactly as the client's CollaborationPlugin does.
 *
 * Lexical internals relied on (pinned to 0.52.0; the tests beside this file guard them):
 * - `createYjsBinding({ getXmlText })` binds to a nested XmlText without a provider;
 * - hydration = the binding root's `applyChildrenYjsDelta(toDelta())` + `syncChildrenFromYjs`
 *   inside an update tagged COLLABORATION_TAG (what `syncYjsChangesToLexical` does per event);
 * - the binding caches its collab node on every Yjs type it touches (`type._collabNode`) and a
 *   later binding reuses that cache as if it were its own. A live editor in the same process may
 *   be bound to the same body, so a writer here saves those caches first and puts them back
 *   (removing the ones it created) before the transaction ends and the live binding sees events;
 *   readers hydrate a private copy of the body and never touch the body's types.
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

type CollabCached = { _collabNode?: unknown };
// `any`: Yjs types are invariant in their event type, so no narrower type covers them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SharedType = Y.AbstractType<any>;

/** Every shared type in a body (elements, text-node maps, decorators, attribute maps), body first. */
function sharedTypesOf(body: Y.XmlText): SharedType[] {
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
 * Runs `fn` with a fresh headless editor bound to `body` (which it may write to), with no
 * collab-node caches in the way, and restores other bindings' caches afterwards, removing the
 * ones it created, even on error. The editor starts empty. Errors that Lexical reports inside
 * updates (it catches them) are rethrown from here.
 */
export function withBodyEditor<T>(body: Y.XmlText, fn: (session: BodySession) => T): T {
  const saved = new Map<SharedType, unknown>();
  for (const type of sharedTypesOf(body)) {
    const cached = type as unknown as CollabCached;
    if (cached._collabNode !== undefined) saved.set(type, cached._collabNode);
    delete cached._collabNode;
  }
  try {
    const session = createSession(body);
    const result = fn(session);
    const failure = session.failure();
    if (failure) throw failure;
    return result;
  } finally {
    for (const type of sharedTypesOf(body)) {
      const cached = type as unknown as CollabCached;
      if (saved.has(type)) cached._collabNode = saved.get(type);
      else delete cached._collabNode;
    }
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
  hydrateFromBody(session, $afterHydration);
  return {
    ...session,
    failure: () => session.failure() ?? (repaired ? new Error('Lexical repaired the body') : undefined),
  };
}

/**
 * A deep, unintegrated copy of a body. Yjs queues edits to an unintegrated type and replays them
 * in order when it is integrated. Yjs's own `clone()` is not used: `Text#clone` re-inserts the
 * embedded types themselves, which would move the original's types into the scratch document.
 */
function copyXmlText(source: Y.XmlText): Y.XmlText {
  const copy = new Y.XmlText();
  copyAttributes(source, copy);
  copyTextContent(source, copy);
  return copy;
}

function copyAttributes(source: Y.XmlText | Y.XmlElement, target: Y.XmlText | Y.XmlElement): void {
  for (const [key, value] of Object.entries(source.getAttributes())) {
    target.setAttribute(key, copyValue(value) as never);
  }
}

function copyTextContent(source: Y.Text, target: Y.Text): void {
  let index = 0;
  for (const op of source.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
    if (typeof op.insert === 'string') {
      target.insert(index, op.insert, op.attributes);
      index += op.insert.length;
    } else if (op.insert !== undefined) {
      target.insertEmbed(index, copyValue(op.insert) as object, op.attributes);
      index += 1;
    }
  }
}

/** A copy of any value found in a body; shared types of kinds Lexical never writes become null. */
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
    value.forEach((v, k) => map.set(k, copyValue(v)));
    return map;
  }
  if (value instanceof Y.XmlElement) {
    const element = new Y.XmlElement(value.nodeName);
    copyAttributes(value, element);
    element.insert(0, value.toArray().map(copyValue).filter((v) => v !== null) as never[]);
    return element;
  }
  if (value instanceof Y.Array) return Y.Array.from(value.toArray().map(copyValue) as never[]);
  return null;
}

/**
 * Loads the body's current Yjs content into the (empty) editor, as a remote change would, then
 * runs `$then` in the same update.
 */
export function hydrateFromBody({ editor, binding }: BodySession, $then?: () => void): void {
  editor.update(
    () => {
      const root = binding.root;
      root.applyChildrenYjsDelta(binding, root.getSharedType().toDelta());
      root.syncChildrenFromYjs(binding);
      $then?.();
    },
    { tag: COLLABORATION_TAG, skipTransforms: true, discrete: true },
  );
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

