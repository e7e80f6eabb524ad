/**
 * One board's facilitation, plugged into its room as hooks: the trusted session state (phase,
 * timer, lock, private mode, vote), who joined as whom, ballots and drafts — all held here and in
 * storage, never in the shared document.
 *
 * Every change follows the room's own write path: check -> store -> apply in memory -> publish.
 * Commands run in the room's serial queue, so they are ordered with document updates and with
 * each other, and a command's storage write finishes before the next message is handled.
 *
 * What is sent to whom:
 *   session     everyone, on every change (one frame, encoded once)
 *   myVotes     the connections of one participant
 *   drafts      the connections of one participant
 *   voteResult  everyone, only for a round whose results may be seen
 */
import { timingSafeEqual } from 'node:crypto';
import {
  CloseCode,
  CloseReason,
  type CommandErrorCode,
  type CommandName,
  type ControlMessage,
  type Draft,
  type MyVotes,
  type RefusedChange,
  type RosterEntry,
  type SessionMessage,
} from '../../shared/protocol.ts';
import type { Template, Role } from '../../shared/schema.ts';
import {
  currentPhase,
  parseSessionState,
  stampChanges,
  phasesOf,
  standingOf,
  runsSession,
  timerRemaining,
  endTimer,
  type SessionState,
  type SessionVote,
  type Standing,
  type Step,
} from '../../shared/facilitation/index.ts';
import { dotsUsed, resultsVisible, type Ballot } from '../../shared/votes.ts';
import type { TokenHashes } from '../auth/tokens.ts';
import type { Logger } from '../log.ts';
import type { Connection } from '../rooms/connection.ts';
import { controlFrame } from '../rooms/messages.ts';
import type { DecodedUpdate, Room, RoomHooks, UpdateDecision } from '../rooms/room.ts';
import type { Awaitable, ParticipantRecord, Storage, VoteRoundRecord } from '../storage/storage.ts';
import { parseCommand, type ParsedArgs } from './commands.ts';
import type { LinkRotator } from './facilitation.ts';
import { COMMANDS } from './handlers.ts';
import { roundResult } from './results.ts';
import { authorOf, creditsOfRemoved, creditsOfRestored, judgePart, refusedChange, type JudgeContext } from './judgeUpdate.ts';
import { analyseUpdate, withoutParts, type UpdatePart } from './updateParts.ts';
import { findRecord, recordCredits, setAuthor, type Author } from '../../shared/board/index.ts';

export type SessionDeps = {
  storage: Storage;
  logger: Logger;
  /** the server's clock (ms since the epoch); every time in the session is on it */
  now: () => number;
  /** called once when the session's room is destroyed */
  onDestroy?: (session: BoardSession) => void;
  /** rotates a link (storage and every live session); absent, rotateLink is refused */
  rotateLink?: LinkRotator;
  /** anonymous rounds: fewest voters a sector needs to be shown on its own (default 3) */
  minSectorVoters?: number;
};

/** Who sent a command, as the handlers see it. */
export type CommandContext = {
  conn: Connection;
  /** null until the connection has joined */
  participant: ParticipantRecord | null;
  standing: Standing;
  now: number;
};

/** A command's answer; `afterReply` runs after the result was sent (e.g. closing the sender). */
export type Outcome =
  | { ok: true; value?: unknown; afterReply?: () => void }
  | { ok: false; code: CommandErrorCode; message: string; afterReply?: () => void };

/**
 * Who may run a command: anyone (join), anyone who joined, facilitators and co-facilitators
 * ('runs-session'), or holders of the facilitator link only.
 */
export type Access = 'anyone' | 'joined' | 'runs-session' | 'facilitator';

export type CommandSpec<N extends CommandName> = {
  access: Access;
  run(session: BoardSession, ctx: CommandContext, args: ParsedArgs<N>): Awaitable<Outcome>;
};

export function refuse(code: CommandErrorCode, message: string): Outcome {
  return { ok: false, code, message };
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, contributor: 1, facilitator: 2 };

/**
 * Joins and leaves only change the roster, and the roster rides in every `session` message: at
 * most one such publish per this many ms, so a room of hundreds arriving at once is not sent
 * hundreds of rosters each. A command's publish goes out at once and carries the roster too.
 */
