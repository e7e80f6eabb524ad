/**
 * Migrations: a database made by the schema as it was before migrations were numbered (version 1,
 * user_version 0) opens with the current code and reads back without loss, and the numbering
 * holds (a fresh database starts at the last version, a newer one is refused).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hashToken } from '../../auth/tokens.ts';
import { parseSessionState } from '../../../shared/facilitation/index.ts';
import { DEFAULT_VOTE_CONFIG } from '../../../shared/votes.ts';
import { SqliteStorage } from '../sqlite.ts';
import { StaleSessionError } from '../errors.ts';
import { textUpdate } from '../fixtures.ts';
import type {
  BallotRecord,
  BoardRecord,
  DraftRecord,
  ParticipantRecord,
  StoredComment,
  StoredVersion,
  VoteRoundRecord,
} from '../storage.ts';
import { SCHEMA_VERSION } from './migrations.ts';

/** The schema exactly as the storage created it before migrations were numbered. */
const VERSION_1_DDL = `
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

const dirs: string[] = [];
const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-migrate-'));
  dirs.push(dir);
  return path.join(dir, 'crossboard.sqlite');
}

function openStorage(file: string): SqliteStorage {
  const storage = new SqliteStorage(file);
  open.push(storage);
  return storage;
}

function userVersion(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

const BOARD: BoardRecord = {
  id: 'board-one',
  title: 'Safer “streets”',
  challenge: 'How might we cut violent crime?',
  sponsor: 'Police and crime commissioner',
  template: 'design-sprint',
  createdAt: 1_700_000_000_000,
  tokenHashes: { facilitator: hashToken('f'), contributor: hashToken('c'), viewer: hashToken('v') },
};
const QUIET_BOARD: BoardRecord = {
  ...BOARD,
  id: 'board-two',
  title: 'Quiet',
  template: 'open',
  tokenHashes: { facilitator: hashToken('F'), contributor: hashToken('C'), viewer: hashToken('V') },
};

const ON_BOARD = { boardId: BOARD.id };

const PEOPLE: ParticipantRecord[] = [
  {
    ...ON_BOARD,
    id: 'p-amira',
    secretHash: hashToken('s1'),
    name: 'Amira Khan',
    organisation: 'City council',
    sector: 'public sector',
    role: 'contributor',
    removed: false,
    joinedAt: 1_700_000_000_100,
  },
  {
    ...ON_BOARD,
    id: 'p-ben',
    secretHash: hashToken('s2'),
    name: 'Ben',
    organisation: 'Acme',
    sector: 'private sector',
    role: 'contributor',
    removed: true,
    joinedAt: 1_700_000_000_200,
  },
  {
    ...ON_BOARD,
    id: 'p-cleo',
    secretHash: hashToken('s3'),
    name: 'Cleo',
    organisation: 'Shelter',
    sector: 'voluntary and community',
    role: 'viewer',
    removed: false,
    joinedAt: 1_700_000_000_300,
  },
];

const ROUNDS: VoteRoundRecord[] = [
  {
    ...ON_BOARD,
    round: 1,
    config: { ...DEFAULT_VOTE_CONFIG, anonymous: true },
    status: 'revealed',
    openedAt: 1_700_000_001_000,
    closedAt: 1_700_000_002_000,
    revealedAt: 1_700_000_003_000,
  },
  {
    ...ON_BOARD,
    round: 2,
    config: { ...DEFAULT_VOTE_CONFIG, lane: 'problems', votesPerPerson: 5 },
    status: 'open',
    openedAt: 1_700_000_004_000,
    closedAt: null,
    revealedAt: null,
  },
];

const BALLOTS: BallotRecord[] = [
  { ...ON_BOARD, round: 1, participantId: 'p-amira', cardId: 'idea-1', count: 2 },
  { ...ON_BOARD, round: 1, participantId: 'p-cleo', cardId: 'idea-2', count: 1 },
  { ...ON_BOARD, round: 2, participantId: 'p-cleo', cardId: 'problem-1', count: 3 },
];

const DRAFTS: DraftRecord[] = [
  { ...ON_BOARD, participantId: 'p-cleo', draftId: 'd1', data: '{"kind":"idea","title":"Lights"}', updatedAt: 1_700_000_005_000 },
  { ...ON_BOARD, participantId: 'p-amira', draftId: 'd2', data: '{"kind":"problem","title":"Alleys"}', updatedAt: 1_700_000_006_000 },
];

/** The session state JSON as the server wrote it whole: a vote open, the timer running. */
const STATE_JSON = JSON.stringify({
  phaseIndex: 2,
  round: 2,
  locked: false,
  privateMode: true,
  timer: { status: 'running', durationMs: 300_000, endsAt: 1_700_000_304_000, remainingMs: null },
  vote: { round: 2, config: ROUNDS[1]!.config, status: 'open', openedAt: 1_700_000_004_000, closedAt: null, revealedAt: null },
  votesOpened: 2,
  coFacilitators: ['p-amira'],
  removed: ['p-ben'],
  lockedAt: null,
  phaseStartedAt: 1_700_000_000_900,
});

const VERSION: StoredVersion = {
  id: 'v-1',
  boardId: BOARD.id,
  name: 'End of day 1',
  createdAt: 1_700_000_007_000,
  createdBy: { role: 'facilitator', name: 'Siân' },
  boardVersion: 'ab'.repeat(32),
  state: new Uint8Array([1, 2, 3, 4]),
  votes: '[{"round":1}]',
};

const COMMENTS: StoredComment[] = [
  {
    ...ON_BOARD,
    id: 'c-1',
    createdAt: 1_700_000_008_000,
    target: { kind: 'section', id: 'summary' },
    targetTitle: 'Summary',
    text: 'Line one\n\nLine two 👍🏽',
    author: { name: 'Tom', organisation: 'Leeds City Council' },
    role: 'viewer',
  },
  {
    ...ON_BOARD,
    id: 'c-2',
    createdAt: 1_700_000_008_000,
    target: { kind: 'idea', cardId: 'idea-1' },
    targetTitle: 'Street lights',
    text: 'Yes',
    author: null,
    role: 'contributor',
  },
];

/**
 * A version 1 database, filled through the statements the storage used then: two boards, a
 * compacted document with updates after the snapshot, a version, comments and a session with a
 * vote open.
 */
function makeVersion1(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(VERSION_1_DDL);
  const doc = new Y.Doc();
  const updates = ['a', 'b', 'c'].map((s) => textUpdate(doc, s));
  const insertBoard = db.prepare(
    `INSERT INTO boards (id, title, challenge, sponsor, template, created_at, facilitator_hash, contributor_hash, viewer_hash)
     VALUES (@id, @title, @challenge, @sponsor, @template, @createdAt, @facilitator, @contributor, @viewer)`,
  );
  const putSnapshot = db.prepare(
    `INSERT INTO snapshots (board_id, data, upto_seq) VALUES (?, ?, ?)
     ON CONFLICT(board_id) DO UPDATE SET data = excluded.data, upto_seq = excluded.upto_seq`,
  );
  for (const board of [BOARD, QUIET_BOARD]) {
    insertBoard.run({ ...board, ...board.tokenHashes });
    putSnapshot.run(board.id, new Uint8Array([0, 0]), 0);
  }
  const append = db.prepare('INSERT INTO updates (board_id, data) VALUES (?, ?)');
  const seqs = updates.map((u) => Number(append.run(BOARD.id, u).lastInsertRowid));
  // compacted up to the first update: the snapshot covers "a", the log holds "b" and "c"
  const first = new Y.Doc();
  Y.applyUpdate(first, updates[0]!);
  putSnapshot.run(BOARD.id, Y.encodeStateAsUpdate(first), seqs[0]);
  db.prepare('DELETE FROM updates WHERE board_id = ? AND seq <= ?').run(BOARD.id, seqs[0]);
  db.prepare(
    `INSERT INTO versions (id, board_id, name, created_at, created_by_role, created_by_name, board_version, state, votes)
     VALUES (@id, @boardId, @name, @createdAt, @role, @byName, @boardVersion, @state, @votes)`,
  ).run({ ...VERSION, role: VERSION.createdBy.role, byName: VERSION.createdBy.name });
  for (const c of COMMENTS) {
    db.prepare(
      `INSERT INTO comments (id, board_id, created_at, target_kind, target_id, target_title, text, author_name, author_organisation, role)
       VALUES (@id, @boardId, @createdAt, @targetKind, @targetId, @targetTitle, @text, @authorName, @authorOrganisation, @role)`,
    ).run({
      id: c.id,
      boardId: c.boardId,
      createdAt: c.createdAt,
      targetKind: c.target.kind,
      targetId: c.target.kind === 'section' ? c.target.id : c.target.cardId,
      targetTitle: c.targetTitle,
      text: c.text,
      authorName: c.author?.name ?? null,
      authorOrganisation: c.author?.organisation ?? null,
      role: c.role,
    });
  }
  db.prepare('INSERT INTO sessions (board_id, state) VALUES (?, ?)').run(BOARD.id, STATE_JSON);
  for (const p of PEOPLE) {
    db.prepare(
      `INSERT INTO participants (board_id, id, secret_hash, name, organisation, sector, role, removed, joined_at)
       VALUES (@boardId, @id, @secretHash, @name, @organisation, @sector, @role, @removed, @joinedAt)`,
    ).run({ ...p, removed: p.removed ? 1 : 0 });
  }
  for (const r of ROUNDS) {
    db.prepare(
      `INSERT INTO vote_rounds (board_id, round, config, status, opened_at, closed_at, revealed_at)
       VALUES (@boardId, @round, @config, @status, @openedAt, @closedAt, @revealedAt)`,
    ).run({ ...r, config: JSON.stringify(r.config) });
  }
  for (const b of BALLOTS) {
    db.prepare('INSERT INTO ballots (board_id, round, participant_id, card_id, count) VALUES (?, ?, ?, ?, ?)').run(
      b.boardId, b.round, b.participantId, b.cardId, b.count,
    );
  }
  for (const d of DRAFTS) {
    db.prepare('INSERT INTO drafts (board_id, participant_id, draft_id, data, updated_at) VALUES (?, ?, ?, ?, ?)').run(
      d.boardId, d.participantId, d.draftId, d.data, d.updatedAt,
    );
  }
  expect(db.pragma('user_version', { simple: true })).toBe(0);
  db.close();
  return { snapshot: Y.encodeStateAsUpdate(first), laterUpdates: updates.slice(1), lastSeq: seqs.at(-1)!, fullText: 'abc' };
}

describe('sqlite migrations', () => {
  it('version 1 to now: every board, document, version, comment and session value reads back the same', async () => {
    const file = tempFile();
    const made = makeVersion1(file);
    const storage = openStorage(file);
    expect(userVersion(file)).toBe(SCHEMA_VERSION);

    expect(storage.boards.getBoard(BOARD.id)).toEqual(BOARD);
    expect(storage.boards.getBoard(QUIET_BOARD.id)).toEqual(QUIET_BOARD);
    expect(storage.boards.findRoleByTokenHash(BOARD.id, hashToken('c'))).toBe('contributor');

    const stored = storage.documents.loadDocument(BOARD.id);
    expect(Array.from(stored.snapshot!)).toEqual(Array.from(made.snapshot));
    expect(stored.updates.map((u) => Array.from(u))).toEqual(made.laterUpdates.map((u) => Array.from(u)));
    expect(stored.lastSeq).toBe(made.lastSeq);
    const rebuilt = new Y.Doc();
    Y.applyUpdate(rebuilt, stored.snapshot!);
    for (const u of stored.updates) Y.applyUpdate(rebuilt, u);
    expect(rebuilt.getText('t').toString()).toBe(made.fullText);
    expect(storage.documents.appendUpdate(BOARD.id, new Uint8Array([0, 0]))).toBeGreaterThan(made.lastSeq);

    expect(storage.versions.getVersion(BOARD.id, VERSION.id)).toEqual(VERSION);
    expect(storage.versions.listVersions(BOARD.id).map((v) => v.id)).toEqual([VERSION.id]);
    expect(storage.comments.listComments(BOARD.id)).toEqual(COMMENTS);

    const session = storage.sessions.loadSession(BOARD.id);
    // the state the server read from the JSON at version 1 is the state it reads now
    const before = parseSessionState(STATE_JSON, BOARD.template);
    expect(session.state).toEqual(before);
    expect(session.state).toMatchObject({
      phaseIndex: 2,
      round: 2,
      locked: false,
      privateMode: true,
      timer: { status: 'running', durationMs: 300_000, endsAt: 1_700_000_304_000, remainingMs: null },
      vote: { round: 2, status: 'open', openedAt: 1_700_000_004_000, closedAt: null, revealedAt: null, config: ROUNDS[1]!.config },
      votesOpened: 2,
      coFacilitators: ['p-amira'],
      removed: ['p-ben'],
      lockedAt: null,
      phaseStartedAt: 1_700_000_000_900,
    });
    expect(session.revision).toBe(1);
    expect(session.participants).toEqual(PEOPLE);
    expect(session.rounds).toEqual(ROUNDS);
    expect(session.ballots).toEqual(BALLOTS);
    expect(session.drafts).toEqual(DRAFTS);
    expect(storage.sessions.loadSession(QUIET_BOARD.id)).toEqual({
      state: null,
      revision: 0,
      participants: [],
      rounds: [],
      ballots: [],
      drafts: [],
    });

    // the migrated state is guarded by its revision like any other
    expect(storage.sessions.saveSession(BOARD.id, { ...before, locked: true, lockedAt: 5 }, 1)).toBe(2);
    expect(() => storage.sessions.saveSession(BOARD.id, before, 1)).toThrow(StaleSessionError);
  });

  it('reopening a migrated database migrates nothing again and keeps every value', () => {
    const file = tempFile();
    makeVersion1(file);
    const first = openStorage(file);
    const session = first.sessions.loadSession(BOARD.id);
    const document = first.documents.loadDocument(BOARD.id);
    first.close();
    const again = openStorage(file);
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
    expect(again.sessions.loadSession(BOARD.id)).toEqual(session);
    expect(again.documents.loadDocument(BOARD.id)).toEqual(document);
  });

  it('the JSON session table is gone: the state lives only in its records', () => {
    const file = tempFile();
    makeVersion1(file);
    openStorage(file).close();
    const db = new Database(file, { readonly: true });
    open.push(db);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name);
    expect(tables).not.toContain('sessions');
    expect(tables).toContain('facilitation_state');
  });

  it('a new database starts at the last version', () => {
    const file = tempFile();
    openStorage(file);
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  it('a database newer than this code is refused, untouched', () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteStorage(file)).toThrow(/newer/);
    expect(userVersion(file)).toBe(SCHEMA_VERSION + 1);
  });
});
