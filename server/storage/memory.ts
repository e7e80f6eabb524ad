/**
 * In-memory storage for tests. It copies every buffer in and out, so a test cannot pass because
 * it shares memory with the server.
 */
import { roleForHash } from '../auth/tokens.ts';
import {
  UnknownBoardError,
  type BallotRecord,
  type BoardRecord,
  type DraftRecord,
  type ParticipantRecord,
  type Storage,
  type StoredDocument,
  type StoredComment,
  type StoredSession,
  type StoredVersion,
  type VersionRecord,
  type VoteRoundRecord,
} from './storage.ts';
import type { Role } from '../../shared/schema.ts';

type Entry = {
  board: BoardRecord;
  snapshot: Uint8Array | null;
  snapshotSeq: number;
  updates: { seq: number; data: Uint8Array }[];
};

function copyBoard(board: BoardRecord): BoardRecord {
  return {
    ...board,
    tokenHashes: {
      facilitator: board.tokenHashes.facilitator.slice(),
      contributor: board.tokenHashes.contributor.slice(),
      viewer: board.tokenHashes.viewer.slice(),
    },
  };
}

export class MemoryStorage implements Storage {
  private readonly boards = new Map<string, Entry>();
  private seq = 0;

  createBoard(board: BoardRecord, snapshot: Uint8Array): void {
    if (this.boards.has(board.id)) throw new Error(`board ${board.id} exists`);
    this.boards.set(board.id, { board: copyBoard(board), snapshot: snapshot.slice(), snapshotSeq: 0, updates: [] });
  }

  getBoard(id: string): BoardRecord | null {
    const entry = this.boards.get(id);
    return entry ? copyBoard(entry.board) : null;
  }

  findRoleByTokenHash(boardId: string, hash: Uint8Array) {
    const entry = this.boards.get(boardId);
    return entry ? roleForHash(entry.board.tokenHashes, hash) : null;
  }

  loadDocument(id: string): StoredDocument {
    const entry = this.boards.get(id);
    if (!entry) return { snapshot: null, updates: [], lastSeq: 0 };
    const last = entry.updates.at(-1);
    return {
      snapshot: entry.snapshot ? entry.snapshot.slice() : null,
      updates: entry.updates.map((u) => u.data.slice()),
      lastSeq: Math.max(entry.snapshotSeq, last ? last.seq : 0),
    };
  }

  appendUpdate(id: string, update: Uint8Array): number {
    const entry = this.boards.get(id);
    if (!entry) throw new UnknownBoardError(id);
    if (!(update instanceof Uint8Array)) throw new TypeError('update must be a Uint8Array');
    const seq = ++this.seq;
    entry.updates.push({ seq, data: update.slice() });
    return seq;
  }

  compact(id: string, snapshot: Uint8Array, uptoSeq: number): void {
    const entry = this.boards.get(id);
    if (!entry) throw new UnknownBoardError(id);
    // check everything before changing anything, as the SQL transaction would roll back
    if (!(snapshot instanceof Uint8Array)) throw new TypeError('snapshot must be a Uint8Array');
    if (!Number.isSafeInteger(uptoSeq)) throw new TypeError('uptoSeq must be an integer');
    if (uptoSeq < entry.snapshotSeq) return;
    entry.snapshot = snapshot.slice();
    entry.snapshotSeq = uptoSeq;
    entry.updates = entry.updates.filter((u) => u.seq > uptoSeq);
  }

  close(): void {}

  // --- saved versions ---------------------------------------------------------------------------

  private readonly versions = new Map<string, StoredVersion[]>();

  saveVersion(version: StoredVersion): void {
    if (!this.boards.has(version.boardId)) throw new UnknownBoardError(version.boardId);
    if (!(version.state instanceof Uint8Array)) throw new TypeError('state must be a Uint8Array');
    for (const list of this.versions.values()) {
      if (list.some((v) => v.id === version.id)) throw new Error(`version ${version.id} exists`);
    }
    const list = this.versions.get(version.boardId) ?? [];
    list.push(copyVersion(version));
    this.versions.set(version.boardId, list);
  }

