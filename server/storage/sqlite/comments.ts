/** The comments part of the SQLite storage (table comments). */
import type { CommentStore, StoredComment } from '../comments.ts';
import type { SqliteDatabase } from './database.ts';
import { commentRecord, type CommentRow } from '../rows.ts';

export class SqliteComments implements CommentStore {
  constructor(private readonly db: SqliteDatabase) {}

  addComment(comment: StoredComment): void {
    const target = comment.target;
    this.db.onBoard(comment.boardId, () =>
      this.db
        .statement(
          `INSERT INTO comments (id, board_id, created_at, target_kind, target_id, target_title, text, author_name, author_organisation, role)
           VALUES (@id, @boardId, @createdAt, @targetKind, @targetId, @targetTitle, @text, @authorName, @authorOrganisation, @role)`,
        )
        .run({
          id: comment.id,
          boardId: comment.boardId,
          createdAt: comment.createdAt,
          targetKind: target.kind,
          targetId: target.kind === 'section' ? target.id : target.cardId,
          targetTitle: comment.targetTitle,
          text: comment.text,
          authorName: comment.author?.name ?? null,
          authorOrganisation: comment.author?.organisation ?? null,
          role: comment.role,
        }),
    );
  }

  listComments(boardId: string): StoredComment[] {
    return this.db
      .statement<[string], CommentRow>('SELECT * FROM comments WHERE board_id = ? ORDER BY created_at, rowid')
      .all(boardId)
      .map(commentRecord);
  }
}

