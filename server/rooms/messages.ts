/**
 * Encoders for the frames the server sends. Each returns a finished frame, so a broadcast encodes
 * once and hands the same buffer to every socket.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { MessageType, SyncMessageType, type ControlMessage } from '../../shared/protocol.ts';

export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.step1);
  encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
  return encoding.toUint8Array(e);
}

export function syncStep2Frame(update: Uint8Array): Uint8Array {
  return syncFrame(SyncMessageType.step2, update);
}

export function updateFrame(update: Uint8Array): Uint8Array {
  return syncFrame(SyncMessageType.update, update);
}

function syncFrame(kind: number, update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export function awarenessFrame(awarenessUpdate: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, awarenessUpdate);
  return encoding.toUint8Array(e);
}

export function controlFrame(message: ControlMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.crossboard);
  encoding.writeVarString(e, JSON.stringify(message));
  return encoding.toUint8Array(e);
}
