/**
 * The facilitation part of storage: the session state (phase, timer, lock, private mode, vote),
 * participants, vote rounds, ballots and drafts. Trusted state: the server alone writes it, and
 * none of it is in the shared document.
 *
 * Everything is stored as records, so that writers of different things never overwrite each
 * other: a join writes its participant row, a dot its ballot row, a draft its draft row. The
 * session state is one record too, guarded by a revision: a save names the revision it is based
 * on and fails with `StaleSessionError` if another save came first (compare-and-set), so a writer
 * that did not see a change can never silently overwrite it.
 */
import type { Sector, Role } from '../../shared/schema.ts';
import type { SessionState } from '../../shared/facilitation/index.ts';
import type { VoteConfig, VoteRoundStatus } from '../../shared/votes.ts';
import type { Awaitable } from './awaitable.ts';

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
  /** once stored as true it stays true: a removal is never undone by writing the person again */
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
  /**
   * The session state as last saved, or null before the first save. Its vote is the stored round
   * it points at; its co-facilitators and removed people are the participants flagged so, in the
   * order they joined.
   */
  state: SessionState | null;
  /** the state's revision: 0 before the first save, one more with every save */
  revision: number;
  participants: ParticipantRecord[];
  /** oldest round first */
  rounds: VoteRoundRecord[];
  ballots: BallotRecord[];
  /** oldest first (by updatedAt) */
  drafts: DraftRecord[];
};

export interface SessionStore {
  /** Everything a board's session needs when its room loads, read in one go; all empty (revision 0) for an unknown board. */
  loadSession(boardId: string): Awaitable<StoredSession>;
  /**
   * Stores the board's session state if `basedOn` is still its stored revision, and returns the
   * new revision (`basedOn + 1`). In one transaction: the state's fields; its vote, inserted or
   * replaced among the board's vote rounds; who is a co-facilitator and who was removed, as flags
   * on their participant records (each must be a participant of the board, or nothing is written).
   * Throws `StaleSessionError` when another save came first, and `UnknownBoardError` for an
   * unknown board; either way nothing is written.
   */
  saveSession(boardId: string, state: SessionState, basedOn: number): Awaitable<number>;
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
}
