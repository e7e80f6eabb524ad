/**
 * Private writing, at the top of its lane: while private mode is on, a contributor's "Add idea"
 * (or "Add problem") writes a draft kept on the server for them alone. The drafts are listed here,
 * clearly marked, with edit and delete, until the facilitator reveals everyone's at once.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { CardKind } from '../../shared/schema.ts';
import type { Draft } from '../../shared/protocol.ts';
import { useSession } from './useSession.ts';
import { useFacilitation, type DraftEditorState } from './context.ts';
import { useRun } from './useRun.ts';
import { addMode } from '../../shared/facilitation/index.ts';

const NOUN = { problem: 'problem statement', idea: 'idea' } as const;
const PLURAL = { problem: 'problem statements', idea: 'ideas' } as const;

export function DraftsArea({ kind }: { kind: CardKind }) {
  const { store, draftEditor, setDraftEditor } = useFacilitation();
  const snap = useSession(store);
  const { busy, run } = useRun();
  const headingId = useId();
  if (kind === 'note') return null;
  const drafts = snap.drafts.filter((d) => d.kind === kind);
  const mode = addMode(snap.session, store.standing(), kind).mode;
  const editing = draftEditor?.kind === kind ? draftEditor : null;
  if (drafts.length === 0 && mode !== 'draft' && !editing) return null;

  return (
    <section className="drafts" aria-labelledby={headingId} data-testid={`drafts-${kind}`}>
      <h3 className="drafts__title" id={headingId}>
        Your private {PLURAL[kind]} ({drafts.length})
      </h3>
      <p className="drafts__note">
        Only you can see these until the facilitator reveals them.
        {mode !== 'draft' && drafts.length > 0 ? ' Private mode is off for now, so they can’t be changed, only deleted.' : ''}
      </p>
      {editing && editing.draftId === null && <DraftComposer kind={kind} state={editing} onDone={() => setDraftEditor(null)} />}
      {drafts.length > 0 && (
        <ul className="drafts__list">
          {drafts.map((d) =>
            editing?.draftId === d.draftId ? (
              <li key={d.draftId}>
                <DraftComposer kind={kind} state={editing} draft={d} onDone={() => setDraftEditor(null)} />
              </li>
            ) : (
              <li key={d.draftId} className="draft" data-testid="draft" data-draft-id={d.draftId}>
                <p className="draft__title">{d.title || `Untitled ${NOUN[kind]}`}</p>
                {d.body.trim() && <p className="draft__body">{d.body}</p>}
                <div className="draft__actions">
                  {mode === 'draft' && (
                    <button
                      type="button"
                      className="button button--small button--secondary"
                      onClick={() => setDraftEditor({ kind, draftId: d.draftId, problemId: d.problemId })}
                    >
                      Edit<span className="visually-hidden"> draft: {d.title}</span>
                    </button>
                  )}
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    disabled={busy !== null}
                    onClick={() => void run('delete', () => store.deleteDraft(d.draftId), { done: 'Draft deleted.' })}
                  >
                    Delete<span className="visually-hidden"> draft: {d.title}</span>
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      {mode === 'draft' && !editing && (
        <button
          type="button"
          className="add-button add-button--group"
          onClick={() => setDraftEditor({ kind, draftId: null, problemId: null })}
          data-testid={`write-draft-${kind}`}
        >
          + Write a private {NOUN[kind]}
        </button>
      )}
    </section>
  );
}

function DraftComposer({ kind, state, draft, onDone }: { kind: 'problem' | 'idea'; state: DraftEditorState; draft?: Draft; onDone: () => void }) {
  const { store, problems, announce } = useFacilitation();
  const { busy, error, run } = useRun();
  const [title, setTitle] = useState(draft?.title ?? '');
  const [body, setBody] = useState(draft?.body ?? '');
  const [problemId, setProblemId] = useState<string | null>(draft?.problemId ?? state.problemId);
  const [missing, setMissing] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const ids = { title: useId(), body: useId(), problem: useId(), err: useId() };
  useEffect(() => titleRef.current?.focus(), []);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setMissing(true);
      titleRef.current?.focus();
      return;
    }
    setMissing(false);
    void run('save', () =>
      store.command('saveDraft', {
        ...(draft ? { draftId: draft.draftId } : {}),
        kind,
        title: title.trim(),
        body,
        ...(kind === 'idea' ? { problemId } : {}),
      }),
    ).then((v) => {
      if (!v) return;
      announce(`Draft saved. Only you can see it until the facilitator reveals the drafts.`);
      onDone();
    });
  };

  return (
    <form
      className="draft-form"
      onSubmit={save}
      noValidate
      aria-label={draft ? `Edit private ${NOUN[kind]}` : `New private ${NOUN[kind]}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onDone();
        }
      }}
      data-testid="draft-form"
    >
      {(missing || error) && (
        <p className="fac-error" role="alert" id={ids.err}>
          {missing ? `Give your ${NOUN[kind]} a title` : error}
        </p>
      )}
      <div className="field field--compact">
        <label className="field__label" htmlFor={ids.title}>
          Title
        </label>
        <input
          id={ids.title}
          ref={titleRef}
          className="input"
          value={title}
          maxLength={300}
          placeholder={kind === 'problem' ? 'How might we …?' : 'Name this idea'}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={missing || undefined}
          aria-describedby={missing ? ids.err : undefined}
        />
      </div>
      <div className="field field--compact">
        <label className="field__label" htmlFor={ids.body}>
          Details <span className="field__optional">(optional)</span>
        </label>
        <textarea id={ids.body} className="input textarea" rows={3} maxLength={20_000} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      {kind === 'idea' && problems.length > 0 && (
        <div className="field field--compact">
          <label className="field__label" htmlFor={ids.problem}>
            Answers problem
          </label>
          <select id={ids.problem} className="select" value={problemId ?? ''} onChange={(e) => setProblemId(e.target.value || null)}>
            <option value="">Not linked to a problem</option>
            {problems.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="button button--small" disabled={busy !== null} data-testid="save-draft">
          Save private draft
        </button>
        <button type="button" className="button button--small button--secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
