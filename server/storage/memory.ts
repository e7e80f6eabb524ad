/**
 * In-memory storage for tests. It copies every buffer in and out, so a test cannot pass because
 * it shares memory with the server.
 */
import { roleForHash } from '../auth/tokens.ts';
import { UnknownBoardError, type BoardRecord, type Storage, type StoredDocument } from './storage.ts';

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
}
