/**
 * The glue between one board page and its facilitation session: creates the session store on the
 * board's connection, works out what this person may do now, and hands the board components the
 * small slots they render (Add buttons, drafts at the top of a lane, dots in a card's footer).
 * Also: V / Shift+V on the focused card, the "drafts revealed" banner, dropping the local copy of
 * the board after a refused update, and reopening with a new link after rotating our own.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BoardSnapshot } from '../../shared/board/index.ts';
import type { RefusedChange } from '../../shared/protocol.ts';
import { runsSession, addMode, editBlocked, openVoteKind, voteEligibility } from '../../shared/facilitation/index.ts';
import type { FacilitationSlots } from '../board/services.ts';
import type { BoardConnection } from '../sync/boardConnection.ts';
import { localCredentials } from './credentials.ts';
import { createSessionStore, type Profile, type SessionStore } from './sessionStore.ts';
import { boardTransport } from './transport.ts';
import { loadSessionMemory, saveSessionMemory } from '../lib/storage.ts';
import { captureNotSent, type NotSentEntry, type NotSentStore } from '../sync/notSent.ts';
import { useSession } from './useSession.ts';
import { CardVotes } from './CardVotes.tsx';
import type { DraftEditorState, FacilitationValue, ResultsView } from './context.ts';
import { DraftsArea } from './DraftsArea.tsx';
import { shownRound, sortBoardByVotes, VOTE_KINDS, type VoteKind } from './results.ts';
import type { Role } from '../../shared/schema.ts';

export type LayerOptions = {
  conn: BoardConnection;
  boardId: string;
  token: string;
  role: Role;
  profile: Profile;
  board: BoardSnapshot;
  announce: (message: string) => void;
  /** this board's "Not sent" list, where refused changes are kept */
  notSent: NotSentStore;
  /** the server refused changes: they are kept, the local copy is gone; reopen the board from the server */
  onResync: (message: string) => void;
  /** this page's own link was replaced from here: reopen with the new token */
  onRelink: (token: string) => void;
};

