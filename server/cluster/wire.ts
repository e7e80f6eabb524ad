/**
 * What processes send each other over Redis about relayed sockets, as binary messages on the
 * receiving process's own channel:
 *
 *   open   relay -> owner   a client socket for `boardId` was accepted (token already checked)
 *   frame  both ways        one WebSocket message of the connection `conn`, as the client sent it
 *                           or as the owner's room sent it
 *   close  both ways        the client left (to the owner), or the owner closed the connection
 *                           with `code` (to the relay)
 *   fanout owner -> relay   one frame for several connections of that relay: a room sends the
 *                           same bytes to everyone, and this sends them over Redis once
 *
 * `conn` names a relayed connection cluster-wide: the relay's process id and its own number.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ROLES, type Role } from '../../shared/schema.ts';

export type RelayMessage =
  | { type: 'open'; conn: string; replyTo: string; boardId: string; role: Role; tokenHash: Uint8Array | null }
  | { type: 'frame'; conn: string; data: Uint8Array }
  | { type: 'close'; conn: string; code: number; reason: string }
  | { type: 'fanout'; conn: string; others: string[]; data: Uint8Array };

const TYPES = ['open', 'frame', 'close', 'fanout'] as const;

export function encodeRelayMessage(message: RelayMessage): Buffer {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, TYPES.indexOf(message.type));
  encoding.writeVarString(e, message.conn);
  switch (message.type) {
    case 'open':
      encoding.writeVarString(e, message.replyTo);
      encoding.writeVarString(e, message.boardId);
      encoding.writeVarString(e, message.role);
      encoding.writeVarUint8Array(e, message.tokenHash ?? new Uint8Array(0));
      break;
    case 'frame':
      encoding.writeVarUint8Array(e, message.data);
      break;
    case 'close':
      encoding.writeVarUint(e, message.code);
      encoding.writeVarString(e, message.reason);
      break;
    case 'fanout':
      encoding.writeVarUint(e, message.others.length);
      for (const id of message.others) encoding.writeVarString(e, id);
      encoding.writeVarUint8Array(e, message.data);
      break;
  }
  const bytes = encoding.toUint8Array(e);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The message, or null for bytes that are not one (another installation sharing the channel, say). */
export function decodeRelayMessage(bytes: Uint8Array): RelayMessage | null {
  try {
    const d = decoding.createDecoder(bytes);
    const type = TYPES[decoding.readVarUint(d)];
    const conn = decoding.readVarString(d);
    switch (type) {
      case 'open': {
        const replyTo = decoding.readVarString(d);
        const boardId = decoding.readVarString(d);
        const role = decoding.readVarString(d);
        const hash = decoding.readVarUint8Array(d);
        if (!(ROLES as readonly string[]).includes(role)) return null;
        return { type, conn, replyTo, boardId, role: role as Role, tokenHash: hash.byteLength > 0 ? hash : null };
      }
      case 'frame':
        return { type, conn, data: decoding.readVarUint8Array(d) };
      case 'close':
        return { type, conn, code: decoding.readVarUint(d), reason: decoding.readVarString(d) };
      case 'fanout': {
        const count = decoding.readVarUint(d);
        const others: string[] = [];
        for (let i = 0; i < count; i++) others.push(decoding.readVarString(d));
        return { type, conn, others, data: decoding.readVarUint8Array(d) };
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}
