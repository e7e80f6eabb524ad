/**
 * What the server needs from persistence, and nothing more, so that SQLite today and PostgreSQL
 * tomorrow can sit behind it. Storage comes in five parts, one per kind of record, each with its
 * own contract suite (`<part>.contract.ts`):
 *
 *   boards      a board's record and link hashes              boards.ts
 *   documents   a board's Yjs document: snapshot + update log  documents.ts
 *   sessions    facilitation: state, people, votes, drafts     sessions.ts
 *   versions    named saved copies of a document               versions.ts
 *   comments    comments on a board's brief                    comments.ts
 *
 * Every method may return a promise (a network database) or a plain value (better-sqlite3 is
 * synchronous); callers handle both through `Awaitable`. Every implementation throws the errors
 * in errors.ts for the same causes.
 */
import type { Awaitable } from './awaitable.ts';
import type { BoardStore } from './boards.ts';
import type { CommentStore } from './comments.ts';
import type { DocumentStore } from './documents.ts';
import type { LeaseStore } from './leases.ts';
import type { SessionStore } from './sessions.ts';
import type { VersionStore } from './versions.ts';

export interface Storage {
  readonly boards: BoardStore;
  readonly documents: DocumentStore;
  readonly sessions: SessionStore;
  readonly versions: VersionStore;
  readonly comments: CommentStore;
  /** board ownership between processes; only storages several processes share have it (leases.ts) */
  readonly leases?: LeaseStore;
  /** A cheap real query that throws when the storage cannot answer (the readiness check, GET /api/ready). */
  ping(): Awaitable<void>;
  close(): Awaitable<void>;
}

export type { Awaitable } from './awaitable.ts';
export { LeaseLostError, StaleSessionError, UnknownBoardError } from './errors.ts';
export type { FenceOf, Lease, LeaseState, LeaseStore } from './leases.ts';
export type { BoardRecord, BoardStore } from './boards.ts';
export type { DocumentStore, StoredDocument } from './documents.ts';
export type {
  BallotRecord,
  DraftRecord,
  ParticipantRecord,
  SessionStore,
  StoredSession,
  VoteRoundRecord,
} from './sessions.ts';
export type { StoredVersion, VersionRecord, VersionStore } from './versions.ts';
export type { CommentStore, StoredComment } from './comments.ts';