export function useFacilitationLayer(options: LayerOptions) {
  const { conn, boardId, token, role, board, announce, notSent, onResync, onRelink } = options;
  const [store] = useState(() =>
    createSessionStore({
      transport: boardTransport(conn),
      credentials: localCredentials(boardId),
      role,
      profile: options.profile,
      remembered: loadSessionMemory(boardId),
    }),
  );
  useEffect(() => () => store.destroy(), [store]);
  const snap = useSession(store);
  // Remember the session as the server said it, so a reload with no network knows the rules.
  useEffect(() => {
    if (snap.session && snap.connected && snap.me) {
      saveSessionMemory(boardId, { session: snap.session, standing: store.standing(), savedAt: Date.now() });
    }
  }, [snap.session, snap.connected, snap.me, boardId, store]);
  const standing = store.standing();
  const myId = snap.me?.participantId ?? null;

  const [view, setViewState] = useState<ResultsView>({ round: { problem: null, idea: null }, sorted: { problem: false, idea: false } });
  const setView = useCallback((update: (v: ResultsView) => ResultsView) => setViewState(update), []);
  const [draftEditor, setDraftEditor] = useState<DraftEditorState | null>(null);
  const [voteError, setVoteError] = useState<{ cardId: string; message: string } | null>(null);

  const boardRef = useRef(board);
  boardRef.current = board;
  const titleOf = useCallback((cardId: string) => {
    const b = boardRef.current;
    const card = b.problems.find((c) => c.id === cardId) ?? b.ideas.find((c) => c.id === cardId) ?? b.notes.find((c) => c.id === cardId);
    return card?.title.trim() || 'an untitled card';
  }, []);

  const vote = useCallback(
    async (cardId: string, action: 'cast' | 'withdraw') => {
      setVoteError(null);
      try {
        const mine = action === 'cast' ? await store.castVote(cardId) : await store.withdrawVote(cardId);
        const left = `${mine.remaining} of ${mine.budget} dots left.`;
        announce(action === 'cast' ? `Dot placed on ${titleOf(cardId)}. ${left}` : `Dot taken back from ${titleOf(cardId)}. ${left}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : 'Your dot was not counted. Try again.';
        setVoteError({ cardId, message });
        announce(message);
      }
    },
    [store, announce, titleOf],
  );
  // a refusal explained on one card goes once the vote moves on
  useEffect(() => setVoteError(null), [snap.session?.vote?.round, snap.session?.vote?.status]);

  // V places a dot on the focused card, Shift+V takes one back.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.key !== 'v' && e.key !== 'V') || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const el = e.target;
      if (!(el instanceof HTMLElement) || !el.matches('article.card[data-card-id]') || el.dataset.open) return;
      const s = store.getSnapshot().session;
      const kind = openVoteKind(s);
      e.preventDefault();
      if (!kind) return announce('No vote is open.');
      if (el.dataset.kind !== kind) return announce(`This vote is on ${kind === 'idea' ? 'ideas' : 'problem statements'}, not on this card.`);
      const eligible = voteEligibility(s, store.standing());
      if (!eligible.canVote) return announce(eligible.reason);
      void vote(el.dataset.cardId!, e.shiftKey ? 'withdraw' : 'cast');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store, vote, announce]);

  // The server refused parts of this page's updates: keep each in "Not sent" as it is refused
  // (read from this page's copy at once, before anything changes it); then send everything this
  // page wrote once more, in one update, since what it wrote after a change refused whole waits
  // on the server for that change (see BoardConnection.resendOwnChanges); once the server has
  // answered it (a ping comes back after it: a dropped connection means trying again on the
  // next), drop the copy (socket, IndexedDB, journal) and let the page reopen the board from the
  // server, which has everything it did keep.
  const captured = useRef(new Map<string, NotSentEntry>());
  const storing = useRef<Promise<void>[]>([]);
  const keep = useCallback(
    (changes: readonly RefusedChange[]) => {
      storing.current.push(
        captureNotSent(conn.doc, boardId, changes, Date.now()).then((entries) => {
          const fresh = entries.filter((e) => !captured.current.has(e.id));
          for (const e of fresh) captured.current.set(e.id, e);
          return notSent.add(fresh);
        }),
      );
    },
    [conn, boardId, notSent],
  );
  useEffect(() => conn.onControl((m) => m.type === 'refused' && keep(m.changes)), [conn, keep]);
  const refused = snap.refusal !== null;
  const resetting = useRef(false);
  useEffect(() => {
    if (!refused || resetting.current) return;
    resetting.current = true;
    void (async () => {
      for (let attempt = 0; attempt < RESEND_ATTEMPTS; attempt++) {
        await whenConnected(store, conn);
        conn.resendOwnChanges();
        try {
          await store.command('ping', {});
          break;
        } catch {
          // dropped before the answer: the server may not have judged what was sent
        }
      }
      // anything refused before this page was listening
      keep(store.getSnapshot().refusal?.changes ?? []);
      conn.provider.disconnect();
      await Promise.all(storing.current);
      try {
        await conn.discardLocalCopy();
      } catch {
        // nothing stored, or storage unavailable: the server copy is loaded either way
      }
      onResync(notSentBanner([...captured.current.values()]));
    })();
  }, [refused, conn, store, keep, onResync]);

  useEffect(() => {
    if (snap.relink) onRelink(snap.relink);
  }, [snap.relink, onRelink]);

  // Drafts revealed: contributors' new problems and ideas appearing while private mode is on can
  // only be the facilitator's reveal (the server refuses them otherwise). Runners' own pages say
  // so from the command's answer instead.
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    const cards = [...board.problems, ...board.ideas];
    const prev = seen.current;
    seen.current = new Set(cards.map((c) => c.id));
    const s = store.getSnapshot().session;
    if (!prev || !conn.provider.synced || !s?.privateMode || runsSession(store.standing())) return;
    const runners = new Set(s.participants.filter((p) => runsSession(p.standing)).map((p) => p.participantId));
    const fresh = cards.filter((c) => !prev.has(c.id) && !runners.has(c.author.participantId) && c.author.participantId !== myId);
    if (fresh.length === 0) return;
    store.banner(`The facilitator revealed everyone’s drafts: ${fresh.length} new ${fresh.length === 1 ? 'card' : 'cards'} on the board.`, 'success');
  }, [board, store, conn, myId]);

  const session = snap.session;
  const slots: FacilitationSlots = useMemo(
    () => ({
      addMode: (kind) => addMode(session, standing, kind).mode,
      startDraft: (kind, group) => {
        if (kind === 'note') return;
        setDraftEditor({ kind, draftId: null, problemId: kind === 'idea' ? group : null });
      },
      renderLaneTop: (kind) => <DraftsArea kind={kind} />,
      renderCardFooter: (card) => <CardVotes card={card} />,
    }),
    [session, standing],
  );

  const sortedBoard = useMemo(() => {
    const byKind: Partial<Record<VoteKind, ReturnType<typeof shownRound>>> = {};
    for (const k of VOTE_KINDS) if (view.sorted[k]) byKind[k] = shownRound(snap.results, k, view.round[k]);
    return sortBoardByVotes(board, byKind);
  }, [board, view, snap.results]);

  // Problem choices for idea drafts, stable while the titles are.
  const problemsKey = JSON.stringify(board.problems.map((p) => [p.id, p.title]));
  const problems = useMemo(
    () => (JSON.parse(problemsKey) as Array<[string, string]>).map(([id, title]) => ({ id, title: title.trim() || 'Untitled problem statement' })),
    [problemsKey],
  );

  const value: FacilitationValue = useMemo(
    () => ({ store, boardId, token, role, view, setView, titleOf, announce, vote, voteError, draftEditor, setDraftEditor, problems }),
    [store, boardId, token, role, view, setView, titleOf, announce, vote, voteError, draftEditor, problems],
  );

  return {
    store,
    value,
    slots,
    sortedBoard,
    standing,
    participantId: myId,
    editBlocked: editBlocked(session, standing),
    shutOut: snap.shutOut,
  };
}

/** How many connections a page tries its resend on after a refusal before it gives up on an answer. */
const RESEND_ATTEMPTS = 3;

/**
 * Resolves once the connection is open, or closed for good (shut out, or stopped by the server):
 * then nothing more will be answered.
 */
function whenConnected(store: SessionStore, conn: BoardConnection): Promise<void> {
  const ready = () => store.getSnapshot().connected || store.getSnapshot().shutOut !== null || conn.stopped !== null;
  if (ready()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!ready()) return;
      offStore();
      offConn();
      resolve();
    };
    const offStore = store.subscribe(check);
    const offConn = conn.subscribe(check);
  });
}

/** The banner after changes were refused: how many, the first reason, and where they are kept. */
function notSentBanner(entries: readonly NotSentEntry[]): string {
  const reason = entries[0]?.reason.trim().replace(/[.!]$/, '') ?? 'the server refused it';
  const count = entries.length === 1 ? 'One of your changes was' : `${entries.length} of your changes were`;
  return `${count} not sent: ${reason}. They are kept on this device under “Not sent”, to copy or apply again. The board now shows what everyone sees.`;
}
