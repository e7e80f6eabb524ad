/**
 * What the facilitation components share: the session store, this page's link, and the view's
 * choices (which round each lane shows, whether it is sorted by dots). Provided once by
 * BoardRoute; the components read the store through useSession.
 */
import { createContext, useContext } from 'react';
import type { SessionStore } from './sessionStore.ts';
import type { VoteKind } from './results.ts';
import type { Role } from '../../shared/schema.ts';

export type ResultsView = {
  /** the round each lane shows (null: the latest) */
  round: Record<VoteKind, number | null>;
  /** lanes shown in order of dots */
  sorted: Record<VoteKind, boolean>;
};

export type FacilitationValue = {
  store: SessionStore;
  boardId: string;
  /** this page's link token (Save version uses it) */
  token: string;
  role: Role;
  view: ResultsView;
  setView: (update: (view: ResultsView) => ResultsView) => void;
  /** a card's title for messages ("Dot placed on …") */
  titleOf: (cardId: string) => string;
  /** tell a screen reader (the board's polite live region) */
  announce: (message: string) => void;
  /** place or take back one dot; the outcome is announced, a refusal shown on the card */
  vote: (cardId: string, action: 'cast' | 'withdraw') => Promise<void>;
  voteError: { cardId: string; message: string } | null;
  /** the private draft being written or edited (one at a time) */
  draftEditor: DraftEditorState | null;
  setDraftEditor: (state: DraftEditorState | null) => void;
  /** problems on the board, for "answers problem" on an idea draft */
  problems: ReadonlyArray<{ id: string; title: string }>;
};

export type DraftEditorState = { kind: 'problem' | 'idea'; draftId: string | null; problemId: string | null };

export const FacilitationContext = createContext<FacilitationValue | null>(null);

export function useFacilitation(): FacilitationValue {
  const value = useContext(FacilitationContext);
  if (!value) throw new Error('FacilitationContext is missing');
  return value;
}