export const PRESENCE_PUBLISH_MS = 200;

/** How many deleted cards' credits a session keeps for undo. */
const REMOVED_CREDITS_KEPT = 5000;

export class BoardSession implements RoomHooks {
  state!: SessionState;
  template: Template = 'open';
  readonly participants = new Map<string, ParticipantRecord>();
  readonly rounds = new Map<number, VoteRoundRecord>();
  /** round -> participant id -> that person's dots */
  readonly ballots = new Map<number, Map<string, Ballot>>();
  /** participant id -> draft id -> draft */
  readonly drafts = new Map<string, Map<string, Draft>>();
  private tokenHashes: TokenHashes | null = null;
  /** links rotated while this session was loading: applied over what the load read */
  private rotatedWhileLoading: Partial<TokenHashes> = {};
  private loaded = false;
  private readonly joinedAs = new Map<Connection, string>();
  /** card id -> who it credited when it was deleted (see rememberCredits) */
  private readonly removedCredits = new Map<string, Author[]>();
  private timer: NodeJS.Timeout | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private destroyed = false;

  constructor(
    readonly room: Room,
    readonly deps: SessionDeps,
  ) {}

  get boardId(): string {
    return this.room.boardId;
  }

  get storage(): Storage {
    return this.deps.storage;
  }

  /** Reads the board's record and session from storage; the room opens only after this. */
  async load(): Promise<void> {
    const stored = await this.storage.loadSession(this.boardId);
    // the template is the one the board was created with: the document's copy is anyone's to edit
    const board = await this.storage.getBoard(this.boardId);
    this.template = board?.template ?? 'open';
    this.tokenHashes = board ? { ...board.tokenHashes, ...this.rotatedWhileLoading } : null;
    this.state = parseSessionState(stored.state, this.template);
    for (const p of stored.participants) this.participants.set(p.id, p);
    for (const r of stored.rounds) this.rounds.set(r.round, r);
    for (const b of stored.ballots) {
      const people = this.roundBallots(b.round);
      people.set(b.participantId, { ...(people.get(b.participantId) ?? {}), [b.cardId]: b.count });
    }
    for (const d of stored.drafts) {
      try {
        this.draftsOf(d.participantId).set(d.draftId, JSON.parse(d.data) as Draft);
      } catch {
        this.deps.logger.error('skipped a stored draft that is not JSON', { boardId: this.boardId, draftId: d.draftId });
      }
    }
    this.loaded = true;
    this.armTimer();
  }

  // --- hooks ------------------------------------------------------------------------------------

  /** A connection whose link was rotated (after it authenticated) is kept out. */
  admit(conn: Connection): { code: number; reason: string } | null {
    const current = this.tokenHashes?.[conn.role];
    if (conn.tokenHash && current && !sameBytes(conn.tokenHash, current)) {
      return { code: CloseCode.linkRotated, reason: CloseReason.linkRotated };
    }
    return null;
  }

  joined(conn: Connection): void {
    conn.send(controlFrame(this.sessionMessage()));
    for (const round of this.rounds.values()) {
      if (resultsVisible(round)) conn.send(controlFrame({ type: 'voteResult', result: this.result(round.round)! }));
    }
  }

  left(conn: Connection): void {
    if (this.joinedAs.delete(conn)) this.presenceChanged();
  }

