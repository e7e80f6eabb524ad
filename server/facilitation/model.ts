/**
 * One board's trusted facilitation state — the session (phase, timer, lock, private mode, vote),
 * the people who joined, the vote rounds, everyone's ballots and drafts, the current link hashes —
 * held in memory and in storage, never in the shared document.
 *
 * Every change here is stored first, then applied in memory: a change nobody could store is never
 * seen, and what anyone was told about is already durable. Publishing is the caller's (see
 * publish.ts). This is the only place that calls the facilitation storage methods.
 *
 * No networking and no rooms: the model knows ids, never connections.
 */
import type { Draft, MyVotes } from '../../shared/protocol.ts';
import type { Template, Role } from '../../shared/schema.ts';
import { dotsUsed, type Ballot, type VoteRoundResult } from '../../shared/votes.ts';
import type { TokenHashes } from '../auth/tokens.ts';
import type { Logger } from '../log.ts';
import { StaleSessionError, type Awaitable, type ParticipantRecord, type Storage, type StoredSession, type VoteRoundRecord } from '../storage/storage.ts';
import { countsForItself, roundResult, type CountsFor } from './results.ts';
import { timingSafeEqual } from 'node:crypto';
import {
  readSessionState,
  stampChanges,
  type SessionState,
  type SessionVote,
} from '../../shared/facilitation/index.ts';

export type ModelDeps = {
  storage: Storage;
  boardId: string;
  logger: Logger;
  /** anonymous rounds: fewest voters a sector needs to be shown on its own (default 3) */
  minSectorVoters?: number;
  /** where the dots on each card count now (merged ideas: the idea they went into), read when results are made */
  countsFor?: () => CountsFor;
};

/** What a stored state change was: the state before, the state now, and the vote round it stored (if any). */
export type StateChange = { prev: SessionState; next: SessionState; round: VoteRoundRecord | undefined };

