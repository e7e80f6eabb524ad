/** The saved-versions part of storage: named, immutable copies of a board's document. */
import type { Awaitable } from './awaitable.ts';
import type { Role } from '../../shared/schema.ts';

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

export interface VersionStore {
  /** Stores a named version of a board. Throws `UnknownBoardError` for an unknown board, and on a duplicate id. */
  saveVersion(version: StoredVersion): Awaitable<void>;
  /** A board's versions without their state, oldest first; [] for an unknown board. */
  listVersions(boardId: string): Awaitable<VersionRecord[]>;
  /** One version with its state, or null (also when it belongs to another board). */
  getVersion(boardId: string, versionId: string): Awaitable<StoredVersion | null>;
}
