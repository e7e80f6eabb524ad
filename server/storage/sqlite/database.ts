/**
 * The one SQLite database every part of the SQLite storage works on: opening it (pragmas, then
 * migrations), one statement cache, transactions, and one mapping from a failed write on a board
 * that does not exist to `UnknownBoardError`.
 *
 * WAL with synchronous=NORMAL: a committed append survives the process being killed (the WAL is in
 * the OS page cache); only a power cut can lose the last transactions.
 */
import Database from 'better-sqlite3';
import { UnknownBoardError } from '../errors.ts';
import { migrate } from './migrations.ts';

export class SqliteDatabase {
  private readonly db: Database.Database;
  /** every statement, prepared once, by its SQL */
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  /** Opens (creating if needed) the database in `file` and brings its schema up to date. */
  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db);
  }

  /** The prepared statement for `sql`, prepared on first use. */
  statement<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  /** Runs `work` in one transaction: all of it is written, or (when it throws) none of it. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  boardExists(boardId: string): boolean {
    return this.statement<[string], { one: number }>('SELECT 1 AS one FROM boards WHERE id = ?').get(boardId) !== undefined;
  }

  /**
   * Runs a write on one board's rows, reporting a failure through `boardError`. A successful write
   * costs nothing more.
   */
  onBoard<T>(boardId: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      throw this.boardError(boardId, error);
    }
  }

  /**
   * The error to report for a failed write on a board: `UnknownBoardError` when the board does not
   * exist (the missing board is the cause, whatever constraint tripped first), else the failure
   * itself. The board is looked up only after a failure.
   */
  boardError(boardId: string, error: unknown): unknown {
    return this.boardExists(boardId) ? error : new UnknownBoardError(boardId);
  }

  /** Reads a page of the boards table: throws once the database is closed or its file cannot be read. */
  ping(): void {
    this.statement('SELECT 1 FROM boards LIMIT 1').get();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export { toBytes } from '../rows.ts';
