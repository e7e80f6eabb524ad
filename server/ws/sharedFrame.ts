/**
 * Fan-out without per-recipient framing. A room sends the same Uint8Array to every connection;
 * `ws.send` would build a WebSocket frame header and do a corked two-part write for each of them.
 * Here the frame (header + payload) is built once per payload and written to each TCP socket as
 * one buffer.
 *
 * This reaches into `ws` internals (`_socket`, `_sender`), pinned at ws 8.23.0. Whenever the
 * sender is busy (compression, a queued blob) or the internals are not where we expect them, it
 * falls back to `ws.send`, which is always correct.
 */
import type { WebSocket } from 'ws';

type WsInternals = {
  _socket?: { write(chunk: Uint8Array): boolean; writable?: boolean } | null;
  _sender?: { _state?: number; _deflating?: boolean; _queue?: unknown[] } | null;
};

const framed = new WeakMap<Uint8Array, Buffer>();

/** An unmasked, final, binary WebSocket frame (RFC 6455 §5.2) around `payload`. */
export function binaryFrame(payload: Uint8Array): Buffer {
  const n = payload.byteLength;
  const headerLength = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerLength + n);
  out[0] = 0x82; // FIN + opcode 2 (binary)
  if (n < 126) {
    out[1] = n;
  } else if (n < 65536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  out.set(payload, headerLength);
  return out;
}

/** Sends `payload` as one binary message, reusing the frame built for the same payload object. */
export function sendShared(ws: WebSocket, payload: Uint8Array): void {
  const internals = ws as unknown as WsInternals;
  const socket = internals._socket;
  const sender = internals._sender;
  const idle = sender && sender._state === 0 && !sender._deflating && (sender._queue?.length ?? 0) === 0;
  if (ws.readyState !== 1 || !socket || !idle || socket.writable === false) {
    ws.send(payload, { binary: true });
    return;
  }
  let frame = framed.get(payload);
  if (!frame) {
    frame = binaryFrame(payload);
    framed.set(payload, frame);
  }
  socket.write(frame);
}
