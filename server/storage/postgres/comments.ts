/** The comments part of the PostgreSQL storage (table comments). Not fenced: any process adds comments through the API. */
import type { CommentStore, StoredComment } from '../comments.ts';
import type { PostgresDatabase } from './database.ts';
import { commentRecord, type CommentRow } from '../rows.ts';

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

