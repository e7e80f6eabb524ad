/**
 * A headless stand-in for a client's card editor: bound to a body the way CollaborationPlugin
 * (V1) binds one, hydrated as the client hydrates it (bodyEditor.ts), syncing both ways while it is open.
 * For tests (here, in client/ and server/) that need "another person editing this card".
 */
import { createHeadlessEditor } from '@lexical/headless';
import { $convertToMarkdownString } from '@lexical/markdown';
import { createYjsBinding, syncYjsChangesToLexical, type Binding } from '@lexical/yjs';
import type { LexicalEditor } from 'lexical';
import * as Y from 'yjs';
import { HEADLESS_PROVIDER, hydrateFromYjs, syncEditorToBody } from './bodyEditor.ts';
import { RICH_TEXT_NODES, RICH_TEXT_TRANSFORMERS } from './nodes.ts';

export type LiveEditor = {
  editor: LexicalEditor;
  binding: Binding;
  /** Runs a local edit now (a discrete update), which the binding writes to the body. */
  edit: ($change: () => void) => void;
  /** The editor's content as Markdown, after flushing pending remote changes. */
  markdown: () => string;
  close: () => void;
};

export function openLiveEditor(body: Y.XmlText): LiveEditor {
  const doc = body.doc;
  if (doc === null) throw new Error('openLiveEditor: the body is not part of a Y.Doc');
  const editor = createHeadlessEditor({
    namespace: 'crossboard-live',
    nodes: [...RICH_TEXT_NODES],
    onError: (error) => {
      throw error;
    },
  });
  const binding = createYjsBinding({
    editor,
    id: 'live',
    doc,
    docMap: new Map([['live', doc]]),
    getXmlText: () => body,
  });
  hydrateFromYjs(binding, { skipTransforms: true });
  const onYjs = (events: Array<Y.YEvent<Y.XmlText>>, transaction: Y.Transaction) => {
    if (transaction.origin === binding) return;
    syncYjsChangesToLexical(
      binding,
      HEADLESS_PROVIDER,
      events as never,
      transaction.origin instanceof Y.UndoManager,
      () => {},
    );
  };
  body.observeDeep(onYjs);
  const stopSync = syncEditorToBody({ editor, binding });
  return {
    editor,
    binding,
    edit: ($change) => editor.update($change, { discrete: true }),
    markdown: () => editor.read(() => $convertToMarkdownString([...RICH_TEXT_TRANSFORMERS])),
    close: () => {
      body.unobserveDeep(onYjs);
      stopSync();
    },
  };
}
