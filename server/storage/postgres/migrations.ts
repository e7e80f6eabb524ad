/**
 * The PostgreSQL schema, as numbered migrations. The table schema_migrations holds one row per
 * migration applied. Opening a storage takes a session advisory lock first, so that several
 * processes starting at the same moment on an empty database apply each migration once: the first
 * migrates, the others wait for the lock and then find nothing left to do. Each migration runs in
 * its own transaction together with its row, so a database is always at exactly one version.
 *
 * A migration, once released, is never edited: a change to the schema is a new migration.
 *
 * Types: bytes are BYTEA, times are BIGINT ms since the epoch (as the storage interface has them),
 * except a lease's expiry, a TIMESTAMPTZ compared with the database's own clock.
 */
import type pg from 'pg';

type Migration = {
  version: number;
  /** what the migration does, for someone reading the schema's history */
  does: string;
  sql: string;
};

/**
 * Version 1: the layout of the SQLite storage at its version 2, plus leases.
 *
 * updates.seq is an identity column: values are never reused, even after compaction deleted the
 * newest rows. Per board they also commit in increasing order, because every append locks the
 * board's snapshot row first (documents.ts), so two concurrent appends to one board take their
 * numbers one after the other.
 *
 * drafts, versions and comments have an `ord` identity column: the order rows were first added,
 * which breaks ties between equal times (SQLite's rowid).
 */
const V1_SCHEMA = `
CREATE TABLE boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  challenge TEXT NOT NULL,
  sponsor TEXT NOT NULL,
  template TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  facilitator_hash BYTEA NOT NULL,
  contributor_hash BYTEA NOT NULL,
  viewer_hash BYTEA NOT NULL
);
CREATE TABLE snapshots (
  board_id TEXT PRIMARY KEY REFERENCES boards(id),
  data BYTEA NOT NULL,
  upto_seq BIGINT NOT NULL
);
CREATE TABLE updates (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id),
  data BYTEA NOT NULL
);
CREATE INDEX updates_by_board ON updates(board_id, seq);
CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  ord BIGINT GENERATED ALWAYS AS IDENTITY,
  board_id TEXT NOT NULL REFERENCES boards(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by_role TEXT NOT NULL,
  created_by_name TEXT NOT NULL,
  board_version TEXT NOT NULL,
  state BYTEA NOT NULL,
  votes TEXT NOT NULL
);
CREATE INDEX versions_by_board ON versions(board_id, created_at, ord);
CREATE TABLE comments (
  id TEXT PRIMARY KEY,
  ord BIGINT GENERATED ALWAYS AS IDENTITY,
  board_id TEXT NOT NULL REFERENCES boards(id),
  created_at BIGINT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  target_title TEXT NOT NULL,
  text TEXT NOT NULL,
  author_name TEXT,
  author_organisation TEXT,
  role TEXT NOT NULL
);
CREATE INDEX comments_by_board ON comments(board_id, created_at, ord);
CREATE TABLE participants (
  board_id TEXT NOT NULL REFERENCES boards(id),
  id TEXT NOT NULL,
  secret_hash BYTEA NOT NULL,
  name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  sector TEXT NOT NULL,
  role TEXT NOT NULL,
  removed BOOLEAN NOT NULL DEFAULT false,
  co_facilitator BOOLEAN NOT NULL DEFAULT false,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (board_id, id)
);
CREATE TABLE vote_rounds (
  board_id TEXT NOT NULL REFERENCES boards(id),
  round INTEGER NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  closed_at BIGINT,
  revealed_at BIGINT,
  PRIMARY KEY (board_id, round)
);
CREATE TABLE facilitation_state (
  board_id TEXT PRIMARY KEY REFERENCES boards(id),
  revision INTEGER NOT NULL CHECK (revision > 0),
  phase_index INTEGER NOT NULL,
  phase_round INTEGER NOT NULL,
  phase_started_at BIGINT,
  locked BOOLEAN NOT NULL,
  locked_at BIGINT,
  private_mode BOOLEAN NOT NULL,
  timer_status TEXT NOT NULL,
  timer_duration_ms BIGINT NOT NULL,
  timer_ends_at BIGINT,
  timer_remaining_ms BIGINT,
  vote_round INTEGER,
  votes_opened INTEGER NOT NULL,
  FOREIGN KEY (board_id, vote_round) REFERENCES vote_rounds(board_id, round)
);
CREATE TABLE ballots (
  board_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  participant_id TEXT NOT NULL,
  card_id TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (board_id, round, participant_id, card_id),
  FOREIGN KEY (board_id, round) REFERENCES vote_rounds(board_id, round),
  FOREIGN KEY (board_id, participant_id) REFERENCES participants(board_id, id)
);
CREATE TABLE drafts (
  board_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  draft_id TEXT NOT NULL,
  ord BIGINT GENERATED ALWAYS AS IDENTITY,
  data TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (board_id, participant_id, draft_id),
  FOREIGN KEY (board_id, participant_id) REFERENCES participants(board_id, id)
);
-- board ownership between processes (leases.ts); the epoch only ever grows
CREATE TABLE leases (
  board_id TEXT PRIMARY KEY REFERENCES boards(id),
  holder TEXT NOT NULL,
  epoch BIGINT NOT NULL CHECK (epoch > 0),
  expires_at TIMESTAMPTZ NOT NULL
);
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    does: 'boards, documents, versions, comments, facilitation (state per record with a revision) and board leases',
    sql: V1_SCHEMA,
  },
];

/** The version a database opened now ends at. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** The advisory lock migrations run under: a fixed key every Crossboard process computes alike. */
const MIGRATION_LOCK = "hashtext('crossboard schema migrations')";

/**
 * Applies every migration newer than the database, in order, holding the migration lock on one
 * connection throughout. Refuses a database newer than this code.
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY,
           does TEXT NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ current: number | null }>('SELECT max(version) AS current FROM schema_migrations');
      const current = rows[0]?.current ?? 0;
      if (current > SCHEMA_VERSION) {
        throw new Error(`the database is at schema version ${current}, newer than this server knows (${SCHEMA_VERSION})`);
      }
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, does) VALUES ($1, $2)', [migration.version, migration.does]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    client.release();
  }
}
