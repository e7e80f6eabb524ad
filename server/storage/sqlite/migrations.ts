/**
 * The SQLite schema, as numbered migrations. `PRAGMA user_version` holds the number of the last
 * migration applied; opening a database applies every later one, each in its own transaction
 * together with the new version number, so a database is always at exactly one version.
 *
 * A migration, once released, is never edited: a change to the schema is a new migration.
 */
import type Database from 'better-sqlite3';
import { parseSessionState } from '../../../shared/facilitation/index.ts';
import type { Template } from '../../../shared/schema.ts';

type Migration = {
  version: number;
  /** what the migration does, for someone reading the schema's history */
  does: string;
  up(db: Database.Database): void;
};

/**
 * Version 1: the schema as it was before migrations were numbered. Its statements create only what
 * is missing, so a database made then (which has every table and user_version 0) is adopted as
 * version 1 unchanged.
 */
const V1_SCHEMA = `
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
-- saved versions: immutable, one full encoded state each
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
-- comments on the brief: append-only; the target is a section id or an idea's card id
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
-- facilitation: trusted session state, kept out of the shared document
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

/**
 * Version 2: the session state as a record with real columns instead of one JSON value written
 * whole. The current vote points at its row in vote_rounds; co-facilitators are a flag on their
 * participant, as removal already was. `revision` counts saves, so that a save based on an older
 * revision is refused instead of overwriting what it did not see.
 */
const V2_SCHEMA = `
CREATE TABLE facilitation_state (
  board_id TEXT PRIMARY KEY REFERENCES boards(id),
  revision INTEGER NOT NULL CHECK (revision > 0),
  phase_index INTEGER NOT NULL,
  phase_round INTEGER NOT NULL,
  phase_started_at INTEGER,
  locked INTEGER NOT NULL,
  locked_at INTEGER,
  private_mode INTEGER NOT NULL,
  timer_status TEXT NOT NULL,
  timer_duration_ms INTEGER NOT NULL,
  timer_ends_at INTEGER,
  timer_remaining_ms INTEGER,
  vote_round INTEGER,
  votes_opened INTEGER NOT NULL,
  FOREIGN KEY (board_id, vote_round) REFERENCES vote_rounds(board_id, round)
) STRICT;
ALTER TABLE participants ADD COLUMN co_facilitator INTEGER NOT NULL DEFAULT 0;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    does: 'boards, documents, versions, comments and facilitation (session state as one JSON value)',
    up: (db) => db.exec(V1_SCHEMA),
  },
  {
    version: 2,
    does: 'session state per record: facilitation_state with a revision, co-facilitator flag on participants',
    up(db) {
      db.exec(V2_SCHEMA);
      moveSessionStates(db);
      db.exec('DROP TABLE sessions');
    },
  },
];

/**
 * Moves each board's session state from its JSON value into the version 2 records. The JSON is
 * read exactly as the server read it at version 1 (`parseSessionState` with the board's template),
 * so the state a board loads with is the same before and after. Ids among the co-facilitators or
 * the removed that are no participant of the board are dropped: nobody can hold a standing without
 * a participant record.
 */
function moveSessionStates(db: Database.Database): void {
  const rows = db
    .prepare<[], { board_id: string; state: string; template: string }>(
      'SELECT s.board_id, s.state, b.template FROM sessions s JOIN boards b ON b.id = s.board_id',
    )
    .all();
  const keepRound = db.prepare(
    `INSERT OR IGNORE INTO vote_rounds (board_id, round, config, status, opened_at, closed_at, revealed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertState = db.prepare(
    `INSERT INTO facilitation_state (board_id, revision, phase_index, phase_round, phase_started_at, locked, locked_at,
       private_mode, timer_status, timer_duration_ms, timer_ends_at, timer_remaining_ms, vote_round, votes_opened)
     VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const flagCoFacilitator = db.prepare('UPDATE participants SET co_facilitator = 1 WHERE board_id = ? AND id = ?');
  const flagRemoved = db.prepare('UPDATE participants SET removed = 1 WHERE board_id = ? AND id = ?');
  for (const row of rows) {
    const state = parseSessionState(row.state, row.template as Template);
    const vote = state.vote;
    if (vote) {
      keepRound.run(row.board_id, vote.round, JSON.stringify(vote.config), vote.status, vote.openedAt, vote.closedAt, vote.revealedAt);
    }
    insertState.run(
      row.board_id,
      state.phaseIndex,
      state.round,
      state.phaseStartedAt ?? null,
      state.locked ? 1 : 0,
      state.lockedAt ?? null,
      state.privateMode ? 1 : 0,
      state.timer.status,
      state.timer.durationMs,
      state.timer.endsAt,
      state.timer.remainingMs,
      vote?.round ?? null,
      state.votesOpened,
    );
    for (const id of state.coFacilitators) flagCoFacilitator.run(row.board_id, id);
    for (const id of state.removed) flagRemoved.run(row.board_id, id);
  }
}

/** The version a database opened now ends at. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Applies every migration newer than the database, in order. Refuses a database newer than this code. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`the database is at schema version ${current}, newer than this server knows (${SCHEMA_VERSION})`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
