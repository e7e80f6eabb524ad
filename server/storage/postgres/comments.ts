/** The comments part of the PostgreSQL storage (table comments). Not fenced: any process adds comments through the API. */
import type { BriefSectionId } from '../../../shared/brief/comments.ts';
import type { CommentStore, StoredComment } from '../comments.ts';
import type { PostgresDatabase } from './database.ts';
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

export class PostgresComments implements CommentStore {
  constructor(private readonly db: PostgresDatabase) {}

  async addComment(comment: StoredComment): Promise<void> {
    const target = comment.target;
    try {
      await this.db.query(
        `INSERT INTO comments (id, board_id, created_at, target_kind, target_id, target_title, text, author_name, author_organisation, role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          comment.id,
          comment.boardId,
          comment.createdAt,
          target.kind,
          target.kind === 'section' ? target.id : target.cardId,
          comment.targetTitle,
          comment.text,
          comment.author?.name ?? null,
          comment.author?.organisation ?? null,
          comment.role,
        ],
      );
    } catch (error) {
      throw await this.db.boardError(comment.boardId, error);
    }
  }

  async listComments(boardId: string): Promise<StoredComment[]> {
    const { rows } = await this.db.query<CommentRow>('SELECT * FROM comments WHERE board_id = $1 ORDER BY created_at, ord', [boardId]);
    return rows.map(commentRecord);
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