  /**
   * Judges a client's update part by part (each card, theme and meta field it touches) and keeps
   * the parts this person may make now; the refused ones are listed back to them with the reason.
   * A new card's author is whoever the server saw join on this connection: one that says
   * otherwise is kept and then credited to them (`after`).
   */
  checkUpdate(conn: Connection, update: DecodedUpdate): UpdateDecision | null {
    const analysis = analyseUpdate(this.room.doc, update);
    if (analysis.parts.size === 0 && !analysis.buildsOnCollected) return null;
    const removedCredits = (id: string) => this.removedCredits.get(id);
    const ctx: JudgeContext = {
      standing: this.standingOf(conn),
      participant: this.participantOf(conn),
      mergeCredits: creditsOfRemoved(this.room.doc, analysis),
      removedCredits,
      restoredCredits: creditsOfRestored(analysis, removedCredits),
    };
    const refused: Array<{ part: UpdatePart; change: RefusedChange }> = [];
    const recredit: string[] = [];
    for (const part of analysis.parts.values()) {
      const judged = judgePart(this.room.doc, this.state, this.template, ctx, part);
      if (judged.refusal) {
        refused.push({ part, change: refusedChange(part, judged.refusal, this.state) });
        continue;
      }
      if (part.removes) this.rememberCredits(part);
      if (judged.recredit && (part.target.kind === 'card' || part.target.kind === 'theme')) recredit.push(part.target.id);
    }
    const after =
      recredit.length > 0 && ctx.participant
        ? () => this.creditTo(recredit, ctx.participant!)
        : undefined;
    // nothing refused, nothing that builds on what was: the bytes as sent
    if (refused.length === 0 && !analysis.buildsOnCollected) return after ? { keep: 'all', after } : null;
    // Otherwise the update with placeholders for what goes. Refused whole, nothing is stored:
    // the sender's copy then still lacks nothing on the server, so if the notice is lost with
    // its connection, the next sync sends the refused change again and it is refused (and kept
    // for the person) again. Its page drops the copy on `refused`; a stock client's later
    // updates wait on the gap (Yjs holds them pending) until it resyncs.
    const keep =
      refused.length === analysis.parts.size && !analysis.buildsOnCollected
        ? null
        : withoutParts(update, analysis, refused.map((r) => r.part));
    return {
      keep,
      ...(refused.length > 0
        ? { notice: { type: 'refused', changes: refused.map((r) => r.change), kept: refused.length < analysis.parts.size } }
        : {}),
      ...(after ? { after } : {}),
    };
  }

  /**
   * Who a card was credited to when it was deleted, so that undo can bring it back as it was.
   * Kept for this session's life (a restart forgets: undo after it credits the card to whoever
   * brings it back), at most REMOVED_CREDITS_KEPT cards.
   */
  private rememberCredits(part: UpdatePart): void {
    if (part.target.kind !== 'card' && part.target.kind !== 'theme') return;
    const record = findRecord(this.room.doc, part.target.id);
    if (!record) return;
    this.removedCredits.delete(part.target.id);
    this.removedCredits.set(part.target.id, recordCredits(record));
    if (this.removedCredits.size > REMOVED_CREDITS_KEPT) this.removedCredits.delete(this.removedCredits.keys().next().value!);
  }

