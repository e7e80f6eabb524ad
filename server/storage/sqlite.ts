/**
 * SQLite storage (better-sqlite3). WAL with synchronous=NORMAL: a committed append survives the
 * process being killed (the WAL is in the OS page cache); only a power cut can lose the last
 * transactions. Every statement is prepared once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { roleForHash } from '../auth/tokens.ts';
import type { Sector, Template, Role } from '../../shared/schema.ts';
import {
  UnknownBoardError,
  type BallotRecord,
  type BoardRecord,
  type DraftRecord,
  type ParticipantRecord,
  type Storage,
  type StoredDocument,
  type StoredComment,
  type StoredSession,
  type StoredVersion,
  type VersionRecord,
  type VoteRoundRecord,
} from './storage.ts';
import type { VoteConfig, VoteRoundStatus } from '../../shared/votes.ts';
import type { BriefSectionId } from '../../shared/brief/comments.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  challenge TEXT NOT NULL,
  sponsor TEXT NOT NULL,
  template TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  facilitator_hash BLOB NOT NULL,
  contributor_hash BLOB NOT NULL,
  viewer_hash BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS snapshots (
  board_id TEXT PRIMARY KEY REFERENCES boards(id),
  data BLOB NOT NULL,
  upto_seq INTEGER NOT NULL
) STRICT;
-- AUTOINCREMENT: sequence numbers are never reused, even after compaction deleted the newest rows
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  board_id TEXT NOT NULL REFERENCES boards(id),
  data BLOB NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS updates_by_board ON updates(board_id, seq);
-- saved versions (issue 5): immutable, one full encoded state each
CREATE TABLE IF NOT EXISTS versions (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by_role TEXT NOT NULL,
  created_by_name TEXT NOT NULL,
  board_version TEXT NOT NULL,
  state BLOB NOT NULL,
  votes TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS versions_by_board ON versions(board_id, created_at);
-- comments on the brief (issue 5): append-only; the target is a section id or an idea's card id
CREATE TABLE IF NOT EXISTS comments (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id),
  created_at INTEGER NOT NULL,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  target_title TEXT NOT NULL,
  text TEXT NOT NULL,
  author_name TEXT,
  author_organisation TEXT,
  role TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS comments_by_board ON comments(board_id, created_at);
`;

/**
 * Facilitation (issue 4): trusted session state, kept out of the shared document. Created if
 * missing when the storage opens, like everything above.
 */
