/** The comments part of storage: comments on a board's brief, append-only. */
import type { SponsorComment } from '../../shared/brief/comments.ts';
import type { Awaitable } from './awaitable.ts';

/** A comment on a board's brief, as stored: the shape clients see, plus its board. */
export type StoredComment = SponsorComment & { boardId: string };

export interface CommentStore {
  /** Stores a comment. Throws `UnknownBoardError` for an unknown board, and on a duplicate id. */
  addComment(comment: StoredComment): Awaitable<void>;
  /** A board's comments, oldest first (by time, then in the order they were added); [] for an unknown board. */
  listComments(boardId: string): Awaitable<StoredComment[]>;
}
