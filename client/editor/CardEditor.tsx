/**
 * The rich-text editor of one open card: Lexical bound to that card's nested Y.XmlText through
 * CollaborationPlugin's getXmlText, on the board's one connection (see cardProvider.ts).
 *
 * Mounted only on the card being edited; every other card renders statically (StaticBody). Its
 * code, with Lexical, is loaded only when a card opens (LazyCardEditor.tsx).
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { LexicalCollaboration } from '@lexical/react/LexicalCollaborationContext';
import { CollaborationPlugin } from '@lexical/react/LexicalCollaborationPlugin';
import { LexicalComposer, type InitialConfigType } from '@lexical/react/LexicalComposer';
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { ContentEditable } from '@lexical/react/LexicalContentEditable';
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary';
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin';
import { ListPlugin } from '@lexical/react/LexicalListPlugin';
import { LinkPlugin } from '@lexical/react/LexicalLinkPlugin';
import { MarkdownShortcutPlugin } from '@lexical/react/LexicalMarkdownShortcutPlugin';
import type { Binding, Provider } from '@lexical/yjs';
import {
  COLLABORATION_TAG,
  COMMAND_PRIORITY_HIGH,
  HISTORIC_TAG,
  KEY_ESCAPE_COMMAND,
  REDO_COMMAND,
  UNDO_COMMAND,
  mergeRegister,
} from 'lexical';
import type * as Y from 'yjs';
import { cardBody, findCard } from '../../shared/schema.ts';
import { touchCard } from '../../shared/board/index.ts';
import { RICH_TEXT_NODES, RICH_TEXT_TRANSFORMERS } from '../../shared/richtext/nodes.ts';
import { isSafeUrl } from '../../shared/richtext/links.ts';
import type { BoardConnection } from '../sync/boardConnection.ts';
import type { PresenceUser } from '../sync/presence.ts';
import { createCardProvider } from './cardProvider.ts';
import { hydrateFromYjs } from '../../shared/richtext/bodyEditor.ts';
import { clearCollabCaches } from '../../shared/richtext/yjsTree.ts';
import { bodyEmptied, bodyFilled, registerBodyFocus } from './bodyFocus.ts';
import { Toolbar } from './Toolbar.tsx';
import { editorTheme } from './theme.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

/**
 * The V1 binding CollaborationPlugin created for `editor`. The plugin keeps it to itself, but
 * publishes the binding's Yjs UndoManager on the editor (`Symbol.for('@lexical/yjs/UndoManager')`,
 * meant for tooling), whose tracked origins are that binding and null.
 */
function bindingOf(editor: object): Binding | undefined {
  const manager = (editor as Record<symbol, { trackedOrigins?: Set<unknown> } | undefined>)[
    Symbol.for('@lexical/yjs/UndoManager')
  ];
  for (const origin of manager?.trackedOrigins ?? []) {
    if (origin && typeof origin === 'object' && 'collabNodeMap' in origin && 'root' in origin) return origin as Binding;
  }
  return undefined;
}

export type CardEditorProps = {
  conn: BoardConnection;
  cardId: string;
  user: PresenceUser;
  /** accessible name of the body, e.g. "Body of idea: Text-message nudges" */
  label: string;
  autoFocus: boolean;
  onEscape: () => void;
};

export function CardEditor(props: CardEditorProps) {
  const initialConfig = useMemo<InitialConfigType>(
    () => ({
      namespace: `card-${props.cardId}`,
      nodes: [...RICH_TEXT_NODES],
      // Collaboration owns the content: the editor starts empty and is filled from Yjs.
      editorState: null,
      theme: editorTheme,
      onError: (error: Error) => console.error('[card editor]', error),
    }),
    [props.cardId],
  );
  return (
    <LexicalCollaboration>
      <LexicalComposer initialConfig={initialConfig}>
        <CardEditorInner {...props} />
      </LexicalComposer>
    </LexicalCollaboration>
  );
}