const SESSION_SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  board_id TEXT PRIMARY KEY REFERENCES boards(id),
  state TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS participants (
  board_id TEXT NOT NULL REFERENCES boards(id),
  id TEXT NOT NULL,
  secret_hash BLOB NOT NULL,
  name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  sector TEXT NOT NULL,
  role TEXT NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, id)
) STRICT;
CREATE TABLE IF NOT EXISTS vote_rounds (
  board_id TEXT NOT NULL REFERENCES boards(id),
  round INTEGER NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  revealed_at INTEGER,
  PRIMARY KEY (board_id, round)
) STRICT;
-- one row per person, card and round; a dot for a round or a person that does not exist is refused
CREATE TABLE IF NOT EXISTS ballots (
  board_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  participant_id TEXT NOT NULL,
  card_id TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (board_id, round, participant_id, card_id),
  FOREIGN KEY (board_id, round) REFERENCES vote_rounds(board_id, round),
  FOREIGN KEY (board_id, participant_id) REFERENCES participants(board_id, id)
) STRICT;
CREATE TABLE IF NOT EXISTS drafts (
  board_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  draft_id TEXT NOT NULL,
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, participant_id, draft_id),
  FOREIGN KEY (board_id, participant_id) REFERENCES participants(board_id, id)
) STRICT;
`;

type BoardRow = {
  id: string;
  title: string;
  challenge: string;
  sponsor: string;
  template: string;
  created_at: number;
  facilitator_hash: Buffer;
  contributor_hash: Buffer;
  viewer_hash: Buffer;
};

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export class SqliteStorage implements Storage {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly statements;

  /** Opens (creating if needed) `${dataDir}/crossboard.sqlite`. */
  static open(dataDir: string): SqliteStorage {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteStorage(path.join(dataDir, 'crossboard.sqlite'));
  }

  constructor(file: string) {
    this.file = file;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.db.exec(SESSION_SCHEMA);
    const db = this.db;
    this.statements = {
      insertBoard: db.prepare(
        `INSERT INTO boards (id, title, challenge, sponsor, template, created_at, facilitator_hash, contributor_hash, viewer_hash)
         VALUES (@id, @title, @challenge, @sponsor, @template, @createdAt, @facilitator, @contributor, @viewer)`,
      ),
      getBoard: db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?'),
      boardExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM boards WHERE id = ?'),
      getSnapshot: db.prepare<[string], { data: Buffer; upto_seq: number }>(
        'SELECT data, upto_seq FROM snapshots WHERE board_id = ?',
      ),
      upsertSnapshot: db.prepare(
        `INSERT INTO snapshots (board_id, data, upto_seq) VALUES (?, ?, ?)
         ON CONFLICT(board_id) DO UPDATE SET data = excluded.data, upto_seq = excluded.upto_seq`,
      ),
      getUpdates: db.prepare<[string], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM updates WHERE board_id = ? ORDER BY seq',
      ),
      appendUpdate: db.prepare('INSERT INTO updates (board_id, data) VALUES (?, ?)'),
      deleteUpdatesUpTo: db.prepare('DELETE FROM updates WHERE board_id = ? AND seq <= ?'),
    };
  }

  createBoard(board: BoardRecord, snapshot: Uint8Array): void {
    this.db.transaction(() => {
      this.statements.insertBoard.run({
        id: board.id,
        title: board.title,
        challenge: board.challenge,
        sponsor: board.sponsor,
        template: board.template,
        createdAt: board.createdAt,
        facilitator: board.tokenHashes.facilitator,
        contributor: board.tokenHashes.contributor,
        viewer: board.tokenHashes.viewer,
      });
      this.statements.upsertSnapshot.run(board.id, snapshot, 0);
    })();
  }

  getBoard(id: string): BoardRecord | null {
    const row = this.statements.getBoard.get(id);
    if (!row) return null;
    return {
      id: row.id,
      title: row.title,
      challenge: row.challenge,
      sponsor: row.sponsor,
      template: row.template as Template,
      createdAt: row.created_at,
      tokenHashes: {
        facilitator: toBytes(row.facilitator_hash),
        contributor: toBytes(row.contributor_hash),
        viewer: toBytes(row.viewer_hash),
      },
    };
  }

  findRoleByTokenHash(boardId: string, hash: Uint8Array) {
    const board = this.getBoard(boardId);
    return board ? roleForHash(board.tokenHashes, hash) : null;
  }

  loadDocument(id: string): StoredDocument {
    // one read transaction, so a concurrent compaction cannot be seen half-done
    return this.db.transaction((): StoredDocument => {
      const snapshot = this.statements.getSnapshot.get(id);
      const rows = this.statements.getUpdates.all(id);
      const last = rows.at(-1);
      return {
        snapshot: snapshot ? toBytes(snapshot.data) : null,
        updates: rows.map((r) => toBytes(r.data)),
        lastSeq: Math.max(snapshot?.upto_seq ?? 0, last?.seq ?? 0),
      };
    })();
  }

  appendUpdate(id: string, update: Uint8Array): number {
    try {
      return Number(this.statements.appendUpdate.run(id, update).lastInsertRowid);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new UnknownBoardError(id);
      throw error;
    }
  }

  compact(id: string, snapshot: Uint8Array, uptoSeq: number): void {
    this.db.transaction(() => {
      if (!this.statements.boardExists.get(id)) throw new UnknownBoardError(id);
      const current = this.statements.getSnapshot.get(id);
      if (current && uptoSeq < current.upto_seq) return;
      this.statements.upsertSnapshot.run(id, snapshot, uptoSeq);
      this.statements.deleteUpdatesUpTo.run(id, uptoSeq);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // --- saved versions ---------------------------------------------------------------------------

  private versionStatementCache?: ReturnType<SqliteStorage['prepareVersionStatements']>;

  private prepareVersionStatements() {
    const db = this.db;
    return {
      insert: db.prepare(
        `INSERT INTO versions (id, board_id, name, created_at, created_by_role, created_by_name, board_version, state, votes)
         VALUES (@id, @boardId, @name, @createdAt, @role, @byName, @boardVersion, @state, @votes)`,
      ),
      list: db.prepare<[string], Omit<VersionRow, 'state' | 'votes'>>(
        `SELECT id, board_id, name, created_at, created_by_role, created_by_name, board_version
         FROM versions WHERE board_id = ? ORDER BY created_at, rowid`,
      ),
      get: db.prepare<[string, string], VersionRow>('SELECT * FROM versions WHERE board_id = ? AND id = ?'),
    };
  }

  private get versionStatements() {
    return (this.versionStatementCache ??= this.prepareVersionStatements());
  }

  saveVersion(version: StoredVersion): void {
    try {
      this.versionStatements.insert.run({
        id: version.id,
        boardId: version.boardId,
        name: version.name,
        createdAt: version.createdAt,
        role: version.createdBy.role,
        byName: version.createdBy.name,
        boardVersion: version.boardVersion,
        state: version.state,
        votes: version.votes,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new UnknownBoardError(version.boardId);
      throw error;
    }
  }

  listVersions(boardId: string): VersionRecord[] {
    return this.versionStatements.list.all(boardId).map(versionRecord);
  }

  getVersion(boardId: string, versionId: string): StoredVersion | null {
    const row = this.versionStatements.get.get(boardId, versionId);
    return row ? { ...versionRecord(row), state: toBytes(row.state), votes: row.votes } : null;
  }

  // --- comments on the brief -------------------------------------------------------------------

  private commentStatementCache?: ReturnType<SqliteStorage['prepareCommentStatements']>;

  private prepareCommentStatements() {
    const db = this.db;
    return {
      insert: db.prepare(
        `INSERT INTO comments (id, board_id, created_at, target_kind, target_id, target_title, text, author_name, author_organisation, role)
         VALUES (@id, @boardId, @createdAt, @targetKind, @targetId, @targetTitle, @text, @authorName, @authorOrganisation, @role)`,
      ),
      list: db.prepare<[string], CommentRow>('SELECT * FROM comments WHERE board_id = ? ORDER BY created_at, rowid'),
    };
  }

  private get commentStatements() {
    return (this.commentStatementCache ??= this.prepareCommentStatements());
  }

  addComment(comment: StoredComment): void {
    const target = comment.target;
    try {
      this.commentStatements.insert.run({
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
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new UnknownBoardError(comment.boardId);
      throw error;
    }
  }

  listComments(boardId: string): StoredComment[] {
    return this.commentStatements.list.all(boardId).map(commentRecord);
  }

  // --- facilitation: session, participants, votes, drafts, links ------------------------------------

  private sessionStatementCache?: ReturnType<SqliteStorage['prepareSessionStatements']>;

  private prepareSessionStatements() {
    const db = this.db;
    return {
      getState: db.prepare<[string], { state: string }>('SELECT state FROM sessions WHERE board_id = ?'),
      putState: db.prepare(
        `INSERT INTO sessions (board_id, state) VALUES (?, ?)
         ON CONFLICT(board_id) DO UPDATE SET state = excluded.state`,
      ),
      participants: db.prepare<[string], ParticipantRow>('SELECT * FROM participants WHERE board_id = ? ORDER BY joined_at, id'),
      putParticipant: db.prepare(
        `INSERT INTO participants (board_id, id, secret_hash, name, organisation, sector, role, removed, joined_at)
         VALUES (@boardId, @id, @secretHash, @name, @organisation, @sector, @role, @removed, @joinedAt)
         ON CONFLICT(board_id, id) DO UPDATE SET secret_hash = excluded.secret_hash, name = excluded.name,
           organisation = excluded.organisation, sector = excluded.sector, role = excluded.role,
           removed = excluded.removed, joined_at = excluded.joined_at`,
      ),
      rounds: db.prepare<[string], RoundRow>('SELECT * FROM vote_rounds WHERE board_id = ? ORDER BY round'),
      putRound: db.prepare(
        `INSERT INTO vote_rounds (board_id, round, config, status, opened_at, closed_at, revealed_at)
         VALUES (@boardId, @round, @config, @status, @openedAt, @closedAt, @revealedAt)
         ON CONFLICT(board_id, round) DO UPDATE SET config = excluded.config, status = excluded.status,
           opened_at = excluded.opened_at, closed_at = excluded.closed_at, revealed_at = excluded.revealed_at`,
      ),
      ballots: db.prepare<[string], BallotRow>('SELECT * FROM ballots WHERE board_id = ? ORDER BY round, participant_id, card_id'),
      putBallot: db.prepare(
        `INSERT INTO ballots (board_id, round, participant_id, card_id, count) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(board_id, round, participant_id, card_id) DO UPDATE SET count = excluded.count`,
      ),
      deleteBallot: db.prepare('DELETE FROM ballots WHERE board_id = ? AND round = ? AND participant_id = ? AND card_id = ?'),
      deleteBallots: db.prepare('DELETE FROM ballots WHERE board_id = ? AND round = ? AND participant_id = ?'),
      roundExists: db.prepare<[string, number], { one: number }>('SELECT 1 AS one FROM vote_rounds WHERE board_id = ? AND round = ?'),
      participantExists: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM participants WHERE board_id = ? AND id = ?'),
      drafts: db.prepare<[string], DraftRow>('SELECT * FROM drafts WHERE board_id = ? ORDER BY updated_at, rowid'),
      putDraft: db.prepare(
        `INSERT INTO drafts (board_id, participant_id, draft_id, data, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(board_id, participant_id, draft_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      ),
      deleteDraft: db.prepare('DELETE FROM drafts WHERE board_id = ? AND participant_id = ? AND draft_id = ?'),
      deleteBoardDrafts: db.prepare('DELETE FROM drafts WHERE board_id = ?'),
      deleteParticipantDrafts: db.prepare('DELETE FROM drafts WHERE board_id = ? AND participant_id = ?'),
      setTokenHash: {
        facilitator: db.prepare<[Uint8Array, string]>('UPDATE boards SET facilitator_hash = ? WHERE id = ?'),
        contributor: db.prepare<[Uint8Array, string]>('UPDATE boards SET contributor_hash = ? WHERE id = ?'),
        viewer: db.prepare<[Uint8Array, string]>('UPDATE boards SET viewer_hash = ? WHERE id = ?'),
      } as Record<Role, Database.Statement<[Uint8Array, string]>>,
    };
  }

  private get sessionStatements() {
    return (this.sessionStatementCache ??= this.prepareSessionStatements());
  }

  /** Runs a write, turning a foreign-key failure on the board into `UnknownBoardError`. */
  private onBoard<T>(boardId: string, write: () => T): T {
    if (!this.statements.boardExists.get(boardId)) throw new UnknownBoardError(boardId);
    return write();
  }

  loadSession(boardId: string): StoredSession {
    const st = this.sessionStatements;
    return this.db.transaction((): StoredSession => ({
      state: st.getState.get(boardId)?.state ?? null,
      participants: st.participants.all(boardId).map((row) => ({
        boardId: row.board_id,
        id: row.id,
        secretHash: toBytes(row.secret_hash),
        name: row.name,
        organisation: row.organisation,
        sector: row.sector as Sector,
        role: row.role as Role,
        removed: row.removed === 1,
        joinedAt: row.joined_at,
      })),
      rounds: st.rounds.all(boardId).map((row) => ({
        boardId: row.board_id,
        round: row.round,
        config: JSON.parse(row.config) as VoteConfig,
        status: row.status as VoteRoundStatus,
        openedAt: row.opened_at,
        closedAt: row.closed_at,
        revealedAt: row.revealed_at,
      })),
      ballots: st.ballots.all(boardId).map((row) => ({
        boardId: row.board_id,
        round: row.round,
        participantId: row.participant_id,
        cardId: row.card_id,
        count: row.count,
      })),
      drafts: st.drafts.all(boardId).map((row) => ({
        boardId: row.board_id,
        participantId: row.participant_id,
        draftId: row.draft_id,
        data: row.data,
        updatedAt: row.updated_at,
      })),
    }))();
  }

  saveSession(boardId: string, stateJson: string, round?: VoteRoundRecord): void {
    const st = this.sessionStatements;
    this.db.transaction(() =>
      this.onBoard(boardId, () => {
        if (round && round.boardId !== boardId) throw new Error('round of another board');
        st.putState.run(boardId, stateJson);
        if (round) {
          st.putRound.run({
            boardId,
            round: round.round,
            config: JSON.stringify(round.config),
            status: round.status,
            openedAt: round.openedAt,
            closedAt: round.closedAt,
            revealedAt: round.revealedAt,
          });
        }
      }),
    )();
  }

  putParticipant(p: ParticipantRecord): void {
    this.onBoard(p.boardId, () =>
      this.sessionStatements.putParticipant.run({
        boardId: p.boardId,
        id: p.id,
        secretHash: p.secretHash,
        name: p.name,
        organisation: p.organisation,
        sector: p.sector,
        role: p.role,
        removed: p.removed ? 1 : 0,
        joinedAt: p.joinedAt,
      }),
    );
  }

  setBallot(b: BallotRecord): void {
    const st = this.sessionStatements;
    this.onBoard(b.boardId, () => {
      if (!Number.isInteger(b.count) || b.count < 0) throw new TypeError('count must be a whole number');
      if (!st.roundExists.get(b.boardId, b.round)) throw new Error(`no vote round ${b.round}`);
      if (!st.participantExists.get(b.boardId, b.participantId)) throw new Error(`no participant ${b.participantId}`);
      if (b.count === 0) st.deleteBallot.run(b.boardId, b.round, b.participantId, b.cardId);
      else st.putBallot.run(b.boardId, b.round, b.participantId, b.cardId, b.count);
    });
  }

  deleteBallots(boardId: string, round: number, participantId: string): void {
    this.sessionStatements.deleteBallots.run(boardId, round, participantId);
  }

  putDraft(d: DraftRecord): void {
    const st = this.sessionStatements;
    this.onBoard(d.boardId, () => {
      if (!st.participantExists.get(d.boardId, d.participantId)) throw new Error(`no participant ${d.participantId}`);
      st.putDraft.run(d.boardId, d.participantId, d.draftId, d.data, d.updatedAt);
    });
  }

  deleteDraft(boardId: string, participantId: string, draftId: string): boolean {
    return this.sessionStatements.deleteDraft.run(boardId, participantId, draftId).changes > 0;
  }

  deleteDrafts(boardId: string, participantId?: string): void {
    const st = this.sessionStatements;
    if (participantId === undefined) st.deleteBoardDrafts.run(boardId);
    else st.deleteParticipantDrafts.run(boardId, participantId);
  }

  setTokenHash(boardId: string, role: Role, hash: Uint8Array): void {
    const statement = this.sessionStatements.setTokenHash[role];
    if (!statement) throw new TypeError(`unknown role ${String(role)}`);
    if (statement.run(hash, boardId).changes === 0) throw new UnknownBoardError(boardId);
  }
}

type VersionRow = {
  id: string;
  board_id: string;
  name: string;
  created_at: number;
  created_by_role: string;
  created_by_name: string;
  board_version: string;
  state: Buffer;
  votes: string;
};

function versionRecord(row: Omit<VersionRow, 'state' | 'votes'>): VersionRecord {
  return {
    id: row.id,
    boardId: row.board_id,
    name: row.name,
    createdAt: row.created_at,
    createdBy: { role: row.created_by_role as Role, name: row.created_by_name },
    boardVersion: row.board_version,
  };
}

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

type ParticipantRow = {
  board_id: string;
  id: string;
  secret_hash: Buffer;
  name: string;
  organisation: string;
  sector: string;
  role: string;
  removed: number;
  joined_at: number;
};

type RoundRow = {
  board_id: string;
  round: number;
  config: string;
  status: string;
  opened_at: number;
  closed_at: number | null;
  revealed_at: number | null;
};

type BallotRow = { board_id: string; round: number; participant_id: string; card_id: string; count: number };

type DraftRow = { board_id: string; participant_id: string; draft_id: string; data: string; updated_at: number };
