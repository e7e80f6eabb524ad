/**
 * One board's facilitation, plugged into its room as hooks (`RoomHooks`). It holds no rules and no
 * state of its own: it wires the model (what is stored and known), the people on connections,
 * the publisher (who receives what), the write gate (the rules on document updates) and the
 * command table it is given, and turns each room event into a call on them.
 *
 * Commands run in the room's serial queue, so they are ordered with document updates and with
 * each other, and a command's storage write finishes before the next message is handled. Each
 * follows check -> store -> apply in memory -> publish (see command.ts).
 */
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import type { Logger } from '../log.ts';
import type { Connection } from '../rooms/connection.ts';
import { controlFrame } from '../rooms/messages.ts';
import type { DecodedUpdate, Room, RoomHooks, UpdateDecision } from '../rooms/room.ts';
import { StaleSessionError, type Storage } from '../storage/storage.ts';
import { refuse, runCommand, type CommandRegistry, type Facilitation, type LinkRotator, type Outcome } from './command.ts';
import { FacilitationModel } from './model.ts';
import { parseCommand } from './parseCommand.ts';
import { People } from './people.ts';
import { Publisher } from './publish.ts';
import { TimerAlarm } from './timer.ts';
import { WriteGate } from './writes/writeGate.ts';
import { countsForMerged } from './results.ts';
import { readMerges } from '../../shared/board/index.ts';
import type { Role } from '../../shared/schema.ts';
import { endTimer, type SessionState } from '../../shared/facilitation/index.ts';

export type BoardSessionDeps = {
  storage: Storage;
  logger: Logger;
  /** the server's clock (ms since the epoch); every time in the session is on it */
  now: () => number;
  /** every command by name (commands/index.ts), handed in by the service */
  commands: CommandRegistry;
  /** called once when the session's room is destroyed */
  onDestroy?: (session: BoardSession) => void;
  /** rotates a link (storage and every live session); absent, rotateLink is refused */
  rotateLink?: LinkRotator;
  /** anonymous rounds: fewest voters a sector needs to be shown on its own (default 3) */
  minSectorVoters?: number;
};

export class BoardSession implements RoomHooks {
  private readonly model: FacilitationModel;
  private readonly people: People;
  private readonly publish: Publisher;
  private readonly writes: WriteGate;
  private readonly timer: TimerAlarm;
  /** what commands work with */
  private readonly scope: Facilitation;
  private destroyed = false;

  constructor(
    readonly room: Room,
    private readonly deps: BoardSessionDeps,
  ) {
    this.model = new FacilitationModel({
      storage: deps.storage,
      boardId: room.boardId,
      logger: deps.logger,
      minSectorVoters: deps.minSectorVoters,
      // votes on a merged idea count for the idea it went into: the room's document says where
      countsFor: () => countsForMerged(readMerges(room.doc)),
    });
    this.people = new People(room, this.model);
    this.publish = new Publisher(room, this.model, this.people, deps.now);
    this.writes = new WriteGate(room, this.model, () => this.publish.publishResults());
    this.timer = new TimerAlarm(deps.now, () => room.schedule(() => this.timerDue()));
    this.scope = {
      model: this.model,
      people: this.people,
      publish: this.publish,
      board: room,
      commit: (next) => this.commit(next),
      rotateLink: deps.rotateLink,
    };
  }

  get boardId(): string {
    return this.room.boardId;
  }

  /** Reads the board's record and session from storage; the room opens only after this. */
  async load(): Promise<void> {
    await this.model.load();
    this.timer.arm(this.model.state.timer);
  }

  // --- hooks ------------------------------------------------------------------------------------

  /** A connection whose link was rotated (after it authenticated) is kept out. */
  admit(conn: Connection): { code: number; reason: string } | null {
    if (this.model.isRotated(conn.role, conn.tokenHash)) return { code: CloseCode.linkRotated, reason: CloseReason.linkRotated };
    return null;
  }

  joined(conn: Connection): void {
    this.publish.welcome(conn);
  }

  left(conn: Connection): void {
    if (this.people.leave(conn)) this.publish.presenceChanged();
  }

  checkUpdate(conn: Connection, update: DecodedUpdate): UpdateDecision | null {
    return this.writes.check({ standing: this.people.standingOf(conn), participant: this.people.participantOf(conn) }, update);
  }

  async control(conn: Connection, json: string): Promise<void> {
    const parsed = parseCommand(json);
    if (!parsed.ok && parsed.id === null) {
      conn.send(controlFrame({ type: 'error', code: parsed.code, message: parsed.message }));
      return;
    }
    let outcome: Outcome;
    if (!parsed.ok) outcome = refuse(parsed.code, parsed.message);
    else {
      try {
        const ctx = { conn, participant: this.people.participantOf(conn), standing: this.people.standingOf(conn), now: this.deps.now() };
        outcome = await runCommand(this.deps.commands, this.scope, ctx, parsed.name, parsed.args);
      } catch (error) {
        this.deps.logger.error('command failed', { boardId: this.boardId, conn: conn.id, command: parsed.name, error: String(error) });
        outcome = refuse('internal', 'The server could not do that just now. Try again.');
      }
    }
    conn.send(
      controlFrame(
        outcome.ok
          ? { type: 'result', id: parsed.id!, ok: true, ...(outcome.value === undefined ? {} : { value: outcome.value }) }
          : { type: 'result', id: parsed.id!, ok: false, error: { code: outcome.code, message: outcome.message } },
      ),
    );
    outcome.afterReply?.();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.timer.stop();
    this.publish.destroy();
    this.deps.onDestroy?.(this);
  }

  // --- for the service ---------------------------------------------------------------------------

  /** A link was rotated (and stored): connections that authenticated with the old token are refused from now on. */
  setTokenHash(role: Role, hash: Uint8Array): void {
    this.model.setTokenHash(role, hash);
  }

  /** Closes every connection of `role` that did not authenticate with the current token. */
  closeRotated(role: Role): void {
    this.people.closeRotated(role);
  }

  // --- state changes -----------------------------------------------------------------------------

  /** Stores `next`, applies it, re-arms the timer for it, and publishes it. */
  private async commit(next: SessionState): Promise<void> {
    let change;
    try {
      change = await this.model.commit(next, this.deps.now());
    } catch (error) {
      // refused as stale, the model re-read what is stored: everyone sees that instead
      if (error instanceof StaleSessionError) {
        this.timer.arm(this.model.state.timer);
        this.publish.publishSession();
      }
      throw error;
    }
    this.timer.arm(change.next.timer);
    this.publish.stateChanged(change);
  }

  /** The timer's end was reached: the server itself ends it and says so. */
  private async timerDue(): Promise<void> {
    if (this.destroyed) return;
    const step = endTimer(this.model.state, this.deps.now());
    // not running any more (stopped meanwhile), or woken a little early: look again
    if (!step.ok) return this.timer.arm(this.model.state.timer);
    await this.commit(step.state);
  }
}
