/**
 * In-memory stand-ins for unit tests of the room core: a socket that records frames, and a
 * storage wrapper that can delay or fail calls and records their order.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MessageType } from '../../shared/protocol.ts';
import type { SocketLike } from '../rooms/socket.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { MemoryDocuments } from '../storage/memory/documents.ts';
import type { Awaitable, DocumentStore, Storage } from '../storage/storage.ts';

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
 * A Storage over MemoryStorage whose documents part logs its calls, can answer asynchronously
 * (like a network database), can fail appends, and can hold compactions until a test releases
 * them. The other parts are the memory storage's own: they are not what these fakes observe.
 */
export class ObservedStorage implements Storage {
  readonly inner = new MemoryStorage();
  readonly boards = this.inner.boards;
  readonly sessions = this.inner.sessions;
  readonly versions = this.inner.versions;
  readonly comments = this.inner.comments;
  readonly documents: DocumentStore = new ObservedDocuments(this);
  calls: string[] = [];
  loads = 0;
  async = false;
  failAppend = false;
  /** while set, compact() waits for it */
  holdCompact: Promise<void> | null = null;

  ping() {
    this.inner.ping();
  }

  close() {}
}

class ObservedDocuments implements DocumentStore {
  constructor(private readonly observed: ObservedStorage) {}

  private get inner(): MemoryDocuments {
    return this.observed.inner.documents;
  }

  async loadDocument(id: string) {
    this.observed.loads++;
    this.observed.calls.push('load');
    await Promise.resolve();
    return this.inner.loadDocument(id);
  }

  appendUpdate(id: string, update: Uint8Array): Awaitable<number> {
    const o = this.observed;
    o.calls.push('append');
    if (o.failAppend) {
      if (o.async) return Promise.reject(new Error('disk full'));
      throw new Error('disk full');
    }
    if (!o.async) return this.inner.appendUpdate(id, update);
    return new Promise((resolve) => setTimeout(() => resolve(this.inner.appendUpdate(id, update)), 1));
  }

  compact(id: string, snapshot: Uint8Array, uptoSeq: number): Awaitable<void> {
    const o = this.observed;
    o.calls.push('compact');
    if (o.holdCompact) {
      const hold = o.holdCompact;
      return hold.then(() => this.inner.compact(id, snapshot, uptoSeq));
    }
    if (o.async) return Promise.resolve().then(() => this.inner.compact(id, snapshot, uptoSeq));
    return this.inner.compact(id, snapshot, uptoSeq);
  }
}