  /** Credits cards and themes to `participant` (their author field said someone else). */
  private creditTo(ids: string[], participant: ParticipantRecord): void {
    const author = authorOf(participant);
    this.room.changeAsServer((doc) => {
      for (const id of ids) setAuthor(doc, id, author);
    });
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
        outcome = await this.run(conn, parsed.name, parsed.args);
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

  private run(conn: Connection, name: CommandName, args: unknown): Awaitable<Outcome> {
    const spec = COMMANDS[name] as CommandSpec<CommandName>;
    const participant = this.participantOf(conn);
    const standing = this.standingOf(conn);
    if (spec.access !== 'anyone' && !participant) {
      return refuse('not-joined', 'Join the board first: send join with your name, organisation and sector.');
    }
    if (spec.access === 'runs-session' && !runsSession(standing)) {
      return refuse('forbidden', 'Only the facilitator (or a co-facilitator) can do that.');
    }
    if (spec.access === 'facilitator' && standing !== 'facilitator') {
      return refuse('forbidden', 'Only the facilitator can do that.');
    }
    return spec.run(this, { conn, participant, standing, now: this.deps.now() }, args as never);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.timer = null;
    this.presenceTimer = null;
    this.deps.onDestroy?.(this);
  }

  // --- identity ------------------------------------------------------------------------------

  participantOf(conn: Connection): ParticipantRecord | null {
    const id = this.joinedAs.get(conn);
    return id === undefined ? null : (this.participants.get(id) ?? null);
  }

  standingOf(conn: Connection): Standing {
    return standingOf(conn.role, this.joinedAs.get(conn) ?? null, this.state);
  }

  /** Records that `conn` is `participant` (already stored). */
  bind(conn: Connection, participant: ParticipantRecord): void {
    this.participants.set(participant.id, participant);
    this.joinedAs.set(conn, participant.id);
  }

  connectionsOf(participantId: string): Connection[] {
    return this.room.connectionList().filter((c) => this.joinedAs.get(c) === participantId);
  }

  /** The highest link role any of a person's live connections has (their stored one if none). */
  liveRole(participantId: string): Role | null {
    let best: Role | null = null;
    for (const conn of this.connectionsOf(participantId)) {
      if (best === null || ROLE_RANK[conn.role] > ROLE_RANK[best]) best = conn.role;
    }
    return best;
  }

  closeParticipant(participantId: string, code: number, reason: string): void {
    for (const conn of this.connectionsOf(participantId)) conn.close(code, reason);
  }

  // --- links -----------------------------------------------------------------------------------

  setTokenHash(role: Role, hash: Uint8Array): void {
    if (!this.loaded || !this.tokenHashes) this.rotatedWhileLoading[role] = hash;
    else this.tokenHashes = { ...this.tokenHashes, [role]: hash };
  }

  /** Closes every connection of `role` that did not authenticate with the current token. */
  closeRotated(role: Role): void {
    const current = this.tokenHashes?.[role] ?? this.rotatedWhileLoading[role];
    for (const conn of this.room.connectionList()) {
      if (conn.role !== role) continue;
      if (conn.tokenHash && current && sameBytes(conn.tokenHash, current)) continue;
      conn.close(CloseCode.linkRotated, CloseReason.linkRotated);
    }
  }

  // --- state changes -----------------------------------------------------------------------------

  /** Stores a step's state, then applies and publishes it; a refused step is passed on. */
  async step(step: Step, value?: unknown): Promise<Outcome> {
    if (!step.ok) return refuse(step.code, step.message);
    await this.commit(step.state);
    return { ok: true, ...(value === undefined ? {} : { value }) };
  }

  /** Stores `next` (with its vote round, if that changed, in the same transaction), then applies it. */
  async commit(next: SessionState): Promise<void> {
    const prev = this.state;
    next = stampChanges(prev, next, this.deps.now());
    const round = next.vote && !sameVote(prev.vote, next.vote) ? this.roundRecord(next.vote) : undefined;
    await this.storage.saveSession(this.boardId, JSON.stringify(next), round);
    this.state = next;
    if (round) this.rounds.set(round.round, round);
    this.armTimer();
    this.publishSession();
    const vote = next.vote;
    if (vote && vote.round !== prev.vote?.round) {
      // a new vote: everyone's budget starts afresh
      for (const pid of new Set(this.joinedAs.values())) this.sendMyVotes(pid);
    }
    if (vote && round && resultsVisible(vote)) this.publishResult(vote.round);
  }

  private roundRecord(vote: SessionVote): VoteRoundRecord {
    return {
      boardId: this.boardId,
      round: vote.round,
      config: vote.config,
      status: vote.status,
      openedAt: vote.openedAt,
      closedAt: vote.closedAt,
      revealedAt: vote.revealedAt,
    };
  }

  // --- ballots and drafts (in memory; handlers store before calling these) ---------------------

  private roundBallots(round: number): Map<string, Ballot> {
    let people = this.ballots.get(round);
    if (!people) this.ballots.set(round, (people = new Map()));
    return people;
  }

  ballotOf(round: number | undefined, participantId: string): Ballot {
    return (round === undefined ? undefined : this.ballots.get(round)?.get(participantId)) ?? {};
  }

  setBallot(round: number, participantId: string, ballot: Ballot): void {
    const people = this.roundBallots(round);
    if (Object.keys(ballot).length === 0) people.delete(participantId);
    else people.set(participantId, ballot);
  }

  voterCount(round: number): number {
    return this.ballots.get(round)?.size ?? 0;
  }

  draftsOf(participantId: string): Map<string, Draft> {
    let drafts = this.drafts.get(participantId);
    if (!drafts) this.drafts.set(participantId, (drafts = new Map()));
    return drafts;
  }

  // --- publishing ------------------------------------------------------------------------------

  private sendTo(conns: Iterable<Connection>, message: ControlMessage): void {
    const frame = controlFrame(message);
    for (const conn of conns) conn.send(frame);
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
    const now = this.deps.now();
    const phases = phasesOf(this.template);
    const { timer, vote } = this.state;
    return {
      type: 'session',
      serverNow: now,
      template: this.template,
      phaseIndex: this.state.phaseIndex,
      phaseCount: phases.length,
      phase: currentPhase(this.state, this.template),
      phases: phases.map((p) => ({ id: p.id, name: p.name })),
      round: this.state.round,
      locked: this.state.locked,
      privateMode: this.state.privateMode,
      timer: {
        status: timer.status,
        durationMs: timer.durationMs,
        endsAt: timer.endsAt,
        remainingMs: timerRemaining(timer, now),
      },
      vote: vote ? { ...vote, voterCount: this.voterCount(vote.round) } : null,
      participants: this.roster(),
      draftsWaiting: this.draftsWaiting(),
    };
  }

  /** Everyone's drafts together: a count only, for the facilitator's "Reveal all". */
  private draftsWaiting(): number {
    let n = 0;
    for (const drafts of this.drafts.values()) n += drafts.size;
    return n;
  }

  private roster(): RosterEntry[] {
    const byPerson = new Map<string, RosterEntry>();
    for (const conn of this.room.connectionList()) {
      const participant = this.participantOf(conn);
      if (!participant) continue;
      const seen = byPerson.get(participant.id);
      if (seen && ROLE_RANK[seen.role] >= ROLE_RANK[conn.role]) continue;
      byPerson.set(participant.id, {
        participantId: participant.id,
        name: participant.name,
        organisation: participant.organisation,
        sector: participant.sector,
        role: conn.role,
        standing: standingOf(conn.role, participant.id, this.state),
      });
    }
    return [...byPerson.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.participantId < b.participantId ? -1 : 1));
  }

