/** The documents part of the in-memory storage: per board, a snapshot and the log after it. */
import type { DocumentStore, StoredDocument } from '../documents.ts';
import { UnknownBoardError } from '../errors.ts';

type Entry = {
  snapshot: Uint8Array | null;
  snapshotSeq: number;
  updates: { seq: number; data: Uint8Array }[];
};

export class MemoryDocuments implements DocumentStore {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;

  /** A new board's document with its first snapshot (called by the boards part). */
  create(id: string, snapshot: Uint8Array): void {
    this.entries.set(id, { snapshot: snapshot.slice(), snapshotSeq: 0, updates: [] });
  }

  loadDocument(id: string): StoredDocument {
    const entry = this.entries.get(id);
    if (!entry) return { snapshot: null, updates: [], lastSeq: 0 };
    const last = entry.updates.at(-1);
    return {
      snapshot: entry.snapshot ? entry.snapshot.slice() : null,
      updates: entry.updates.map((u) => u.data.slice()),
      lastSeq: Math.max(entry.snapshotSeq, last ? last.seq : 0),
    };
  }

  appendUpdate(id: string, update: Uint8Array): number {
    const entry = this.entries.get(id);
    if (!entry) throw new UnknownBoardError(id);
    if (!(update instanceof Uint8Array)) throw new TypeError('update must be a Uint8Array');
    const seq = ++this.seq;
    entry.updates.push({ seq, data: update.slice() });
    return seq;
  }

  compact(id: string, snapshot: Uint8Array, uptoSeq: number): void {
    const entry = this.entries.get(id);
    if (!entry) throw new UnknownBoardError(id);
    // check everything before changing anything, as the SQL transaction would roll back
    if (!(snapshot instanceof Uint8Array)) throw new TypeError('snapshot must be a Uint8Array');
    if (!Number.isSafeInteger(uptoSeq)) throw new TypeError('uptoSeq must be an integer');
    if (uptoSeq < entry.snapshotSeq) return;
    entry.snapshot = snapshot.slice();
    entry.snapshotSeq = uptoSeq;
    entry.updates = entry.updates.filter((u) => u.seq > uptoSeq);
  }
}
