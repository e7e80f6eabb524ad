/**
 * In-memory storage for tests: the same five parts as the SQLite storage, passing the same
 * contracts. It copies every buffer in and out, so a test cannot pass because it shares memory
 * with the server.
 */
import type { Storage } from './storage.ts';
import { MemoryBoards } from './memory/boards.ts';
import { MemoryDocuments } from './memory/documents.ts';
import { MemorySessions } from './memory/sessions.ts';
import { MemoryVersions } from './memory/versions.ts';
import { MemoryComments } from './memory/comments.ts';

export class MemoryStorage implements Storage {
  readonly documents = new MemoryDocuments();
  readonly boards = new MemoryBoards(this.documents);
  readonly sessions = new MemorySessions(this.boards);
  readonly versions = new MemoryVersions(this.boards);
  readonly comments = new MemoryComments(this.boards);
  private closed = false;

  /** Nothing to reach, but a closed storage says so, as the others do. */
  ping(): void {
    if (this.closed) throw new Error('storage closed');
  }

  close(): void {
    this.closed = true;
  }
}
