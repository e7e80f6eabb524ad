/**
 * The sync frames a room sends from its document's current state, encoded once per state rather
 * than once per connection: the server's sync step 1 (its state vector), and the sync step 2
 * answering a client's state vector. After a restart a board's clients all come back holding the
 * same state, so they ask with the same state vector; each answer walks the whole document to
 * collect its delete set. Any transaction on the document clears what is kept (`changed`).
 */
import * as Y from 'yjs';
import { syncStep1Frame, syncStep2Frame } from './messages.ts';

/** distinct state vectors answered between two changes; more than this starts the cache afresh */
const MAX_REPLIES = 8;

export class SyncReplies {
  private step1: Uint8Array | null = null;
  private readonly step2 = new Map<string, Uint8Array>();

  constructor(private readonly doc: Y.Doc) {}

  /** The document changed (or may have): nothing kept is current any more. */
  changed(): void {
    this.step1 = null;
    this.step2.clear();
  }

  /** The server's sync step 1. */
  step1Frame(): Uint8Array {
    return (this.step1 ??= syncStep1Frame(this.doc));
  }

  /** The sync step 2 for a client whose encoded state vector is `stateVector`: what it lacks. Throws what Yjs throws for a state vector it cannot read. */
  step2Frame(stateVector: Uint8Array): Uint8Array {
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString('latin1');
    let frame = this.step2.get(key);
    if (!frame) {
      frame = syncStep2Frame(Y.encodeStateAsUpdate(this.doc, stateVector));
      if (this.step2.size >= MAX_REPLIES) this.step2.clear();
      this.step2.set(key, frame);
    }
    return frame;
  }
}
