/** The comments part of the SQLite storage (table comments). */
import type { BriefSectionId } from '../../../shared/brief/comments.ts';
import type { CommentStore, StoredComment } from '../comments.ts';
import type { SqliteDatabase } from './database.ts';
import type { Role } from '../../../shared/schema.ts';

type CommentRow = {
  id: string;
  board_id: string;
  created_at: number;
  target_kind: string;
  target_id: string;
  target_title: string;
  text: string;
  author_name: string | null;
  author_organisation: string | null;
  role: string;
};

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

function commentRecord(row: CommentRow): StoredComment {
  return {
    id: row.id,
    boardId: row.board_id,
    createdAt: row.created_at,
    target:
      row.target_kind === 'section'
        ? { kind: 'section', id: row.target_id as BriefSectionId }
        : { kind: 'idea', cardId: row.target_id },
    targetTitle: row.target_title,
    text: row.text,
    author: row.author_name === null ? null : { name: row.author_name, organisation: row.author_organisation ?? '' },
    role: row.role as Role,
  };
}