export class FacilitationModel {
  private current!: SessionState;
  private boardTemplate: Template = 'open';
  private readonly people = new Map<string, ParticipantRecord>();
  private readonly roundRecords = new Map<number, VoteRoundRecord>();
  /** round -> participant id -> that person's dots */
  private readonly ballots = new Map<number, Map<string, Ballot>>();
  /** participant id -> draft id -> draft */
  private readonly drafts = new Map<string, Map<string, Draft>>();
  private tokenHashes: TokenHashes | null = null;
  /** links rotated while this model was loading: applied over what the load read */
  private rotatedWhileLoading: Partial<TokenHashes> = {};
  private loaded = false;
  /** the stored session's revision this model last read or wrote: a save based on an older one is refused */
  private revision = 0;
  /** the last commit in flight: the next one waits for it */
  private commits: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ModelDeps) {}

  get boardId(): string {
    return this.deps.boardId;
  }

  private get storage(): Storage {
    return this.deps.storage;
  }

  get state(): SessionState {
    return this.current;
  }

  /** the template the board was created with (the document's copy is anyone's to edit) */
  get template(): Template {
    return this.boardTemplate;
  }

  get participants(): ReadonlyMap<string, ParticipantRecord> {
    return this.people;
  }

  get rounds(): ReadonlyMap<number, VoteRoundRecord> {
    return this.roundRecords;
  }

  /** Reads the board's record and session from storage. */
  async load(): Promise<void> {
    const stored = await this.storage.sessions.loadSession(this.boardId);
    const board = await this.storage.boards.getBoard(this.boardId);
    this.boardTemplate = board?.template ?? 'open';
    this.tokenHashes = board ? { ...board.tokenHashes, ...this.rotatedWhileLoading } : null;
    this.current = readSessionState(stored.state, this.boardTemplate);
    this.revision = stored.revision;
    for (const p of stored.participants) this.people.set(p.id, p);
    for (const r of stored.rounds) this.roundRecords.set(r.round, r);
    for (const b of stored.ballots) {
      const people = this.roundBallots(b.round);
      people.set(b.participantId, { ...(people.get(b.participantId) ?? {}), [b.cardId]: b.count });
    }
    for (const d of stored.drafts) {
      try {
        this.draftsFor(d.participantId).set(d.draftId, JSON.parse(d.data) as Draft);
      } catch {
        this.deps.logger.error('skipped a stored draft that is not JSON', { boardId: this.boardId, draftId: d.draftId });
      }
    }
    this.loaded = true;
  }

  // --- the session state ---------------------------------------------------------------------

  /**
   * Stores `next` (with its vote round, if that changed, in the same transaction), then applies it.
   * Commits run one at a time, each based on the revision the one before it stored, even if a
   * caller does not wait for the last. A save refused as stale (someone else saved the board's
   * session since) re-reads the stored state and revision before the error is passed on, so
   * the next command works on what is stored instead of failing for ever.
   */
  commit(next: SessionState, now: number): Promise<StateChange> {
    const run = this.commits.then(() => this.commitNow(next, now));
    this.commits = run.catch(() => undefined);
    return run;
  }

  private async commitNow(next: SessionState, now: number): Promise<StateChange> {
    try {
      return await this.save(next, now);
    } catch (error) {
      if (error instanceof StaleSessionError) await this.reloadState();
      throw error;
    }
  }

  /** Re-reads the stored session state, its revision and the vote rounds (after a stale save). */
  private async reloadState(): Promise<void> {
    const stored = await this.storage.sessions.loadSession(this.boardId);
    this.current = readSessionState(stored.state, this.boardTemplate);
    this.revision = stored.revision;
    for (const r of stored.rounds) this.roundRecords.set(r.round, r);
    this.deps.logger.warn('session state re-read after a stale save', { boardId: this.boardId, revision: this.revision });
  }

  private async save(next: SessionState, now: number): Promise<StateChange> {
    const prev = this.current;
    next = stampChanges(prev, next, now);
    const round = next.vote && !sameVote(prev.vote, next.vote) ? this.roundRecord(next.vote) : undefined;
    this.revision = await this.storage.sessions.saveSession(this.boardId, next, this.revision);
    this.current = next;
    if (round) this.roundRecords.set(round.round, round);
    return { prev, next, round };
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

  // --- people --------------------------------------------------------------------------------

  /** Stores a participant (a first join, or a known one's new name), then remembers it. */
  async saveParticipant(record: ParticipantRecord): Promise<void> {
    await this.storage.sessions.putParticipant(record);
    this.people.set(record.id, record);
  }

  /**
   * Marks a person removed, and takes their dots out of `liveRound` (an open vote; closed rounds
   * are history and stay as they were) and their drafts with them. The session state that lists
   * them as removed is the caller's to commit after.
   */
  async removePerson(target: ParticipantRecord, liveRound: number | null): Promise<void> {
    // stored first: from here on their credentials are refused, whatever else fails
    await this.storage.sessions.putParticipant({ ...target, removed: true });
    this.people.set(target.id, { ...target, removed: true });
    if (liveRound !== null) {
      await this.storage.sessions.deleteBallots(this.boardId, liveRound, target.id);
      this.setBallot(liveRound, target.id, {});
    }
    await this.storage.sessions.deleteDrafts(this.boardId, target.id);
    this.drafts.delete(target.id);
  }

  // --- ballots -------------------------------------------------------------------------------

  /** Stores one card's count in a person's ballot, then sets their whole ballot to `ballot`. */
  async castBallot(round: number, participantId: string, cardId: string, ballot: Ballot): Promise<void> {
    await this.storage.sessions.setBallot({ boardId: this.boardId, round, participantId, cardId, count: ballot[cardId] ?? 0 });
    this.setBallot(round, participantId, ballot);
  }

  private roundBallots(round: number): Map<string, Ballot> {
    let people = this.ballots.get(round);
    if (!people) this.ballots.set(round, (people = new Map()));
    return people;
  }

  private setBallot(round: number, participantId: string, ballot: Ballot): void {
    const people = this.roundBallots(round);
    if (Object.keys(ballot).length === 0) people.delete(participantId);
    else people.set(participantId, ballot);
  }

  ballotOf(round: number | undefined, participantId: string): Ballot {
    return (round === undefined ? undefined : this.ballots.get(round)?.get(participantId)) ?? {};
  }

  /** How many people have dots in `round` (never on what). */
  voterCount(round: number): number {
    return this.ballots.get(round)?.size ?? 0;
  }

  /** A person's own view of the open vote: their dots and what is left of their budget. */
  myVotes(participantId: string): MyVotes {
    const vote = this.current.vote;
    if (!vote) return { round: null, dots: {}, used: 0, remaining: 0, budget: 0 };
    const ballot = this.ballotOf(vote.round, participantId);
    const used = dotsUsed(ballot);
    const budget = vote.config.votesPerPerson;
    return { round: vote.round, dots: { ...ballot }, used, remaining: Math.max(0, budget - used), budget };
  }

  /** The full result of a round (trusted: publish it only when it may be seen). */
  result(round: number): VoteRoundResult | null {
    const record = this.roundRecords.get(round);
    if (!record) return null;
    const ballots = [...(this.ballots.get(round) ?? new Map<string, Ballot>())].flatMap(([participantId, ballot]) =>
      Object.entries(ballot).map(([cardId, count]) => ({ participantId, cardId, count })),
    );
    return roundResult(record, ballots, this.people, this.deps.minSectorVoters, this.deps.countsFor?.() ?? countsForItself);
  }

  // --- drafts --------------------------------------------------------------------------------

  private draftsFor(participantId: string): Map<string, Draft> {
    let drafts = this.drafts.get(participantId);
    if (!drafts) this.drafts.set(participantId, (drafts = new Map()));
    return drafts;
  }

  /** One person's drafts (empty if none). */
  draftsOf(participantId: string): ReadonlyMap<string, Draft> {
    return this.drafts.get(participantId) ?? new Map<string, Draft>();
  }

  /** Everyone's drafts: participant id -> their drafts. */
  allDrafts(): ReadonlyMap<string, ReadonlyMap<string, Draft>> {
    return this.drafts;
  }

  /** Everyone's drafts together: a count only, for the facilitator's "Reveal all". */
  draftsWaiting(): number {
    let n = 0;
    for (const drafts of this.drafts.values()) n += drafts.size;
    return n;
  }

  async saveDraft(participantId: string, draft: Draft): Promise<void> {
    await this.storage.sessions.putDraft({
      boardId: this.boardId,
      participantId,
      draftId: draft.draftId,
      data: JSON.stringify(draft),
      updatedAt: draft.updatedAt,
    });
    this.draftsFor(participantId).set(draft.draftId, draft);
  }

  async deleteDraft(participantId: string, draftId: string): Promise<void> {
    await this.storage.sessions.deleteDraft(this.boardId, participantId, draftId);
    this.drafts.get(participantId)?.delete(draftId);
  }

  /**
   * Forgets every draft now and deletes them from storage in the task given to `afterWrites` —
   * the room's queue, after the task that stores the cards they became. This is the one change
   * applied before it is stored: a crash in between can at worst reveal a draft twice, never
   * lose one.
   */
  clearDrafts(afterWrites: (task: () => Awaitable<void>) => void): void {
    afterWrites(() => this.storage.sessions.deleteDrafts(this.boardId));
    this.drafts.clear();
  }

  // --- links ---------------------------------------------------------------------------------

  /** A live link rotated (the service stored it): applied now, or over the load if still loading. */
  setTokenHash(role: Role, hash: Uint8Array): void {
    if (!this.loaded || !this.tokenHashes) this.rotatedWhileLoading[role] = hash;
    else this.tokenHashes = { ...this.tokenHashes, [role]: hash };
  }

  /** True if `hash` (what a connection authenticated with) is no longer the `role` link's token. */
  isRotated(role: Role, hash: Uint8Array | null): boolean {
    const current = this.tokenHashes?.[role];
    return !!hash && !!current && !sameBytes(hash, current);
  }

  /** True if `hash` is the `role` link's newest token, counting a rotation still waiting on the load. */
  isLatest(role: Role, hash: Uint8Array | null): boolean {
    const current = this.tokenHashes?.[role] ?? this.rotatedWhileLoading[role];
    return !!hash && !!current && sameBytes(hash, current);
  }
}

// --- storage outside a live board ---------------------------------------------------------------

/** Stores a link's new token hash (whether or not the board is loaded). */
export function storeTokenHash(storage: Storage, boardId: string, role: Role, hash: Uint8Array): Awaitable<void> {
  return storage.boards.setTokenHash(boardId, role, hash);
}

/** A board's stored session, read afresh (for results outside a live room). */
export function readStoredSession(storage: Storage, boardId: string): Awaitable<StoredSession> {
  return storage.sessions.loadSession(boardId);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function sameVote(a: SessionVote | null, b: SessionVote | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.round === b.round && a.status === b.status && a.closedAt === b.closedAt && a.revealedAt === b.revealedAt;
}
