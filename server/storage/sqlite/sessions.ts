/**
 * The facilitation part of the SQLite storage (tables facilitation_state, participants,
 * vote_rounds, ballots, drafts). The state's revision is checked by the write itself (an UPDATE
 * that matches only the revision it was based on), so even another process on the same file
 * cannot slip a save in between a check and a write.
 */
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
import type { SqliteDatabase } from './database.ts';
import { storedSession, type BallotRow, type DraftRow, type ParticipantRow, type RoundRow, type StateRow } from '../rows.ts';

const STATE_COLUMNS = `phase_index = @phaseIndex, phase_round = @round, phase_started_at = @phaseStartedAt,
  locked = @locked, locked_at = @lockedAt, private_mode = @privateMode, timer_status = @timerStatus,
  timer_duration_ms = @timerDurationMs, timer_ends_at = @timerEndsAt, timer_remaining_ms = @timerRemainingMs,
  vote_round = @voteRound, votes_opened = @votesOpened`;

export class SqliteSessions implements SessionStore {
  constructor(private readonly db: SqliteDatabase) {}

  loadSession(boardId: string): StoredSession {
    const db = this.db;
    return db.transaction((): StoredSession => {
      const stateRow = db.statement<[string], StateRow>('SELECT * FROM facilitation_state WHERE board_id = ?').get(boardId);
      const people = db
        .statement<[string], ParticipantRow>('SELECT * FROM participants WHERE board_id = ? ORDER BY joined_at, id')
        .all(boardId);
      const rounds = db.statement<[string], RoundRow>('SELECT * FROM vote_rounds WHERE board_id = ? ORDER BY round').all(boardId);
      const ballots = db
        .statement<[string], BallotRow>('SELECT * FROM ballots WHERE board_id = ? ORDER BY round, participant_id, card_id')
        .all(boardId);
      const drafts = db
        .statement<[string], DraftRow>('SELECT * FROM drafts WHERE board_id = ? ORDER BY updated_at, rowid')
        .all(boardId);
      return storedSession(stateRow, people, rounds, ballots, drafts);
    });
  }

  saveSession(boardId: string, state: SessionState, basedOn: number): number {
    const db = this.db;
    return db.onBoard(boardId, () =>
      db.transaction(() => {
        // the vote first: the state row points at it
        if (state.vote) this.putRound({ boardId, ...state.vote });
        const values = {
          boardId,
          basedOn,
          phaseIndex: state.phaseIndex,
          round: state.round,
          phaseStartedAt: state.phaseStartedAt ?? null,
          locked: state.locked ? 1 : 0,
          lockedAt: state.lockedAt ?? null,
          privateMode: state.privateMode ? 1 : 0,
          timerStatus: state.timer.status,
          timerDurationMs: state.timer.durationMs,
          timerEndsAt: state.timer.endsAt,
          timerRemainingMs: state.timer.remainingMs,
          voteRound: state.vote?.round ?? null,
          votesOpened: state.votesOpened,
        };
        const written =
          basedOn === 0
            ? db
                .statement(
                  `INSERT INTO facilitation_state (board_id, revision, phase_index, phase_round, phase_started_at, locked,
                     locked_at, private_mode, timer_status, timer_duration_ms, timer_ends_at, timer_remaining_ms, vote_round, votes_opened)
                   VALUES (@boardId, 1, @phaseIndex, @round, @phaseStartedAt, @locked, @lockedAt, @privateMode, @timerStatus,
                     @timerDurationMs, @timerEndsAt, @timerRemainingMs, @voteRound, @votesOpened)
                   ON CONFLICT(board_id) DO NOTHING`,
                )
                .run(values)
            : db
                .statement(
                  `UPDATE facilitation_state SET revision = revision + 1, ${STATE_COLUMNS}
                   WHERE board_id = @boardId AND revision = @basedOn`,
                )
                .run(values);
        if (written.changes === 0) {
          const stored = db
            .statement<[string], { revision: number }>('SELECT revision FROM facilitation_state WHERE board_id = ?')
            .get(boardId);
          throw new StaleSessionError(boardId, basedOn, stored?.revision ?? 0);
        }
        db.statement('UPDATE participants SET co_facilitator = 0 WHERE board_id = ? AND co_facilitator = 1').run(boardId);
        for (const id of state.coFacilitators) this.flag('co_facilitator', boardId, id);
        for (const id of state.removed) this.flag('removed', boardId, id);
        return basedOn + 1;
      }),
    );
  }

