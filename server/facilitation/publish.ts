/**
 * Who receives what. Everything here reads the model as it now is (already stored) and sends:
 *   session     everyone, on every change (one frame, encoded once); joins and leaves are batched
 *   myVotes     the connections of one participant
 *   drafts      the connections of one participant
 *   voteResult  everyone, only for a round whose results may be seen
 */
import type { Connection } from '../rooms/connection.ts';
import { controlFrame } from '../rooms/messages.ts';
import type { ControlMessage, SessionMessage } from '../../shared/protocol.ts';
import { resultsVisible } from '../../shared/votes.ts';
import type { FacilitationModel, StateChange } from './model.ts';
import type { ConnectionList, People } from './people.ts';
import { currentPhase, phasesOf, timerRemaining } from '../../shared/facilitation/index.ts';

/**
 * Joins and leaves only change the roster, and the roster rides in every `session` message: at
 * most one such publish per this many ms, so a room of hundreds arriving at once is not sent
 * hundreds of rosters each. A command's publish goes out at once and carries the roster too.
 */
export const PRESENCE_PUBLISH_MS = 200;

export class Publisher {
  private presenceTimer: NodeJS.Timeout | null = null;
  private destroyed = false;

  constructor(
    private readonly room: ConnectionList,
    private readonly model: FacilitationModel,
    private readonly people: People,
    /** the server's clock (ms since the epoch) */
    private readonly now: () => number,
  ) {}

  private sendTo(conns: Iterable<Connection>, message: ControlMessage): void {
    const frame = controlFrame(message);
    for (const conn of conns) conn.send(frame);
  }

  /** What a connection sees first: the session, and every round whose results may be seen. */
  welcome(conn: Connection): void {
    conn.send(controlFrame(this.sessionMessage()));
    for (const round of this.model.rounds.values()) {
      if (resultsVisible(round)) conn.send(controlFrame({ type: 'voteResult', result: this.model.result(round.round)! }));
    }
  }

  /** After a stored state change: the session to everyone, fresh budgets on a new vote, results now visible. */
  stateChanged({ prev, next, round }: StateChange): void {
    this.publishSession();
    const vote = next.vote;
    if (vote && vote.round !== prev.vote?.round) {
      // a new vote: everyone's budget starts afresh
      for (const pid of this.people.joinedIds()) this.sendMyVotes(pid);
    }
    if (vote && round && resultsVisible(vote)) this.publishResult(vote.round);
  }

  publishSession(): void {
    if (this.destroyed) return;
    // this one carries the current roster: a pending presence publish has nothing left to say
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
    this.sendTo(this.room.connectionList(), this.sessionMessage());
  }

  /** Someone joined or left: publish soon, once for every change in the meantime. */
  presenceChanged(): void {
    if (this.destroyed || this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      this.publishSession();
    }, PRESENCE_PUBLISH_MS);
    this.presenceTimer.unref();
  }

  sessionMessage(): SessionMessage {
    const now = this.now();
    const { state, template } = this.model;
    const phases = phasesOf(template);
    const { timer, vote } = state;
    return {
      type: 'session',
      serverNow: now,
      template,
      phaseIndex: state.phaseIndex,
      phaseCount: phases.length,
      phase: currentPhase(state, template),
      phases: phases.map((p) => ({ id: p.id, name: p.name })),
      round: state.round,
      locked: state.locked,
      privateMode: state.privateMode,
      timer: {
        status: timer.status,
        durationMs: timer.durationMs,
        endsAt: timer.endsAt,
        remainingMs: timerRemaining(timer, now),
      },
      vote: vote ? { ...vote, voterCount: this.model.voterCount(vote.round) } : null,
      participants: this.people.roster(),
      draftsWaiting: this.model.draftsWaiting(),
    };
  }

  sendMyVotes(participantId: string, conns: Iterable<Connection> = this.people.connectionsOf(participantId)): void {
    this.sendTo(conns, { type: 'myVotes', ...this.model.myVotes(participantId) });
  }

  sendDrafts(participantId: string, conns: Iterable<Connection> = this.people.connectionsOf(participantId)): void {
    const drafts = [...this.model.draftsOf(participantId).values()].sort((a, b) => a.updatedAt - b.updatedAt);
    this.sendTo(conns, { type: 'drafts', drafts });
    // the count of drafts waiting rides in the session message: batched like a roster change
    this.presenceChanged();
  }

  /** Sends a round's results to everyone, if and only if they may be seen. */
  publishResult(round: number): void {
    const record = this.model.rounds.get(round);
    if (!record || !resultsVisible(record)) return;
    this.sendTo(this.room.connectionList(), { type: 'voteResult', result: this.model.result(round)! });
  }

  /** Every round's results that may be seen, again (a merge moved votes from one idea to another). */
  publishResults(): void {
    for (const round of this.model.rounds.keys()) this.publishResult(round);
  }

  /** The room is going: nothing more is published. */
  destroy(): void {
    this.destroyed = true;
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
  }
}
