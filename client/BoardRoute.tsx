/**
 * `/b/:id?token=...`: works out what this board is and who you are (API when online, this
 * device's memory when not), asks the join questions once, then opens the board on one
 * connection. The token stays in the URL so a reload — online or off — reopens the same board.
 */
import { useBoardInfo } from './lib/useBoardInfo.ts';
import { LinkProblemPage, OpeningPage } from './lib/LinkPages.tsx';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { wsBase } from './lib/api.ts';
import { BOARD_FULL_MESSAGE, CloseCode } from '../shared/protocol.ts';
import { loadIdentity, saveBoardInfo, saveIdentity, type BoardInfo, type Identity } from './lib/storage.ts';
import { sectorStyle } from './lib/sectors.ts';
import { BoardConnection } from './sync/boardConnection.ts';
import { createActions } from './sync/actions.ts';
import { useBoard, useConnectionState, usePeers, useSyncStatus } from './sync/hooks.ts';
import type { PresenceUser } from './sync/presence.ts';
import { requestBodyFocus } from './editor/bodyFocus.ts';
import { LazyCardEditor, preloadCardEditor } from './editor/LazyCardEditor.tsx';
import { StaticBody } from './editor/StaticBody.tsx';
import { CardTitleInput } from './editor/CardTitleInput.tsx';
import { BoardServicesContext, type BoardServices } from './board/services.ts';
import { BoardView } from './board/BoardView.tsx';
import { Header, KeyboardHelp } from './board/Header.tsx';
import { JoinForm, type JoinDetails } from './board/JoinForm.tsx';
import { briefPageUrl, fetchComments } from './brief/briefApi.ts';
import { cardIdOfHash } from '../shared/brief/layout.ts';
import { CommentsStore, countByIdea } from './comments/commentsStore.ts';
import { BoardCommentsContext, useComments, type BoardComments } from './comments/hooks.ts';
import { CommentsButton, CommentsPanel, newCommentMessage } from './comments/CommentsPanel.tsx';
import { channelOf } from './sync/channel.ts';
import { FacilitationContext } from './facilitation/context.ts';
import { useFacilitationLayer } from './facilitation/layer.tsx';
import { Banners, SessionStatus } from './facilitation/SessionHeader.tsx';
import { LoadBoundary } from './lib/LoadBoundary.tsx';
import { useSettled } from './lib/useSettled.ts';
import { ResultsStrip } from './facilitation/ResultsStrip.tsx';
import { ShutOutPage } from './facilitation/ShutOutPage.tsx';
import { NotSentButton, NotSentPanel, useNotSent } from './board/NotSent.tsx';
import { describeEntry, NotSentStore, reapplyEntry, type NotSentEntry } from './sync/notSent.ts';
import { metaRefusal, addMode, runsSession } from '../shared/facilitation/index.ts';
import { findCard } from '../shared/schema.ts';

const VIEWER_NOTE = 'You are viewing this board live. Only contributors and facilitators can change it.';
/** The longest the board waits for the session's rules before it shows without them. */
const FIRST_SHOW_WAIT_MS = 3_000;

// only facilitators and co-facilitators see the bar (and its dialogs): nobody else fetches it
const FacilitatorBar = lazy(() => import('./facilitation/FacilitatorBar.tsx').then((m) => ({ default: m.FacilitatorBar })));

function preloadEditor(): void {
  // a failure shows when a card opens, which tries again
  preloadCardEditor().catch(() => {});
}

