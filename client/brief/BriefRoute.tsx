/**
 * `/b/:id/brief?token=...`: the sponsor's view. A document, not a board — the challenge brief
 * written live from the board's Y.Doc (one read-only connection, as the board uses) and the
 * visible vote results, through the same layout as every export. With it: downloads in every
 * format, saved versions and "compare with now", comments by section or idea, the way to the
 * board itself, and — for facilitators — the summary and the next steps as actions, written in
 * place.
 */
import { useBoardInfo } from '../lib/useBoardInfo.ts';
import { LinkProblemPage, OpeningPage } from '../lib/LinkPages.tsx';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import * as Y from 'yjs';
import { newId, updateBriefText, type BoardSnapshot } from '../../shared/board/index.ts';
import { commentTargetKey, type NewComment, type SponsorComment } from '../../shared/brief/comments.ts';
import { BRIEF_FORMATS, type BriefFormat } from '../../shared/brief/formats.ts';
import { LIMITS, type Role } from '../../shared/schema.ts';
import { wsBase } from '../lib/api.ts';
import { loadIdentity, type BoardInfo } from '../lib/storage.ts';
import { useSettled } from '../lib/useSettled.ts';
import { BoardConnection } from '../sync/boardConnection.ts';
import { channelOf } from '../sync/channel.ts';
import { useBoard, useConnectionState, useSyncStatus } from '../sync/hooks.ts';
import { SyncIndicator } from '../board/Header.tsx';
import { CommentsStore } from '../comments/commentsStore.ts';
import { useComments } from '../comments/hooks.ts';
import { CommentableHeading } from './BriefComments.tsx';
import { BriefCommentsContext, BriefDocumentView, type CommentSlot } from './BriefDocumentView.tsx';
import {
  boardPageUrl,
  briefDownloadUrl,
  fetchComments,
  fetchVersions,
  fetchVersionState,
  fetchVersionVotes,
  fetchVoteResults,
  postComment,
} from './briefApi.ts';
import { buildBriefFrom, useLiveBrief, type BuiltBrief } from './useLiveBrief.ts';
import { VersionNotice, VersionPicker } from './VersionTools.tsx';
import { VoteResultsStore } from './voteResults.ts';
import { ActionsEditor } from './ActionsEditor.tsx';
import type { VersionInfo } from '../../shared/api.ts';
import './brief.css';

export function BriefRoute({ boardId, token }: { boardId: string; token: string }) {
  const { info, problem } = useBoardInfo(boardId, token, 'brief');

  if (problem && !info) {
    return <LinkProblemPage problem={problem} />;
  }
  if (!info) {
    return <OpeningPage what="brief" />;
  }
  return <BriefScreen info={info} />;
}

const FORMAT_HINT: Record<BriefFormat, string> = {
  pdf: 'to read, print or forward',
  docx: 'to edit in Word',
  md: 'plain text',
  html: 'a web page',
  json: 'data, for other tools',
};
const FORMAT_ORDER: BriefFormat[] = ['pdf', 'docx', 'md', 'html', 'json'];

/** The longest the brief waits for the vote results and comments before it shows without them. */
const FIRST_SHOW_WAIT_MS = 3_000;

