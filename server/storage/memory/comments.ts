/** The comments part of the in-memory storage. */
import type { CommentStore, StoredComment } from '../comments.ts';
import type { MemoryBoards } from './boards.ts';

export class MemoryComments implements CommentStore {
  private readonly comments = new Map<string, StoredComment[]>();

  constructor(private readonly boards: MemoryBoards) {}

  addComment(comment: StoredComment): void {
    this.boards.check(comment.boardId);
    const list = this.comments.get(comment.boardId) ?? [];
    if (list.some((c) => c.id === comment.id)) throw new Error(`comment ${comment.id} exists`);
    list.push(copyComment(comment));
    this.comments.set(comment.boardId, list);
  }

  listComments(boardId: string): StoredComment[] {
    // a stable sort: equal times keep the order they were added in
    return (this.comments.get(boardId) ?? []).map(copyComment).sort((a, b) => a.createdAt - b.createdAt);
  }
}

function copyComment(comment: StoredComment): StoredComment {
  return {
    ...comment,
    target: { ...comment.target },
    author: comment.author ? { ...comment.author } : null,
  };
}