export function BoardRoute({ boardId, token }: { boardId: string; token: string }) {
  const { info, setInfo, problem } = useBoardInfo(boardId, token, 'board');
  const [identity, setIdentity] = useState<Identity | null>(() => loadIdentity());
  const [editingDetails, setEditingDetails] = useState(false);
  // The board screen is opened afresh (new connection, new session) after the server refused an
  // update, or after the facilitator replaced this page's own link.
  const [generation, setGeneration] = useState(0);
  const [resyncNotice, setResyncNotice] = useState<string | null>(null);
  // Refused changes kept on this device: outlives the screen, which reopens after a refusal.
  const [notSent] = useState(() => new NotSentStore(boardId));
  useEffect(() => () => notSent.destroy(), [notSent]);

  useEffect(() => {
    document.title = info ? `${info.title} — Crossboard` : 'Crossboard';
  }, [info]);

  // The viewer link is the sponsor's: it opens the brief, unless they asked for the board itself.
  const toBrief = info?.role === 'viewer' && new URLSearchParams(window.location.search).get('view') !== 'board';
  useEffect(() => {
    // (with a card a brief linked to: the brief shows it, unfolded)
    if (toBrief) window.location.replace(briefPageUrl(boardId, token) + window.location.hash);
  }, [toBrief, boardId, token]);
  if (toBrief) {
    return <OpeningPage what="brief" />;
  }

  if (problem && !info) {
    return <LinkProblemPage problem={problem} offerNewBoard />;
  }
  if (!info) {
    return <OpeningPage what="board" />;
  }

  const join = (details: JoinDetails) => {
    const id = saveIdentity(details);
    setIdentity(id);
    const next = { ...info, joined: true };
    saveBoardInfo(next);
    setInfo(next);
    setEditingDetails(false);
  };

  if (!info.joined || !identity || editingDetails) {
    return (
      <JoinForm
        boardTitle={info.title}
        role={info.role}
        initial={identity ?? {}}
        submitLabel={editingDetails ? 'Save my details' : 'Join board'}
        onJoin={join}
        {...(editingDetails ? { onCancel: () => setEditingDetails(false) } : {})}
      />
    );
  }
  const reopen = {
    onResync: (message: string) => {
      setResyncNotice(message);
      setGeneration((g) => g + 1);
    },
    onRelink: (newToken: string) => {
      const next = { ...info, token: newToken };
      saveBoardInfo(next);
      setInfo(next);
      window.history.replaceState(null, '', `/b/${encodeURIComponent(info.id)}?token=${encodeURIComponent(newToken)}`);
      setGeneration((g) => g + 1);
    },
  };
  return (
    <BoardScreen
      key={generation}
      info={info}
      identity={identity}
      onChangeDetails={() => setEditingDetails(true)}
      resyncNotice={resyncNotice}
      notSent={notSent}
      {...reopen}
    />
  );
}