const UPDATED = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function BriefScreen({ info }: { info: BoardInfo }) {
  const { id: boardId, token } = info;
  const identity = useMemo(() => loadIdentity(), []);
  const [conn] = useState(
    () => new BoardConnection({ boardId, token, wsBase: wsBase(), participantId: identity?.participantId ?? newId() }),
  );
  const [stores] = useState(() => {
    const channel = channelOf(conn);
    return {
      votes: new VoteResultsStore(() => fetchVoteResults(boardId, token), channel),
      comments: new CommentsStore(() => fetchComments(boardId, token), channel),
    };
  });
  useEffect(() => {
    // the same handle the board page offers tests (read-only use)
    (window as unknown as { __crossboard?: unknown }).__crossboard = conn;
    return () => {
      stores.votes.destroy();
      stores.comments.destroy();
      conn.destroy();
    };
  }, [conn, stores]);

  const { ready } = useConnectionState(conn);
  const status = useSyncStatus(conn);
  const board = useBoard(conn);
  const role: Role = conn.role(info.role);
  const rounds = useSyncExternalStore(stores.votes.subscribe, stores.votes.getSnapshot);
  const comments = useComments(stores.comments);

  const [announcement, setAnnouncement] = useState('');
  const flip = useRef(false);
  const announce = useCallback((message: string) => {
    flip.current = !flip.current;
    setAnnouncement(message + (flip.current ? '\u00a0' : ''));
  }, []);
  useEffect(
    () =>
      stores.comments.onAdded((added) => {
        const c = added.at(-1)!;
        announce(added.length === 1 ? `New comment on “${c.targetTitle}”.` : `${added.length} new comments.`);
      }),
    [stores, announce],
  );

  // The brief is laid out once, whole: the board, its vote results and the comments arrive
  // moments apart, and each rebuilt the brief and pushed everything below it down the page.
  const [answered, setAnswered] = useState(false);
  useEffect(() => {
    let live = true;
    void Promise.all([stores.votes.firstRead, stores.comments.firstRead]).then(() => live && setAnswered(true));
    return () => {
      live = false;
    };
  }, [stores]);
  const settled = useSettled(ready && answered, FIRST_SHOW_WAIT_MS);

  const exportedBy = useMemo(() => ({ name: identity?.name ?? '', role }), [identity, role]);
  const live = useLiveBrief(conn.doc, ready && settled, { boardId, rounds, exportedBy, showNames: true });

  // saved versions: the list, and the one shown (kept in the URL so a reload shows it again)
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [versionId, setVersionId] = useState<string | null>(() => new URLSearchParams(window.location.search).get('version'));
  const [saved, setSaved] = useState<{ id: string; built: BuiltBrief } | { id: string; error: string } | null>(null);
  const refreshVersions = useCallback(() => {
    fetchVersions(boardId, token).then(setVersions, () => {});
  }, [boardId, token]);
  useEffect(() => {
    refreshVersions();
    const onSync = (synced: boolean) => synced && refreshVersions();
    conn.provider.on('sync', onSync);
    return () => conn.provider.off('sync', onSync);
  }, [conn, refreshVersions]);
  const version = versionId ? (versions?.find((v) => v.id === versionId) ?? null) : null;
  const versionName = version?.name ?? null;
  const versionMissing = versionId !== null && versions !== null && version === null;

  useEffect(() => {
    const url = new URL(window.location.href);
    if (versionId) url.searchParams.set('version', versionId);
    else url.searchParams.delete('version');
    window.history.replaceState(null, '', url);
    if (!versionId || versionName === null) return;
    let cancelled = false;
    Promise.all([fetchVersionState(boardId, token, versionId), fetchVersionVotes(boardId, token, versionId)])
      .then(([state, versionRounds]) => {
        if (cancelled) return;
        const doc = new Y.Doc();
        Y.applyUpdate(doc, state);
        const built = buildBriefFrom(doc, {
          boardId,
          rounds: versionRounds,
          exportedBy,
          showNames: true,
          version: { id: versionId, name: versionName },
        });
        doc.destroy();
        setSaved({ id: versionId, built });
      })
      .catch((e: unknown) => {
        if (!cancelled) setSaved({ id: versionId, error: e instanceof Error ? e.message : 'The version could not be read.' });
      });
    return () => {
      cancelled = true;
    };
  }, [boardId, token, versionId, versionName, exportedBy]);

  const shown: BuiltBrief | null = versionId ? (saved && saved.id === versionId && 'built' in saved ? saved.built : null) : live;
  const savedError = versionMissing
    ? 'There is no saved version with this address. It may have been made on another board.'
    : versionId && saved && saved.id === versionId && 'error' in saved
      ? saved.error
      : null;
  const title = shown?.brief.title || (ready ? board.meta.title : '') || info.title;

  useEffect(() => {
    document.title = `${title}: challenge brief — Crossboard`;
  }, [title]);

  const byTarget = useMemo(() => {
    const map = new Map<string, SponsorComment[]>();
    for (const c of comments) {
      const key = commentTargetKey(c.target);
      map.set(key, [...(map.get(key) ?? []), c]);
    }
    return map;
  }, [comments]);
  const send = useCallback(
    async (comment: NewComment) => {
      const stored = await postComment(boardId, token, comment);
      stores.comments.merge([stored], false);
    },
    [boardId, token, stores],
  );
  const commentSlot: CommentSlot = useCallback(
    ({ target, title: t, heading }) => (
      <CommentableHeading
        target={target}
        title={t}
        heading={heading}
        comments={byTarget.get(commentTargetKey(target)) ?? []}
        send={send}
        announce={announce}
      />
    ),
    [byTarget, send, announce],
  );

  const team = role !== 'viewer';
  return (
    <div className="brief-page" data-role={role} data-ready={shown !== null} data-sync-status={status}>
      <a className="skip-link" href="#brief">
        Skip to the brief
      </a>
      <header className="brief-bar">
        <div className="brief-bar__main">
          <a className="brand brand--small" href="/">
            Crossboard
          </a>
          <p className="brief-bar__title">
            Challenge brief<span className="visually-hidden">: {title}</span>
          </p>
        </div>
        <div className="brief-bar__side">
          <SyncIndicator status={status} />
          <a className="button button--small button--inverse" href={boardPageUrl(boardId, token, role)} data-testid="open-board">
            {team ? 'Back to the board' : 'Open the board'}
          </a>
        </div>
      </header>
      <div className="brief-tools" role="region" aria-label="Brief tools">
        <p className="brief-tools__status" data-testid="brief-status">
          {versionId
            ? 'Saved version: it does not change'
            : shown
              ? `Live: updates as the team works. Last updated ${UPDATED.format(shown.builtAt)}.`
              : 'Loading the brief…'}
        </p>
        <div className="brief-tools__actions">
          <VersionPicker versions={versions ?? []} value={versionId} onChange={setVersionId} onFocus={refreshVersions} />
          <DownloadMenu boardId={boardId} token={token} versionId={versionId} by={identity?.name ?? ''} />
          <button type="button" className="button button--small button--secondary" onClick={() => window.print()}>
            Print
          </button>
        </div>
      </div>
      <main id="brief" className="brief-main" tabIndex={-1}>
        {version && <VersionNotice boardId={boardId} token={token} version={version} onLive={() => setVersionId(null)} />}
        {role === 'facilitator' && !versionId && ready && settled && (
          <BriefTextEditor
            board={board}
            onChange={(field, value) => updateBriefText(conn.doc, field, value, conn.origin)}
            actions={<ActionsEditor doc={conn.doc} origin={conn.origin} board={board} />}
          />
        )}
        {savedError ? (
          <p className="field__error" role="alert">
            {savedError}
          </p>
        ) : shown ? (
          <BriefCommentsContext.Provider value={versionId ? null : commentSlot}>
            <div data-testid="brief" data-board-version={shown.brief.provenance.boardVersion}>
              <BriefDocumentView brief={shown.brief} layout={shown.layout} />
            </div>
          </BriefCommentsContext.Provider>
        ) : (
          <p className="loading" aria-busy="true">
            {versionId && !version ? 'Finding the saved version…' : 'Loading the brief…'}
          </p>
        )}
      </main>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-region">
        {announcement}
      </div>
    </div>
  );
}

