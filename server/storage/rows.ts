/**
 * The rows SQLite and PostgreSQL store, and how each reads back as a record. Both engines use
 * the same tables and column names; they differ only in how a flag comes back (SQLite: 0 or 1,
 * PostgreSQL: a boolean), which `Flag` covers. The SQL itself stays with each engine.
 */
import type { BriefSectionId } from '../../shared/brief/comments.ts';
import type { SessionState, TimerStatus } from '../../shared/facilitation/index.ts';
import type { Role, Sector, Template } from '../../shared/schema.ts';
import type { VoteConfig, VoteRoundStatus } from '../../shared/votes.ts';
import type { BoardRecord } from './boards.ts';
import type { StoredComment } from './comments.ts';
import type { ParticipantRecord, StoredSession, VoteRoundRecord } from './sessions.ts';
import type { VersionRecord } from './versions.ts';

/** A boolean column: SQLite returns 0 or 1, PostgreSQL true or false. */
type Flag = number | boolean;

function isSet(flag: Flag): boolean {
  return flag === true || flag === 1;
}

/** Bytes as both drivers return them (a Buffer), as the records hold them. */
export function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export type BoardRow = {
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

/** The column that holds each role's token hash. */
export const HASH_COLUMN: Record<Role, string> = {
  facilitator: 'facilitator_hash',
  contributor: 'contributor_hash',
  viewer: 'viewer_hash',
};

export function boardRecord(row: BoardRow): BoardRecord {
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

export type CommentRow = {
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

export function commentRecord(row: CommentRow): StoredComment {
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

export type VersionRow = {
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

export function versionRecord(row: Omit<VersionRow, 'state' | 'votes'>): VersionRecord {
  return {
    id: row.id,
    boardId: row.board_id,
    name: row.name,
    createdAt: row.created_at,
    createdBy: { role: row.created_by_role as Role, name: row.created_by_name },
    boardVersion: row.board_version,
  };
}

export type StateRow = {
  board_id: string;
  revision: number;
  phase_index: number;
  phase_round: number;
  phase_started_at: number | null;
  locked: Flag;
  locked_at: number | null;
  private_mode: Flag;
  timer_status: string;
  timer_duration_ms: number;
  timer_ends_at: number | null;
  timer_remaining_ms: number | null;
  vote_round: number | null;
  votes_opened: number;
};

export type ParticipantRow = {
  board_id: string;
  id: string;
  secret_hash: Buffer;
  name: string;
  organisation: string;
  sector: string;
  role: string;
  removed: Flag;
  co_facilitator: Flag;
  joined_at: number;
};

export type RoundRow = {
  board_id: string;
  round: number;
  config: string;
  status: string;
  opened_at: number;
  closed_at: number | null;
  revealed_at: number | null;
};

export type BallotRow = { board_id: string; round: number; participant_id: string; card_id: string; count: number };

export type DraftRow = { board_id: string; participant_id: string; draft_id: string; data: string; updated_at: number };

/** The session state from its row, the board's participants (for the flags) and its vote rounds. */
export function sessionState(row: StateRow, people: ParticipantRow[], rounds: VoteRoundRecord[]): SessionState {
  const round = row.vote_round === null ? undefined : rounds.find((r) => r.round === row.vote_round);
  return {
    phaseIndex: row.phase_index,
    round: row.phase_round,
    locked: isSet(row.locked),
    privateMode: isSet(row.private_mode),
    timer: {
      status: row.timer_status as TimerStatus,
      durationMs: row.timer_duration_ms,
      endsAt: row.timer_ends_at,
      remainingMs: row.timer_remaining_ms,
    },
    vote: round
      ? {
          round: round.round,
          config: round.config,
          status: round.status,
          openedAt: round.openedAt,
          closedAt: round.closedAt,
          revealedAt: round.revealedAt,
        }
      : null,
    votesOpened: row.votes_opened,
    coFacilitators: people.filter((p) => isSet(p.co_facilitator)).map((p) => p.id),
    removed: people.filter((p) => isSet(p.removed)).map((p) => p.id),
    lockedAt: row.locked_at,
    phaseStartedAt: row.phase_started_at,
  };
}

export function participantRecord(row: ParticipantRow): ParticipantRecord {
  return {
    boardId: row.board_id,
    id: row.id,
    secretHash: toBytes(row.secret_hash),
    name: row.name,
    organisation: row.organisation,
    sector: row.sector as Sector,
    role: row.role as Role,
    removed: isSet(row.removed),
    joinedAt: row.joined_at,
  };
}

export function roundRecord(row: RoundRow): VoteRoundRecord {
  return {
    boardId: row.board_id,
    round: row.round,
    config: JSON.parse(row.config) as VoteConfig,
    status: row.status as VoteRoundStatus,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    revealedAt: row.revealed_at,
  };
}

/** A board's whole stored session from its rows, each list already in the order the contract gives. */
export function storedSession(
  stateRow: StateRow | undefined,
  people: ParticipantRow[],
  roundRows: RoundRow[],
  ballotRows: BallotRow[],
  draftRows: DraftRow[],
): StoredSession {
  const rounds = roundRows.map(roundRecord);
  return {
    state: stateRow ? sessionState(stateRow, people, rounds) : null,
    revision: stateRow?.revision ?? 0,
    participants: people.map(participantRecord),
    rounds,
    ballots: ballotRows.map((row) => ({
      boardId: row.board_id,
      round: row.round,
      participantId: row.participant_id,
      cardId: row.card_id,
      count: row.count,
    })),
    drafts: draftRows.map((row) => ({
      boardId: row.board_id,
      participantId: row.participant_id,
      draftId: row.draft_id,
      data: row.data,
      updatedAt: row.updated_at,
    })),
  };
}
