/**
 * What the server needs from persistence, and nothing more, so that SQLite today and PostgreSQL
 * tomorrow can sit behind it. Methods may return promises (a network database) or plain values
 * (better-sqlite3 is synchronous); callers handle both through `Awaitable`.
 *
 * A board's document is stored as a snapshot plus an append-only log of Yjs updates. The log is
 * what makes an edit durable before it is broadcast; compaction folds it into the snapshot.
 */
import type { TokenHashes } from '../auth/tokens.ts';
import type { Sector, Template, Role } from '../../shared/schema.ts';
import type { VoteConfig, VoteRoundStatus } from '../../shared/votes.ts';
import type { SponsorComment } from '../../shared/brief/comments.ts';

export type Awaitable<T> = T | Promise<T>;

export type BoardRecord = {
  id: string;
  title: string;
  challenge: string;
  sponsor: string;
  template: Template;
  /** ms since the epoch */
  createdAt: number;
  tokenHashes: TokenHashes;
};

export type StoredDocument = {
  /** the last compacted state, or null before the first snapshot */
  snapshot: Uint8Array | null;
  /** updates appended after the snapshot, oldest first */
  updates: Uint8Array[];
  /** the highest sequence number the snapshot and updates cover (0 for an empty board) */
  lastSeq: number;
};

export interface Storage {
  /** Stores a new board with its first snapshot, atomically: no board exists without a document. */
  createBoard(board: BoardRecord, snapshot: Uint8Array): Awaitable<void>;
  getBoard(id: string): Awaitable<BoardRecord | null>;
  /** The role whose token hashes to `hash` on this board, or null (also for an unknown board). */
  findRoleByTokenHash(boardId: string, hash: Uint8Array): Awaitable<Role | null>;
  /** An unknown board loads as empty: `{snapshot: null, updates: [], lastSeq: 0}`. */
  loadDocument(id: string): Awaitable<StoredDocument>;
  /**
   * Durably appends one update and returns its sequence number, which is greater than every
   * sequence number returned before. Throws `UnknownBoardError` for an unknown board.
   */
  appendUpdate(id: string, update: Uint8Array): Awaitable<number>;
  /**
   * In one transaction: replaces the snapshot with `snapshot` and deletes the updates with
   * `seq <= uptoSeq`. A compaction older than the stored snapshot is ignored, so a slow
   * compaction can never overwrite a newer one.
   */
  compact(id: string, snapshot: Uint8Array, uptoSeq: number): Awaitable<void>;
  close(): Awaitable<void>;

  // --- saved versions (issue 5) -----------------------------------------------------------------

  /** Stores a named version of a board. Throws `UnknownBoardError` for an unknown board. */
  saveVersion(version: StoredVersion): Awaitable<void>;
  /** A board's versions without their state, oldest first; [] for an unknown board. */
  listVersions(boardId: string): Awaitable<VersionRecord[]>;
  /** One version with its state, or null (also when it belongs to another board). */
  getVersion(boardId: string, versionId: string): Awaitable<StoredVersion | null>;

  // --- comments on the brief (issue 5) -------------------------------------------------------------

  /** Stores a comment. Throws `UnknownBoardError` for an unknown board, and on a duplicate id. */
  addComment(comment: StoredComment): Awaitable<void>;
  /** A board's comments, oldest first (by time, then in the order they were added); [] for an unknown board. */
  listComments(boardId: string): Awaitable<StoredComment[]>;

  // --- facilitation (issue 4): session, participants, votes, drafts, links ------------------------
  // Trusted state: the server alone writes it, and none of it is in the shared document.

  /** Everything a board's session needs when its room loads, read in one go; all empty for an unknown board. */
  loadSession(boardId: string): Awaitable<StoredSession>;
  /**
   * Replaces the board's session state (JSON, opaque to storage) and, in the same transaction,
   * inserts or replaces `round` when given. Throws `UnknownBoardError` for an unknown board.
   */
  saveSession(boardId: string, stateJson: string, round?: VoteRoundRecord): Awaitable<void>;
  /** Inserts or replaces a participant (keyed by board and id). Throws `UnknownBoardError`. */
  putParticipant(participant: ParticipantRecord): Awaitable<void>;
  /**
   * Sets one person's dots on one card in one round; a count of 0 deletes the row. The round and
   * the participant must exist (throws otherwise), so no dot is ever stored for nobody.
   */
  setBallot(ballot: BallotRecord): Awaitable<void>;
  /** Deletes every dot one person placed in one round (they were removed while it was open). */
  deleteBallots(boardId: string, round: number, participantId: string): Awaitable<void>;
  /** Inserts or replaces a draft (keyed by board, participant and draft id); the participant must exist. */
  putDraft(draft: DraftRecord): Awaitable<void>;
  /** Deletes one draft; false if there was none. */
  deleteDraft(boardId: string, participantId: string, draftId: string): Awaitable<boolean>;
  /** Deletes the board's drafts: everyone's, or one participant's. */
  deleteDrafts(boardId: string, participantId?: string): Awaitable<void>;
  /** Replaces one role's token hash (a rotated link). Throws `UnknownBoardError` for an unknown board. */
  setTokenHash(boardId: string, role: Role, hash: Uint8Array): Awaitable<void>;
}

/** Someone who joined a board: who they said they are, and the hash of the secret that proves it. */
export type ParticipantRecord = {
  boardId: string;
  id: string;
  /** SHA-256 of the secret issued at their first join */
  secretHash: Uint8Array;
  name: string;
  organisation: string;
  sector: Sector;
  /** the role of the link they last joined with */
  role: Role;
  removed: boolean;
  /** ms since the epoch */
  joinedAt: number;
};

export type VoteRoundRecord = {
  boardId: string;
  round: number;
  config: VoteConfig;
  status: VoteRoundStatus;
  openedAt: number;
  closedAt: number | null;
  revealedAt: number | null;
};

/** One person's dots on one card in one round. */
export type BallotRecord = {
  boardId: string;
  round: number;
  participantId: string;
  cardId: string;
  count: number;
};

export type DraftRecord = {
  boardId: string;
  participantId: string;
  draftId: string;
  /** the draft as JSON; opaque to storage */
  data: string;
  /** ms since the epoch */
  updatedAt: number;
};

export type StoredSession = {
  /** the session state as JSON, or null before the first change */
  state: string | null;
  participants: ParticipantRecord[];
  /** oldest round first */
  rounds: VoteRoundRecord[];
  ballots: BallotRecord[];
  /** oldest first (by updatedAt) */
  drafts: DraftRecord[];
};

/** A named, immutable copy of a board's document saved by a facilitator ("End of day 1"). */
export type VersionRecord = {
  id: string;
  boardId: string;
  name: string;
  /** ms since the epoch */
  createdAt: number;
  createdBy: { role: Role; name: string };
  /** `boardVersion(doc)` of the saved state: the fingerprint a brief made from it carries */
  boardVersion: string;
};

export type StoredVersion = VersionRecord & {
  /** `Y.encodeStateAsUpdate` of the board's document at that moment */
  state: Uint8Array;
  /** the vote results at that moment, as JSON (`VoteRoundResult[]`); opaque to storage */
  votes: string;
};

/** A comment on a board's brief, as stored: the shape clients see, plus its board. */
export type StoredComment = SponsorComment & { boardId: string };

export class UnknownBoardError extends Error {
  override name = 'UnknownBoardError';
  constructor(readonly boardId: string) {
    super(`unknown board ${boardId}`);
  }
}