function DownloadMenu(props: { boardId: string; token: string; versionId: string | null; by: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const onDoc = (e: MouseEvent) => {
      const d = ref.current;
      if (d?.open && !d.contains(e.target as Node)) d.open = false;
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, []);
  return (
    <details
      ref={ref}
      className="brief-menu"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && ref.current?.open) {
          ref.current.open = false;
          ref.current.querySelector('summary')?.focus();
        }
      }}
    >
      <summary className="button button--small">Download</summary>
      <ul className="brief-menu__list">
        {FORMAT_ORDER.map((format) => (
          <li key={format}>
            <a
              href={briefDownloadUrl(props.boardId, props.token, format, { versionId: props.versionId, by: props.by })}
              download
              data-format={format}
              onClick={() => {
                if (ref.current) ref.current.open = false;
              }}
            >
              <strong>{BRIEF_FORMATS[format].label}</strong> <span className="brief-menu__hint">({FORMAT_HINT[format]})</span>
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

function BriefTextEditor(props: {
  board: BoardSnapshot;
  onChange: (field: 'summary' | 'nextSteps', value: string) => void;
  actions: ReactNode;
}) {
  const { summary, nextSteps } = props.board.meta;
  const [open] = useState(() => summary.trim() === '' || (nextSteps.trim() === '' && props.board.actions.length === 0));
  // the next steps as text, from before actions: kept editable while there is any, so it can be moved into actions
  const [hadText] = useState(() => nextSteps.trim() !== '');
  return (
    <details className="brief-edit" open={open}>
      <summary className="brief-edit__summary">Write the summary and next steps</summary>
      <p className="field__hint">
        Only facilitators can change these. Readers see your words in the brief as you type; leave a blank line between
        paragraphs.
      </p>
      <BriefTextField id="brief-summary" label="Summary" rows={5} value={summary} onChange={(v) => props.onChange('summary', v)} />
      {props.actions}
      {(hadText || nextSteps.trim() !== '') && (
        <BriefTextField
          id="brief-next-steps"
          label="Next steps as text"
          hint="Written before actions existed. The brief shows it above the actions: move it into actions, then clear it."
          rows={4}
          value={nextSteps}
          onChange={(v) => props.onChange('nextSteps', v)}
        />
      )}
    </details>
  );
}

/** One of the brief's texts, as a labelled text area (with a hint under the label when given). */
function BriefTextField(props: { id: string; label: string; hint?: string; rows: number; value: string; onChange: (value: string) => void }) {
  const hintId = `${props.id}-hint`;
  return (
    <div className={props.hint ? 'field brief-edit__legacy' : 'field'}>
      <label className="field__label" htmlFor={props.id}>
        {props.label}
      </label>
      {props.hint && (
        <p className="field__hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <textarea
        id={props.id}
        className="input textarea"
        rows={props.rows}
        maxLength={LIMITS.summary}
        aria-describedby={props.hint ? hintId : undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
