/**
 * The facilitation part of the PostgreSQL storage (tables facilitation_state, participants,
 * vote_rounds, ballots, drafts), with the same rules as SQLite's. The state's revision is checked
 * by the write itself (an UPDATE that matches only the revision it was based on, or an INSERT that
 * does nothing if a state exists): of two concurrent saves on one revision, the second waits for
 * the first's row lock, then matches nothing and is refused.
 *
 * Every write runs through `boardWrite`: one transaction, fenced by the board's lease when the
 * storage is (database.ts).
 */
import type pg from 'pg';
import type { SessionState } from '../../../shared/facilitation/index.ts';
import { StaleSessionError } from '../errors.ts';
import type {
  BallotRecord,
  DraftRecord,
  ParticipantRecord,
  SessionStore,
  StoredSession,
  VoteRoundRecord,
} from '../sessions.ts';
import { bytea, type PostgresDatabase, type Queryable } from './database.ts';
import { storedSession, type BallotRow, type DraftRow, type ParticipantRow, type RoundRow, type StateRow } from '../rows.ts';

/** The state's columns after board_id and revision, in the order of `stateValues`. */
const STATE_COLUMNS = [
  'phase_index',
  'phase_round',
  'phase_started_at',
  'locked',
  'locked_at',
  'private_mode',
  'timer_status',
  'timer_duration_ms',
  'timer_ends_at',
  'timer_remaining_ms',
  'vote_round',
  'votes_opened',
] as const;

function stateValues(state: SessionState): unknown[] {
  return [
    state.phaseIndex,
    state.round,
    state.phaseStartedAt ?? null,
    state.locked,
    state.lockedAt ?? null,
    state.privateMode,
    state.timer.status,
    state.timer.durationMs,
    state.timer.endsAt,
    state.timer.remainingMs,
    state.vote?.round ?? null,
    state.votesOpened,
  ];
}

// the first save: $1 board, the state's values from $2
const INSERT_STATE = `INSERT INTO facilitation_state (board_id, revision, ${STATE_COLUMNS.join(', ')})
  VALUES ($1, 1, ${STATE_COLUMNS.map((_, i) => `$${i + 2}`).join(', ')})
  ON CONFLICT (board_id) DO NOTHING`;
// every later save: $1 board, $2 the revision it is based on, the state's values from $3
const UPDATE_STATE = `UPDATE facilitation_state SET revision = revision + 1,
  ${STATE_COLUMNS.map((column, i) => `${column} = $${i + 3}`).join(', ')}
  WHERE board_id = $1 AND revision = $2`;

export class PostgresSessions implements SessionStore {
  constructor(private readonly db: PostgresDatabase) {}

  loadSession(boardId: string): Promise<StoredSession> {
    return this.db.read(async (client): Promise<StoredSession> => {
      const stateRow = (await client.query<StateRow>('SELECT * FROM facilitation_state WHERE board_id = $1', [boardId])).rows[0];
      const people = (
        await client.query<ParticipantRow>('SELECT * FROM participants WHERE board_id = $1 ORDER BY joined_at, id COLLATE "C"', [boardId])
      ).rows;
      const rounds = (await client.query<RoundRow>('SELECT * FROM vote_rounds WHERE board_id = $1 ORDER BY round', [boardId])).rows;
      const ballots = (
        await client.query<BallotRow>(
          'SELECT * FROM ballots WHERE board_id = $1 ORDER BY round, participant_id COLLATE "C", card_id COLLATE "C"',
          [boardId],
        )
      ).rows;
      const drafts = (
        await client.query<DraftRow>('SELECT * FROM drafts WHERE board_id = $1 ORDER BY updated_at, ord', [boardId])
      ).rows;
      return storedSession(stateRow, people, rounds, ballots, drafts);
    });
  }

  saveSession(boardId: string, state: SessionState, basedOn: number): Promise<number> {
    return this.db.boardWrite(boardId, async (client) => {
      // the vote first: the state row points at it
      if (state.vote) await putRound(client, { boardId, ...state.vote });
      const written =
        basedOn === 0
          ? await client.query(INSERT_STATE, [boardId, ...stateValues(state)])
          : await client.query(UPDATE_STATE, [boardId, basedOn, ...stateValues(state)]);
      if (written.rowCount === 0) {
        const stored = (await client.query<{ revision: number }>('SELECT revision FROM facilitation_state WHERE board_id = $1', [boardId]))
          .rows[0];
        throw new StaleSessionError(boardId, basedOn, stored?.revision ?? 0);
      }
      await client.query('UPDATE participants SET co_facilitator = false WHERE board_id = $1 AND co_facilitator', [boardId]);
      for (const id of state.coFacilitators) await flag(client, 'co_facilitator', boardId, id);
      for (const id of state.removed) await flag(client, 'removed', boardId, id);
      return basedOn + 1;
    });
  }

