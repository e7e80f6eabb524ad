/** React over the comments store, and the context that gives the board's cards their counts. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { SponsorComment } from '../../shared/brief/comments.ts';
import type { CommentsStore } from './commentsStore.ts';

export function useComments(store: CommentsStore): SponsorComment[] {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

export type BoardComments = {
  /** sponsor comments per idea card id */
  countByIdea: ReadonlyMap<string, number>;
  /** opens the "Sponsor comments" panel, at one idea's comments when given */
  open: (cardId?: string) => void;
};

export const BoardCommentsContext = createContext<BoardComments | null>(null);

/** How many sponsor comments an idea has, and a way to read them (null outside a board). */
export function useIdeaComments(cardId: string): { count: number; open: () => void } | null {
  const comments = useContext(BoardCommentsContext);
  if (!comments) return null;
  return { count: comments.countByIdea.get(cardId) ?? 0, open: () => comments.open(cardId) };
}
