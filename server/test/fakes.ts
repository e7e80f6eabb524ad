/**
 * In-memory stand-ins for unit tests of the room core: a socket that records frames, and a
 * storage wrapper that can delay or fail calls and records their order.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MessageType } from '../../shared/protocol.ts';
import type { SocketLike } from '../rooms/socket.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type {
  Awaitable,
  BallotRecord,
  BoardRecord,
  DraftRecord,
  ParticipantRecord,
  Storage,
  StoredComment,
  StoredVersion,
  VoteRoundRecord,
} from '../storage/storage.ts';
import type { Role } from '../../shared/schema.ts';

export class FakeSocket implements SocketLike {
  sent: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;
  bufferedAmount = 0;
  send(data: Uint8Array): void {
    if (this.closed) throw new Error('send after close');
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
}

export type DecodedFrame =
  | { type: 'sync'; kind: number; payload: Uint8Array }
  | { type: 'awareness'; payload: Uint8Array }
  | { type: 'control'; json: unknown }
  | { type: 'other'; messageType: number };

export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const d = decoding.createDecoder(frame);
  const type = decoding.readVarUint(d);
  if (type === MessageType.sync) {
    const kind = decoding.readVarUint(d);
    return { type: 'sync', kind, payload: decoding.readVarUint8Array(d) };
  }
  if (type === MessageType.awareness) return { type: 'awareness', payload: decoding.readVarUint8Array(d) };
  if (type === MessageType.crossboard) return { type: 'control', json: JSON.parse(decoding.readVarString(d)) };
  return { type: 'other', messageType: type };
}

/** A real update inserting `s` into text "t" of `doc`. */
export function insertUpdate(doc: Y.Doc, s: string, index = doc.getText('t').length): Uint8Array {
  let captured: Uint8Array | null = null;
  const grab = (u: Uint8Array) => (captured = u);
  doc.on('update', grab);
  doc.getText('t').insert(index, s);
  doc.off('update', grab);
  return captured!;
}

/**
 * A Storage over MemoryStorage that logs its calls, can answer asynchronously (like a network
 * database), can fail appends, and can hold compactions until a test releases them.
 */
export class ObservedStorage implements Storage {
  readonly inner = new MemoryStorage();
  calls: string[] = [];
  loads = 0;
  async = false;
  failAppend = false;
  /** while set, compact() waits for it */
  holdCompact: Promise<void> | null = null;

  createBoard(board: BoardRecord, snapshot: Uint8Array) {
    return this.inner.createBoard(board, snapshot);
  }
  getBoard(id: string) {
    return this.inner.getBoard(id);
  }
  findRoleByTokenHash(boardId: string, hash: Uint8Array) {
    return this.inner.findRoleByTokenHash(boardId, hash);
  }
  async loadDocument(id: string) {
    this.loads++;
    this.calls.push('load');
    await Promise.resolve();
    return this.inner.loadDocument(id);
  }
  appendUpdate(id: string, update: Uint8Array): Awaitable<number> {
    this.calls.push('append');
    if (this.failAppend) {
      if (this.async) return Promise.reject(new Error('disk full'));
      throw new Error('disk full');
    }
    if (!this.async) return this.inner.appendUpdate(id, update);
    return new Promise((resolve) => setTimeout(() => resolve(this.inner.appendUpdate(id, update)), 1));
  }
  compact(id: string, snapshot: Uint8Array, uptoSeq: number): Awaitable<void> {
    this.calls.push('compact');
    if (this.holdCompact) {
      const hold = this.holdCompact;
      return hold.then(() => this.inner.compact(id, snapshot, uptoSeq));
    }
    if (this.async) return Promise.resolve().then(() => this.inner.compact(id, snapshot, uptoSeq));
    return this.inner.compact(id, snapshot, uptoSeq);
  }
  close() {}
  saveVersion(version: StoredVersion) {
    return this.inner.saveVersion(version);
  }
  listVersions(boardId: string) {
    return this.inner.listVersions(boardId);
  }
  getVersion(boardId: string, versionId: string) {
    return this.inner.getVersion(boardId, versionId);
  }
  addComment(comment: StoredComment) {
    return this.inner.addComment(comment);
  }
  listComments(boardId: string) {
    return this.inner.listComments(boardId);
  }
  // facilitation state is not what these fakes observe: plain delegation
  loadSession(boardId: string) {
    return this.inner.loadSession(boardId);
  }
  saveSession(boardId: string, stateJson: string, round?: VoteRoundRecord) {
    return this.inner.saveSession(boardId, stateJson, round);
  }
  putParticipant(participant: ParticipantRecord) {
    return this.inner.putParticipant(participant);
  }
  setBallot(ballot: BallotRecord) {
    return this.inner.setBallot(ballot);
  }
  deleteBallots(boardId: string, round: number, participantId: string) {
    return this.inner.deleteBallots(boardId, round, participantId);
  }
  putDraft(draft: DraftRecord) {
    return this.inner.putDraft(draft);
  }
  deleteDraft(boardId: string, participantId: string, draftId: string) {
    return this.inner.deleteDraft(boardId, participantId, draftId);
  }
  deleteDrafts(boardId: string, participantId?: string) {
    return this.inner.deleteDrafts(boardId, participantId);
  }
  setTokenHash(boardId: string, role: Role, hash: Uint8Array) {
    return this.inner.setTokenHash(boardId, role, hash);
  }
}