  listVersions(boardId: string): VersionRecord[] {
    return (this.versions.get(boardId) ?? [])
      .map(({ state: _state, votes: _votes, ...record }) => ({ ...record, createdBy: { ...record.createdBy } }))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  getVersion(boardId: string, versionId: string): StoredVersion | null {
    const found = this.versions.get(boardId)?.find((v) => v.id === versionId);
    return found ? copyVersion(found) : null;
  }

  // --- comments on the brief -------------------------------------------------------------------

  private readonly comments = new Map<string, StoredComment[]>();

  addComment(comment: StoredComment): void {
    if (!this.boards.has(comment.boardId)) throw new UnknownBoardError(comment.boardId);
    const list = this.comments.get(comment.boardId) ?? [];
    if (list.some((c) => c.id === comment.id)) throw new Error(`comment ${comment.id} exists`);
    list.push(copyComment(comment));
    this.comments.set(comment.boardId, list);
  }

  listComments(boardId: string): StoredComment[] {
    // a stable sort: equal times keep the order they were added in
    return (this.comments.get(boardId) ?? []).map(copyComment).sort((a, b) => a.createdAt - b.createdAt);
  }

  // --- facilitation: session, participants, votes, drafts, links ------------------------------------

  private readonly sessions = new Map<string, SessionEntry>();

  private sessionOf(boardId: string): SessionEntry {
    if (!this.boards.has(boardId)) throw new UnknownBoardError(boardId);
    let entry = this.sessions.get(boardId);
    if (!entry) {
      entry = { state: null, participants: new Map(), rounds: new Map(), ballots: new Map(), drafts: new Map() };
      this.sessions.set(boardId, entry);
    }
    return entry;
  }

  loadSession(boardId: string): StoredSession {
    const entry = this.sessions.get(boardId);
    if (!entry) return { state: null, participants: [], rounds: [], ballots: [], drafts: [] };
    return {
      state: entry.state,
      participants: [...entry.participants.values()].map(copyParticipant),
      rounds: [...entry.rounds.values()].sort((a, b) => a.round - b.round).map(copyRound),
      ballots: [...entry.ballots.values()].map((b) => ({ ...b })),
      drafts: [...entry.drafts.values()].sort((a, b) => a.updatedAt - b.updatedAt).map((d) => ({ ...d })),
    };
  }

  saveSession(boardId: string, stateJson: string, round?: VoteRoundRecord): void {
    const entry = this.sessionOf(boardId);
    if (typeof stateJson !== 'string') throw new TypeError('state must be a JSON string');
    if (round && round.boardId !== boardId) throw new Error('round of another board');
    entry.state = stateJson;
    if (round) entry.rounds.set(round.round, copyRound(round));
  }

  putParticipant(participant: ParticipantRecord): void {
    const entry = this.sessionOf(participant.boardId);
    if (!(participant.secretHash instanceof Uint8Array)) throw new TypeError('secretHash must be a Uint8Array');
    entry.participants.set(participant.id, copyParticipant(participant));
  }

  setBallot(ballot: BallotRecord): void {
    const entry = this.sessionOf(ballot.boardId);
    if (!entry.rounds.has(ballot.round)) throw new Error(`no vote round ${ballot.round}`);
    if (!entry.participants.has(ballot.participantId)) throw new Error(`no participant ${ballot.participantId}`);
    if (!Number.isInteger(ballot.count) || ballot.count < 0) throw new TypeError('count must be a whole number');
    const key = JSON.stringify([ballot.round, ballot.participantId, ballot.cardId]);
    if (ballot.count === 0) entry.ballots.delete(key);
    else entry.ballots.set(key, { ...ballot });
  }

  deleteBallots(boardId: string, round: number, participantId: string): void {
    const entry = this.sessions.get(boardId);
    if (!entry) return;
    for (const [key, b] of entry.ballots) {
      if (b.round === round && b.participantId === participantId) entry.ballots.delete(key);
    }
  }

  putDraft(draft: DraftRecord): void {
    const entry = this.sessionOf(draft.boardId);
    if (!entry.participants.has(draft.participantId)) throw new Error(`no participant ${draft.participantId}`);
    entry.drafts.set(JSON.stringify([draft.participantId, draft.draftId]), { ...draft });
  }

  deleteDraft(boardId: string, participantId: string, draftId: string): boolean {
    return this.sessions.get(boardId)?.drafts.delete(JSON.stringify([participantId, draftId])) ?? false;
  }

  deleteDrafts(boardId: string, participantId?: string): void {
    const entry = this.sessions.get(boardId);
    if (!entry) return;
    for (const [key, d] of entry.drafts) {
      if (participantId === undefined || d.participantId === participantId) entry.drafts.delete(key);
    }
  }

  setTokenHash(boardId: string, role: Role, hash: Uint8Array): void {
    const entry = this.boards.get(boardId);
    if (!entry) throw new UnknownBoardError(boardId);
    if (!(hash instanceof Uint8Array)) throw new TypeError('hash must be a Uint8Array');
    entry.board.tokenHashes[role] = hash.slice();
  }
}

type SessionEntry = {
  state: string | null;
  participants: Map<string, ParticipantRecord>;
  rounds: Map<number, VoteRoundRecord>;
  ballots: Map<string, BallotRecord>;
  drafts: Map<string, DraftRecord>;
};

function copyParticipant(p: ParticipantRecord): ParticipantRecord {
  return { ...p, secretHash: p.secretHash.slice() };
}

function copyRound(r: VoteRoundRecord): VoteRoundRecord {
  return { ...r, config: { ...r.config } };
}

function copyComment(comment: StoredComment): StoredComment {
  return {
    ...comment,
    target: { ...comment.target },
    author: comment.author ? { ...comment.author } : null,
  };
}

function copyVersion(version: StoredVersion): StoredVersion {
  return { ...version, createdBy: { ...version.createdBy }, state: version.state.slice() };
}