function CardEditorInner({ conn, cardId, user, label, autoFocus, onEscape }: CardEditorProps) {
  const [editor] = useLexicalComposerContext();
  const cursorsContainerRef = useRef<HTMLDivElement | null>(null);
  const untrack = useRef<(() => void) | null>(null);
  const autoFocusRef = useRef(autoFocus);

  // Stable for the editor's lifetime: a changing provider factory makes Lexical re-create the provider.
  // Once the plugin has bound the editor: fill it from the body, let per-person undo track its
  // writes, then place focus.
  const providerFactory = useCallback(
    (id: string, yjsDocMap: Map<string, Y.Doc>): Provider => {
      yjsDocMap.set(id, conn.doc);
      const provider = createCardProvider(conn.provider, cardId);
      provider.onBound(() => {
        const binding = bindingOf(editor);
        if (!binding) {
          console.error('[card editor] no collaboration binding found; the editor stays empty');
          return;
        }
        hydrateFromYjs(binding);
        untrack.current?.();
        untrack.current = conn.trackOrigin(binding);
        if (bodyFilled(cardId) || autoFocusRef.current) editor.focus(undefined, { defaultSelection: 'rootEnd' });
      });
      return provider;
    },
    [conn, cardId, editor],
  );

  const getXmlText = useCallback(
    (doc: Y.Doc): Y.XmlText => {
      const record = findCard(doc, cardId)?.record;
      const body = record ? cardBody(record) : undefined;
      if (!body) throw new Error(`card ${cardId} has no body`);
      // A previous editor of this card left its collab nodes cached on the body's types.
      clearCollabCaches(body);
      return body;
    },
    [cardId],
  );

  useEffect(
    () => () => {
      untrack.current?.();
      bodyEmptied(cardId);
    },
    [cardId],
  );

  // Per-person undo across cards and text: the board's undo manager, not the editor's own.
  useEffect(
    () =>
      mergeRegister(
        editor.registerCommand(
          UNDO_COMMAND,
          () => {
            conn.undo();
            return true;
          },
          COMMAND_PRIORITY_HIGH,
        ),
        editor.registerCommand(
          REDO_COMMAND,
          () => {
            conn.redo();
            return true;
          },
          COMMAND_PRIORITY_HIGH,
        ),
        editor.registerCommand(
          KEY_ESCAPE_COMMAND,
          (event) => {
            event?.preventDefault();
            onEscape();
            return true;
          },
          COMMAND_PRIORITY_HIGH,
        ),
      ),
    [editor, conn, onEscape],
  );

  // Mark the card as changed when its body is edited here (throttled; not an undo step).
  useEffect(() => {
    const touchOrigin: BoardOrigin = { kind: 'local', participantId: user.participantId };
    let last = 0;
    return editor.registerUpdateListener(({ tags, dirtyElements, dirtyLeaves }) => {
      if (tags.has(COLLABORATION_TAG) || tags.has(HISTORIC_TAG)) return;
      if (dirtyElements.size === 0 && dirtyLeaves.size === 0) return;
      const now = Date.now();
      if (now - last < 3_000) return;
      last = now;
      queueMicrotask(() => touchCard(conn.doc, cardId, touchOrigin));
    });
  }, [editor, conn, cardId, user.participantId]);

  // "Go to the body" (Enter in the title field): caret at the end of the text, once the editor is
  // filled. A request made before that is kept until hydration (bodyFocus.ts).
  useEffect(() => registerBodyFocus(cardId, () => editor.focus(undefined, { defaultSelection: 'rootEnd' })), [editor, cardId]);

  useEffect(() => {
    conn.setEditing(cardId);
    return () => conn.setEditing(null);
  }, [conn, cardId]);

  return (
    <div className="card-editor">
      <Toolbar />
      <div className="card-editor__surface" ref={cursorsContainerRef}>
        <RichTextPlugin
          contentEditable={
            <ContentEditable
              className="card-editor__input rich"
              aria-label={label}
              aria-multiline="true"
              data-card-body={cardId}
            />
          }
          ErrorBoundary={LexicalErrorBoundary}
        />
      </div>
      <ListPlugin />
      <LinkPlugin validateUrl={isSafeUrl} />
      <MarkdownShortcutPlugin transformers={[...RICH_TEXT_TRANSFORMERS]} />
      <CollaborationPlugin
        id={cardId}
        providerFactory={providerFactory}
        shouldBootstrap={false}
        username={user.name}
        cursorColor={user.colour}
        cursorsContainerRef={cursorsContainerRef}
        getXmlText={getXmlText}
      />
    </div>
  );
}
