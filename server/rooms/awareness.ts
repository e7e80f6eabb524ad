/**
 * Awareness, with ownership: the first connection to set a client id's state owns that id until
 * it leaves. Standard providers echo everyone's states back (same clock) and drop states they
 * consider timed out (same clock, null); those entries are ignored for ids owned by someone
 * else. Only a real change to someone else's state (a higher clock) is an offence. An id whose
 * state has timed out here is free again: its owner has been silent for the whole awareness
 * timeout (a network gone without a close), and the page behind it may be back on a new
 * connection; the next connection to set it takes it over.
 *
 * Limits, so that one link holder cannot flood everyone (and every late joiner) with presence:
 * one client id per connection at a time (4410), each state at most `maxAwarenessStateBytes`
 * (4413), all of the board's states together at most `maxAwarenessBytesPerBoard` (4504, for the
 * connection whose state would take it over).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import type { Limits } from '../config.ts';
import type { Connection } from './connection.ts';
import { RejectedMessage, readOrReject } from './rejectedMessage.ts';

/** What the awareness reports on its 'update' event. */
export type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

export class AwarenessOwnership {
  /** awareness client id -> the connection that introduced it */
  private readonly awarenessOwners = new Map<number, Connection>();
  /** awareness client id -> the bytes of its state, and their sum: capped per board */
  private readonly awarenessStateBytes = new Map<number, number>();
  private awarenessBytes = 0;

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly limits: Limits,
  ) {}

  /** An awareness message from `conn`: applied as far as it is allowed, or a RejectedMessage thrown. */
  receive(conn: Connection, decoder: decoding.Decoder): void {
    const update = readOrReject(() => decoding.readVarUint8Array(decoder));
    const entries: { clientId: number; clock: number; json: string; bytes: number; removal: boolean }[] = [];
    // check every entry before applying any
    readOrReject(() => {
      const d = decoding.createDecoder(update);
      const count = decoding.readVarUint(d);
      for (let i = 0; i < count; i++) {
        const clientId = decoding.readVarUint(d);
        const clock = decoding.readVarUint(d);
        const start = d.pos;
        const json = decoding.readVarString(d);
        // as sent: the UTF-8 bytes and their length prefix
        const bytes = d.pos - start;
        if (bytes > this.limits.maxAwarenessStateBytes) {
          throw new RejectedMessage(CloseCode.awarenessTooBig, CloseReason.awarenessTooBig, `${bytes} bytes`);
        }
        entries.push({ clientId, clock, json, bytes, removal: JSON.parse(json) === null });
      }
    });
    const accepted: typeof entries = [];
    // the board's awareness bytes once the entries that change something are applied
    let boardBytes = this.awarenessBytes;
    const sizes = new Map<number, number>();
    for (const entry of entries) {
      let owner = this.awarenessOwners.get(entry.clientId);
      const current = this.awareness.meta.get(entry.clientId)?.clock ?? 0;
      if (owner && owner !== conn && !entry.removal && entry.clock > current && !this.awareness.states.has(entry.clientId)) {
        owner.ownedClients.delete(entry.clientId);
        this.awarenessOwners.delete(entry.clientId);
        owner = undefined;
      }
      // the server's own id (the doc's) is nobody's to set
      if ((owner && owner !== conn) || entry.clientId === this.awareness.doc.clientID) {
        if (entry.clock > current) {
          throw new RejectedMessage(CloseCode.awarenessConflict, CloseReason.awarenessConflict, `client ${entry.clientId}`);
        }
        continue;
      }
      accepted.push(entry);
      // the same test applyAwarenessUpdate uses to decide whether an entry changes anything
      const applies =
        current < entry.clock ||
        (current === entry.clock && entry.removal && this.awareness.states.has(entry.clientId));
      if (!applies) continue;
      if (!entry.removal && !owner && conn.ownedClients.size > 0) {
        throw new RejectedMessage(CloseCode.awarenessSecondClient, CloseReason.awarenessSecondClient, `client ${entry.clientId}`);
      }
      boardBytes += (entry.removal ? 0 : entry.bytes) - (sizes.get(entry.clientId) ?? this.awarenessStateBytes.get(entry.clientId) ?? 0);
      sizes.set(entry.clientId, entry.removal ? 0 : entry.bytes);
      if (entry.removal) {
        this.awarenessOwners.delete(entry.clientId);
        conn.ownedClients.delete(entry.clientId);
      } else if (!owner) {
        this.awarenessOwners.set(entry.clientId, conn);
        conn.ownedClients.add(entry.clientId);
      }
    }
    if (boardBytes > this.limits.maxAwarenessBytesPerBoard && boardBytes > this.awarenessBytes) {
      throw new RejectedMessage(CloseCode.awarenessBoardFull, CloseReason.awarenessBoardFull, `${boardBytes} bytes`);
    }
    // removals are counted off as the awareness reports them (`removed`), whoever removes
    for (const [clientId, bytes] of sizes) if (bytes > 0) this.setAwarenessStateBytes(clientId, bytes);
    if (accepted.length === 0) return;
    const filtered = accepted.length === entries.length ? update : encodeAwarenessEntries(accepted);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered, conn.origin);
  }

  /** `conn` left: its ids are free again, and their states are removed (the others see it go). */
  release(conn: Connection): void {
    if (conn.ownedClients.size === 0) return;
    const owned = Array.from(conn.ownedClients);
    for (const id of owned) this.awarenessOwners.delete(id);
    // broadcast as a removal through the awareness's 'update' event, so the others see this person leave
    awarenessProtocol.removeAwarenessStates(this.awareness, owned, conn.origin);
  }

  /** States the awareness removed (by their owner, by the owner leaving, or timed out): no longer counted. */
  removed(ids: number[]): void {
    for (const id of ids) this.setAwarenessStateBytes(id, 0);
  }

  private setAwarenessStateBytes(clientId: number, bytes: number): void {
    this.awarenessBytes += bytes - (this.awarenessStateBytes.get(clientId) ?? 0);
    if (bytes > 0) this.awarenessStateBytes.set(clientId, bytes);
    else this.awarenessStateBytes.delete(clientId);
  }
}

function encodeAwarenessEntries(entries: { clientId: number; clock: number; json: string }[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, json);
  }
  return encoding.toUint8Array(e);
}
