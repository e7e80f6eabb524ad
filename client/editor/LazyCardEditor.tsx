/**
 * The card editor, whose code (Lexical, most of the board's JavaScript) is fetched only when it
 * is about to be needed: when someone starts to interact with the board (`preloadCardEditor`), or
 * at the latest when a card opens. A board therefore shows its cards before that code arrives;
 * until it does, an open card shows its body as it reads, in the editor's frame.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { CardEditorProps } from './CardEditor.tsx';

type EditorCode = typeof import('./CardEditor.tsx');

let loaded: EditorCode | null = null;
let loading: Promise<EditorCode> | null = null;

/** Starts fetching the editor's code, once; after a failure, the next call tries again. */
export function preloadCardEditor(): Promise<EditorCode> {
  loading ??= import('./CardEditor.tsx').then(
    (code) => {
      loaded = code;
      return code;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

export function LazyCardEditor({ loadingBody, ...props }: CardEditorProps & { loadingBody: ReactNode }) {
  const [code, setCode] = useState(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (code) return;
    let live = true;
    preloadCardEditor().then(
      (c) => live && setCode(c),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [code]);

  if (code) return <code.CardEditor {...props} />;
  return (
    <div className="card-editor" aria-busy={!failed} data-editor-loading={props.cardId}>
      <div className="toolbar toolbar--loading" aria-hidden="true" />
      <div className="card-editor__surface">
        <div className="card-editor__input rich">{loadingBody}</div>
      </div>
      {failed && (
        <p className="field__error" role="alert">
          The editor could not be loaded. Check your connection, then close this card and open it again.
        </p>
      )}
    </div>
  );
}