  async putParticipant(p: ParticipantRecord): Promise<void> {
    await this.db.boardWrite(p.boardId, (client) =>
      client.query(
        // removal is sticky (OR): a writer holding an older copy of the person cannot bring them back
        `INSERT INTO participants (board_id, id, secret_hash, name, organisation, sector, role, removed, joined_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (board_id, id) DO UPDATE SET secret_hash = excluded.secret_hash, name = excluded.name,
           organisation = excluded.organisation, sector = excluded.sector, role = excluded.role,
           removed = participants.removed OR excluded.removed, joined_at = excluded.joined_at`,
        [p.boardId, p.id, bytea(p.secretHash), p.name, p.organisation, p.sector, p.role, p.removed, p.joinedAt],
      ),
    );
  }

  async setBallot(b: BallotRecord): Promise<void> {
    await this.db.boardWrite(b.boardId, async (client) => {
      if (!Number.isInteger(b.count) || b.count < 0) throw new TypeError('count must be a whole number');
      if ((await client.query('SELECT 1 FROM vote_rounds WHERE board_id = $1 AND round = $2', [b.boardId, b.round])).rowCount === 0) {
        throw new Error(`no vote round ${b.round}`);
      }
      if (!(await participantExists(client, b.boardId, b.participantId))) throw new Error(`no participant ${b.participantId}`);
      if (b.count === 0) {
        await client.query('DELETE FROM ballots WHERE board_id = $1 AND round = $2 AND participant_id = $3 AND card_id = $4', [
          b.boardId,
          b.round,
          b.participantId,
          b.cardId,
        ]);
      } else {
        await client.query(
          `INSERT INTO ballots (board_id, round, participant_id, card_id, count) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (board_id, round, participant_id, card_id) DO UPDATE SET count = excluded.count`,
          [b.boardId, b.round, b.participantId, b.cardId, b.count],
        );
      }
    });
  }

  async deleteBallots(boardId: string, round: number, participantId: string): Promise<void> {
    await this.db.boardWrite(boardId, (client) =>
      client.query('DELETE FROM ballots WHERE board_id = $1 AND round = $2 AND participant_id = $3', [boardId, round, participantId]),
    );
  }

  async putDraft(d: DraftRecord): Promise<void> {
    await this.db.boardWrite(d.boardId, async (client) => {
      if (!(await participantExists(client, d.boardId, d.participantId))) throw new Error(`no participant ${d.participantId}`);
      await client.query(
        `INSERT INTO drafts (board_id, participant_id, draft_id, data, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (board_id, participant_id, draft_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
        [d.boardId, d.participantId, d.draftId, d.data, d.updatedAt],
      );
    });
  }

  deleteDraft(boardId: string, participantId: string, draftId: string): Promise<boolean> {
    return this.db.boardWrite(
      boardId,
      async (client) =>
        ((
          await client.query('DELETE FROM drafts WHERE board_id = $1 AND participant_id = $2 AND draft_id = $3', [
            boardId,
            participantId,
            draftId,
          ])
        ).rowCount ?? 0) > 0,
    );
  }

  async deleteDrafts(boardId: string, participantId?: string): Promise<void> {
    await this.db.boardWrite(boardId, (client) =>
      participantId === undefined
        ? client.query('DELETE FROM drafts WHERE board_id = $1', [boardId])
        : client.query('DELETE FROM drafts WHERE board_id = $1 AND participant_id = $2', [boardId, participantId]),
    );
  }
}

async function flag(client: Queryable, column: 'co_facilitator' | 'removed', boardId: string, participantId: string): Promise<void> {
  const changed = await client.query(`UPDATE participants SET ${column} = true WHERE board_id = $1 AND id = $2`, [boardId, participantId]);
  if (changed.rowCount === 0) throw new Error(`no participant ${participantId}`);
}

async function putRound(client: pg.PoolClient, round: VoteRoundRecord): Promise<void> {
  await client.query(
    `INSERT INTO vote_rounds (board_id, round, config, status, opened_at, closed_at, revealed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (board_id, round) DO UPDATE SET config = excluded.config, status = excluded.status,
       opened_at = excluded.opened_at, closed_at = excluded.closed_at, revealed_at = excluded.revealed_at`,
    [round.boardId, round.round, JSON.stringify(round.config), round.status, round.openedAt, round.closedAt, round.revealedAt],
  );
}

async function participantExists(client: Queryable, boardId: string, participantId: string): Promise<boolean> {
  return ((await client.query('SELECT 1 FROM participants WHERE board_id = $1 AND id = $2', [boardId, participantId])).rowCount ?? 0) > 0;
}