  private flag(column: 'co_facilitator' | 'removed', boardId: string, participantId: string): void {
    const changed = this.db
      .statement<[string, string]>(`UPDATE participants SET ${column} = 1 WHERE board_id = ? AND id = ?`)
      .run(boardId, participantId);
    if (changed.changes === 0) throw new Error(`no participant ${participantId}`);
  }

  private putRound(round: VoteRoundRecord): void {
    this.db
      .statement(
        `INSERT INTO vote_rounds (board_id, round, config, status, opened_at, closed_at, revealed_at)
         VALUES (@boardId, @round, @config, @status, @openedAt, @closedAt, @revealedAt)
         ON CONFLICT(board_id, round) DO UPDATE SET config = excluded.config, status = excluded.status,
           opened_at = excluded.opened_at, closed_at = excluded.closed_at, revealed_at = excluded.revealed_at`,
      )
      .run({
        boardId: round.boardId,
        round: round.round,
        config: JSON.stringify(round.config),
        status: round.status,
        openedAt: round.openedAt,
        closedAt: round.closedAt,
        revealedAt: round.revealedAt,
      });
  }

  putParticipant(p: ParticipantRecord): void {
    this.db.onBoard(p.boardId, () =>
      this.db
        .statement(
          // removal is sticky (MAX): a writer holding an older copy of the person cannot bring them back
          `INSERT INTO participants (board_id, id, secret_hash, name, organisation, sector, role, removed, joined_at)
           VALUES (@boardId, @id, @secretHash, @name, @organisation, @sector, @role, @removed, @joinedAt)
           ON CONFLICT(board_id, id) DO UPDATE SET secret_hash = excluded.secret_hash, name = excluded.name,
             organisation = excluded.organisation, sector = excluded.sector, role = excluded.role,
             removed = MAX(removed, excluded.removed), joined_at = excluded.joined_at`,
        )
        .run({
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
    const db = this.db;
    db.onBoard(b.boardId, () => {
      if (!Number.isInteger(b.count) || b.count < 0) throw new TypeError('count must be a whole number');
      if (!db.statement('SELECT 1 FROM vote_rounds WHERE board_id = ? AND round = ?').get(b.boardId, b.round)) {
        throw new Error(`no vote round ${b.round}`);
      }
      if (!this.participantExists(b.boardId, b.participantId)) throw new Error(`no participant ${b.participantId}`);
      if (b.count === 0) {
        db.statement('DELETE FROM ballots WHERE board_id = ? AND round = ? AND participant_id = ? AND card_id = ?').run(
          b.boardId,
          b.round,
          b.participantId,
          b.cardId,
        );
      } else {
        db.statement(
          `INSERT INTO ballots (board_id, round, participant_id, card_id, count) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(board_id, round, participant_id, card_id) DO UPDATE SET count = excluded.count`,
        ).run(b.boardId, b.round, b.participantId, b.cardId, b.count);
      }
    });
  }

  deleteBallots(boardId: string, round: number, participantId: string): void {
    this.db.statement('DELETE FROM ballots WHERE board_id = ? AND round = ? AND participant_id = ?').run(boardId, round, participantId);
  }

  putDraft(d: DraftRecord): void {
    this.db.onBoard(d.boardId, () => {
      if (!this.participantExists(d.boardId, d.participantId)) throw new Error(`no participant ${d.participantId}`);
      this.db
        .statement(
          `INSERT INTO drafts (board_id, participant_id, draft_id, data, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(board_id, participant_id, draft_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
        )
        .run(d.boardId, d.participantId, d.draftId, d.data, d.updatedAt);
    });
  }

  deleteDraft(boardId: string, participantId: string, draftId: string): boolean {
    return (
      this.db
        .statement('DELETE FROM drafts WHERE board_id = ? AND participant_id = ? AND draft_id = ?')
        .run(boardId, participantId, draftId).changes > 0
    );
  }

  deleteDrafts(boardId: string, participantId?: string): void {
    if (participantId === undefined) this.db.statement('DELETE FROM drafts WHERE board_id = ?').run(boardId);
    else this.db.statement('DELETE FROM drafts WHERE board_id = ? AND participant_id = ?').run(boardId, participantId);
  }

  private participantExists(boardId: string, participantId: string): boolean {
    return this.db.statement('SELECT 1 FROM participants WHERE board_id = ? AND id = ?').get(boardId, participantId) !== undefined;
  }
}