  myVotes(participantId: string): MyVotes {
    const vote = this.state.vote;
    if (!vote) return { round: null, dots: {}, used: 0, remaining: 0, budget: 0 };
    const ballot = this.ballotOf(vote.round, participantId);
    const used = dotsUsed(ballot);
    const budget = vote.config.votesPerPerson;
    return { round: vote.round, dots: { ...ballot }, used, remaining: Math.max(0, budget - used), budget };
  }

  sendMyVotes(participantId: string, conns: Iterable<Connection> = this.connectionsOf(participantId)): void {
    this.sendTo(conns, { type: 'myVotes', ...this.myVotes(participantId) });
  }

  sendDrafts(participantId: string, conns: Iterable<Connection> = this.connectionsOf(participantId)): void {
    const drafts = [...(this.drafts.get(participantId)?.values() ?? [])].sort((a, b) => a.updatedAt - b.updatedAt);
    this.sendTo(conns, { type: 'drafts', drafts });
    // the count of drafts waiting rides in the session message: batched like a roster change
    this.presenceChanged();
  }

  /** The full result of a round (trusted; publish only through `publishResult`). */
  result(round: number) {
    const record = this.rounds.get(round);
    if (!record) return null;
    const ballots = [...(this.ballots.get(round) ?? new Map<string, Ballot>())].flatMap(([participantId, ballot]) =>
      Object.entries(ballot).map(([cardId, count]) => ({ participantId, cardId, count })),
    );
    return roundResult(record, ballots, this.participants, this.deps.minSectorVoters);
  }

  /** Sends a round's results to everyone, if and only if they may be seen. */
  publishResult(round: number): void {
    const record = this.rounds.get(round);
    if (!record || !resultsVisible(record)) return;
    this.sendTo(this.room.connectionList(), { type: 'voteResult', result: this.result(round)! });
  }

  // --- timer -----------------------------------------------------------------------------------

  /** One timeout per running timer: when it fires the server itself ends the timer and says so. */
  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const t = this.state.timer;
    if (this.destroyed || t.status !== 'running' || t.endsAt === null) return;
    const delay = Math.max(0, t.endsAt - this.deps.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.room.schedule(() => this.timerDue());
    }, delay);
    this.timer.unref();
  }

  private async timerDue(): Promise<void> {
    if (this.destroyed) return;
    const step = endTimer(this.state, this.deps.now());
    // not running any more (stopped meanwhile), or woken a little early: look again
    if (!step.ok) return this.armTimer();
    await this.commit(step.state);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function sameVote(a: SessionVote | null, b: SessionVote | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.round === b.round && a.status === b.status && a.closedAt === b.closedAt && a.revealedAt === b.revealedAt;
}
