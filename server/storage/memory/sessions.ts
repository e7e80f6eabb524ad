/**
 * The facilitation part of the in-memory storage, with the same records and the same revision
 * check as the SQLite one.
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
import type { MemoryBoards } from './boards.ts';

/** The state's own fields: its vote is a round number, its co-facilitators and removed are flags on people. */
type StateFields = Omit<SessionState, 'vote' | 'coFacilitators' | 'removed'> & { voteRound: number | null };

type Person = { record: ParticipantRecord; coFacilitator: boolean };

type Entry = {
  state: StateFields | null;
  revision: number;
  people: Map<string, Person>;
  rounds: Map<number, VoteRoundRecord>;
  ballots: Map<string, BallotRecord>;
  drafts: Map<string, DraftRecord>;
};

export class MemorySessions implements SessionStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly boards: MemoryBoards) {}

  private entryOf(boardId: string): Entry {
    this.boards.check(boardId);
    let entry = this.entries.get(boardId);
    if (!entry) {
      entry = { state: null, revision: 0, people: new Map(), rounds: new Map(), ballots: new Map(), drafts: new Map() };
      this.entries.set(boardId, entry);
    }
    return entry;
  }

  loadSession(boardId: string): StoredSession {
    const entry = this.entries.get(boardId);
    if (!entry) return { state: null, revision: 0, participants: [], rounds: [], ballots: [], drafts: [] };
    return {
      state: entry.state ? sessionState(entry) : null,
      revision: entry.revision,
      participants: [...entry.people.values()].map((p) => copyParticipant(p.record)),
      rounds: [...entry.rounds.values()].sort((a, b) => a.round - b.round).map(copyRound),
      ballots: [...entry.ballots.values()].map((b) => ({ ...b })),
      drafts: [...entry.drafts.values()].sort((a, b) => a.updatedAt - b.updatedAt).map((d) => ({ ...d })),
    };
  }

  saveSession(boardId: string, state: SessionState, basedOn: number): number {
    const entry = this.entryOf(boardId);
    if (entry.revision !== basedOn) throw new StaleSessionError(boardId, basedOn, entry.revision);
    // check everything before changing anything, as the SQL transaction would roll back
    for (const id of [...state.coFacilitators, ...state.removed]) {
      if (!entry.people.has(id)) throw new Error(`no participant ${id}`);
    }
    const { vote, coFacilitators, removed, ...fields } = state;
    if (vote) entry.rounds.set(vote.round, copyRound({ boardId, ...vote }));
    entry.state = {
      ...fields,
      timer: { ...fields.timer },
      lockedAt: fields.lockedAt ?? null,
      phaseStartedAt: fields.phaseStartedAt ?? null,
      voteRound: vote?.round ?? null,
    };
    for (const [id, person] of entry.people) {
      person.coFacilitator = coFacilitators.includes(id);
      if (removed.includes(id)) person.record.removed = true;
    }
    return ++entry.revision;
  }

  putParticipant(participant: ParticipantRecord): void {
    const entry = this.entryOf(participant.boardId);
    if (!(participant.secretHash instanceof Uint8Array)) throw new TypeError('secretHash must be a Uint8Array');
    const known = entry.people.get(participant.id);
    const record = copyParticipant(participant);
    // removal is sticky: a writer holding an older copy of the person cannot bring them back
    record.removed ||= known?.record.removed ?? false;
    entry.people.set(participant.id, { record, coFacilitator: known?.coFacilitator ?? false });
  }

  setBallot(ballot: BallotRecord): void {
    const entry = this.entryOf(ballot.boardId);
    if (!entry.rounds.has(ballot.round)) throw new Error(`no vote round ${ballot.round}`);
    if (!entry.people.has(ballot.participantId)) throw new Error(`no participant ${ballot.participantId}`);
    if (!Number.isInteger(ballot.count) || ballot.count < 0) throw new TypeError('count must be a whole number');
    const key = JSON.stringify([ballot.round, ballot.participantId, ballot.cardId]);
    if (ballot.count === 0) entry.ballots.delete(key);
    else entry.ballots.set(key, { ...ballot });
  }

  deleteBallots(boardId: string, round: number, participantId: string): void {
    const entry = this.entries.get(boardId);
    if (!entry) return;
    for (const [key, b] of entry.ballots) {
      if (b.round === round && b.participantId === participantId) entry.ballots.delete(key);
    }
  }

  putDraft(draft: DraftRecord): void {
    const entry = this.entryOf(draft.boardId);
    if (!entry.people.has(draft.participantId)) throw new Error(`no participant ${draft.participantId}`);
    entry.drafts.set(JSON.stringify([draft.participantId, draft.draftId]), { ...draft });
  }

  deleteDraft(boardId: string, participantId: string, draftId: string): boolean {
    return this.entries.get(boardId)?.drafts.delete(JSON.stringify([participantId, draftId])) ?? false;
  }

  deleteDrafts(boardId: string, participantId?: string): void {
    const entry = this.entries.get(boardId);
    if (!entry) return;
    for (const [key, d] of entry.drafts) {
      if (participantId === undefined || d.participantId === participantId) entry.drafts.delete(key);
    }
  }
}

/** The stored state as a `SessionState`; people flagged in the order they joined, as SQLite reads them. */
function sessionState(entry: Entry): SessionState {
  const { voteRound, ...fields } = entry.state!;
  const round = voteRound === null ? undefined : entry.rounds.get(voteRound);
  const people = [...entry.people.values()].sort(
    (a, b) => a.record.joinedAt - b.record.joinedAt || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0),
  );
  return {
    ...fields,
    timer: { ...fields.timer },
    vote: round
      ? {
          round: round.round,
          config: { ...round.config },
          status: round.status,
          openedAt: round.openedAt,
          closedAt: round.closedAt,
          revealedAt: round.revealedAt,
        }
      : null,
    coFacilitators: people.filter((p) => p.coFacilitator).map((p) => p.record.id),
    removed: people.filter((p) => p.record.removed).map((p) => p.record.id),
  };
}

function copyParticipant(p: ParticipantRecord): ParticipantRecord {
  return { ...p, secretHash: p.secretHash.slice() };
}

function copyRound(r: VoteRoundRecord): VoteRoundRecord {
  return { ...r, config: { ...r.config } };
}