function BoardScreen({
  info,
  identity,
  onChangeDetails,
  resyncNotice,
  notSent,
  onResync,
  onRelink,
}: {
  info: BoardInfo;
  identity: Identity;
  onChangeDetails: () => void;
  resyncNotice: string | null;
  notSent: NotSentStore;
  onResync: (message: string) => void;
  onRelink: (token: string) => void;
}) {
  const [conn] = useState(
    () => new BoardConnection({ boardId: info.id, token: info.token, wsBase: wsBase(), participantId: identity.participantId }),
  );
  useEffect(() => {
    // A handle for tests and the client benchmark (read-only use: they inspect, never write).
    (window as unknown as { __crossboard?: unknown }).__crossboard = conn;
    return () => conn.destroy();
  }, [conn]);

  const { ready, readOnly: serverReadOnly, stopped } = useConnectionState(conn);
  // The server refused a change because the board reached its size cap: say so for good, and stop
  // offering edits that could never be saved.
  const boardFull = stopped?.code === CloseCode.boardTooLarge;
  const board = useBoard(conn);
  const status = useSyncStatus(conn);
  const allPeers = usePeers(conn);
  // Offline, the others' presence is stale (the socket may linger): show only yourself.
  const peers = useMemo(() => (status === 'offline' ? allPeers.filter((p) => p.isLocal) : allPeers), [allPeers, status]);
  const role = conn.role(info.role);
  const readOnly = role === 'viewer' || serverReadOnly === true;

  const user: PresenceUser = useMemo(
    () => ({
      participantId: identity.participantId,
      name: identity.name,
      organisation: identity.organisation,
      sector: identity.sector,
      role,
      colour: sectorStyle(identity.sector).colour,
    }),
    [identity, role],
  );
  useEffect(() => conn.setUser(user), [conn, user]);

  const [announcement, setAnnouncement] = useState('');
  const flip = useRef(false);
  const announce = useCallback((message: string) => {
    flip.current = !flip.current;
    // A trailing no-break space on alternate messages makes repeats count as changes.
    setAnnouncement(message + (flip.current ? '\u00a0' : ''));
  }, []);

  // Facilitation: phase rules, timer, drafts and votes over this connection's type-100 messages.
  const fac = useFacilitationLayer({ conn, boardId: info.id, token: info.token, role: info.role, profile: identity, board, announce, notSent, onResync, onRelink });
  const cardsReadOnly = readOnly || fac.editBlocked !== null || boardFull;
  useEffect(() => {
    if (resyncNotice) {
      fac.store.banner(resyncNotice, 'alert', null);
    }
    // once, when this screen opens after a resync
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const services: BoardServices = useMemo(() => {
    const actions = createActions(conn, {
      participantId: identity.participantId,
      name: identity.name,
      organisation: identity.organisation,
      sector: identity.sector,
    });
    return {
      actions,
      me: user,
      readOnly: cardsReadOnly,
      announce,
      facilitation: fac.slots,
      focusBody: requestBodyFocus,
      renderBody: (cardId) => <StaticBody doc={conn.doc} cardId={cardId} />,
      renderEditor: (p) => (
        <LazyCardEditor
          conn={conn}
          user={user}
          cardId={p.cardId}
          label={p.label}
          autoFocus={p.autoFocus}
          onEscape={p.onEscape}
          loadingBody={<StaticBody doc={conn.doc} cardId={p.cardId} />}
        />
      ),
      renderTitleInput: (p) => <CardTitleInput conn={conn} write={(title, caret) => actions.setTitle(p.cardId, title, caret)} {...p} />,
    };
  }, [conn, identity, user, cardsReadOnly, announce, fac.slots]);

  // Sponsor comments on the brief: the list, a count on each idea, the panel, and a word when one arrives.
  const [commentsStore] = useState(() => new CommentsStore(() => fetchComments(info.id, info.token), channelOf(conn)));
  useEffect(() => () => commentsStore.destroy(), [commentsStore]);
  const comments = useComments(commentsStore);
  useEffect(() => commentsStore.onAdded((added) => announce(newCommentMessage(added))), [commentsStore, announce]);
  const [commentsAt, setCommentsAt] = useState<{ cardId: string | null } | null>(null);
  const openComments = useCallback((cardId?: string) => setCommentsAt({ cardId: cardId ?? null }), []);
  const commentCounts = useMemo(() => countByIdea(comments), [comments]);
  const boardComments: BoardComments = useMemo(() => ({ countByIdea: commentCounts, open: openComments }), [commentCounts, openComments]);
  const showCard = useCallback((cardId: string) => {
    setCommentsAt(null);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`article.card[data-card-id="${CSS.escape(cardId)}"]`)?.focus());
  }, []);
  const briefHref = briefPageUrl(info.id, info.token);

  // "Not sent": what the server refused, to copy out or apply again once the rules allow.
  const notSentEntries = useNotSent(notSent);
  const [notSentOpen, setNotSentOpen] = useState(false);
  const whyNotReapply = useCallback(
    (entry: NotSentEntry): string | null => {
      if (!ready) return 'the board is still loading';
      if (readOnly || boardFull) return readOnly ? 'you can only view this board' : BOARD_FULL_MESSAGE;
      const t = entry.target;
      if (t.kind === 'meta') return metaRefusal(fac.standing)?.message ?? null;
      if (t.kind === 'card' && entry.change !== 'remove' && !findCard(conn.doc, t.id)) {
        const mode = addMode(fac.value.store.getSnapshot().session, fac.standing, t.lane);
        if (mode.mode === 'blocked') return mode.reason;
        if (mode.mode === 'draft') return 'private mode is on: copy the text into a draft instead';
        return null;
      }
      return fac.editBlocked;
    },
    // board: a card coming back or going changes what applies
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ready, readOnly, boardFull, fac.standing, fac.editBlocked, fac.value.store, conn, board],
  );
  const reapplyNotSent = useCallback(
    async (entry: NotSentEntry) => {
      const author = { participantId: identity.participantId, name: identity.name, organisation: identity.organisation, sector: identity.sector };
      conn.stopCapturing();
      await reapplyEntry(conn.doc, entry, author, conn.origin);
      conn.stopCapturing();
      await notSent.remove(entry.id);
      announce(`Applied again: ${describeEntry(entry, board)}.`);
    },
    [conn, identity, notSent, announce, board],
  );

  const [keysOpen, setKeysOpen] = useState(false);
  const title = (ready && board.meta.title !== 'Untitled board' ? board.meta.title : '') || info.title;
  const challenge = (ready && board.meta.challenge) || info.challenge;

  // The screen appears whole, once the board and the session's rules are both here (or the
  // server has said no, or there is no server): they arrive moments apart, and drawing each as
  // it came made the header grow and the lanes jump down.
  const sessionKnown = fac.value.store.getSnapshot().session !== null;
  const settled = useSettled((ready && sessionKnown) || boardFull || stopped !== null || status === 'offline', FIRST_SHOW_WAIT_MS);
  // a brief links a long card to it here (`#card-<id>`): show that card once the board is in and
  // on screen (the cards are not rendered until the board has settled)
  const shown = ready && settled;
  useEffect(() => {
    const cardId = cardIdOfHash(window.location.hash);
    if (shown && cardId !== null && findCard(conn.doc, cardId)) showCard(cardId);
  }, [shown, conn, showCard]);

  if (fac.shutOut) return <ShutOutPage shutOut={fac.shutOut} />;

  const root = {
    className: 'board',
    'data-sync-status': status,
    'data-ready': ready && settled,
    'data-role': role,
    'data-readonly': readOnly,
    'data-standing': fac.standing,
    'data-session': sessionKnown ? 'joined' : 'waiting',
  };
  if (!settled) {
    return (
      <div {...root}>
        <p className="loading" aria-busy="true">
          Loading the board…
        </p>
      </div>
    );
  }
  return (
    <BoardServicesContext.Provider value={services}>
     <FacilitationContext.Provider value={fac.value}>
      <div {...root}>
        <a className="skip-link" href="#lanes">
          Skip to the lanes
        </a>
        <Header
          title={title}
          challenge={challenge}
          role={role}
          status={status}
          peers={peers}
          readOnlyMessage={readOnly ? VIEWER_NOTE : null}
          stoppedMessage={boardFull ? BOARD_FULL_MESSAGE : null}
          onShowKeys={() => setKeysOpen(true)}
          onChangeDetails={onChangeDetails}
          session={<SessionStatus editBlocked={readOnly ? null : fac.editBlocked} />}
          actions={
            <>
              <NotSentButton count={notSentEntries.length} onClick={() => setNotSentOpen(true)} />
              <CommentsButton count={comments.length} onClick={() => openComments()} />
              <a className="button button--small button--secondary" href={briefHref} data-testid="brief-button">
                Brief
              </a>
            </>
          }
        />
        <Banners />
        <main
          id="lanes"
          className="board__main"
          tabIndex={-1}
          aria-label="Board lanes"
          // the first touch, click or key on the lanes fetches the editor, usually before a card opens
          {...(cardsReadOnly ? {} : { onPointerDownCapture: preloadEditor, onKeyDownCapture: preloadEditor, onFocusCapture: preloadEditor })}
        >
          <ResultsStrip />
          {ready ? (
            <BoardCommentsContext.Provider value={boardComments}>
              <BoardView board={fac.sortedBoard} peers={peers} onShowKeys={() => setKeysOpen(true)} />
            </BoardCommentsContext.Provider>
          ) : (
            <p className="loading" aria-busy="true">
              Loading the board…
            </p>
          )}
        </main>
        <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-region">
          {announcement}
        </div>
        <KeyboardHelp open={keysOpen} onClose={() => setKeysOpen(false)} />
        <CommentsPanel
          open={commentsAt !== null}
          focusCardId={commentsAt?.cardId ?? null}
          comments={comments}
          board={board}
          briefHref={briefHref}
          onClose={() => setCommentsAt(null)}
          onShowCard={showCard}
        />
        {runsSession(fac.standing) && (
          <LoadBoundary
            failed={
              <p className="field__error" role="alert">
                The facilitator tools could not be loaded. Check your connection, then reload the page.
              </p>
            }
          >
            <Suspense fallback={null}>
              <FacilitatorBar />
            </Suspense>
          </LoadBoundary>
        )}
        {notSentOpen && (
          <NotSentPanel
            entries={notSentEntries}
            board={board}
            whyNot={whyNotReapply}
            onReapply={reapplyNotSent}
            onDiscard={(entry) => void notSent.remove(entry.id)}
            onClose={() => setNotSentOpen(false)}
          />
        )}
      </div>
     </FacilitationContext.Provider>
    </BoardServicesContext.Provider>
  );
}
