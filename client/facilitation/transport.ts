/**
 * The small shape the session store needs from a board connection (Lexical's `Provider` habit:
 * declare the interface you use, not the concrete class). `boardTransport` adapts the board's one
 * WebsocketProvider; unit tests use an in-memory fake.
 */
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { MessageType, type ControlMessage } from '../../shared/protocol.ts';

export interface SessionTransport {
  /** whether a frame sent now reaches the server */
  isOpen(): boolean;
  /** sends one JSON control message; false when the socket is not open */
  send(json: string): boolean;
  /** every type-100 message from the server, parsed */
  onMessage(listener: (message: ControlMessage) => void): () => void;
  /** the socket opened (a fresh connection: join again) */
  onOpen(listener: () => void): () => void;
  /** the socket closed, for whatever reason */
  onDrop(listener: () => void): () => void;
  /** the server closed the socket with a code (4401 link replaced, 4403 removed, ...) */
  onServerClose(listener: (code: number, reason: string) => void): () => void;
  /** never reconnect again with this connection (its link or person was shut out) */
  stopReconnecting(): void;
}

/** What `boardTransport` needs of a BoardConnection. */
export type ControlSource = {
  provider: WebsocketProvider;
  onControl(listener: (message: ControlMessage) => void): () => void;
};

export function encodeControl(json: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.crossboard);
  encoding.writeVarString(encoder, json);
  return encoding.toUint8Array(encoder);
}

export function boardTransport(conn: ControlSource): SessionTransport {
  const provider = conn.provider;
  const open = () => provider.wsconnected && provider.ws !== null && provider.ws.readyState === 1;
  return {
    isOpen: open,
    send(json) {
      if (!open()) return false;
      provider.ws!.send(encodeControl(json));
      return true;
    },
    onMessage: (listener) => conn.onControl(listener),
    onOpen(listener) {
      const on = (e: { status: string }) => {
        if (e.status === 'connected') listener();
      };
      provider.on('status', on);
      return () => provider.off('status', on);
    },
    onDrop(listener) {
      const on = (e: { status: string }) => {
        if (e.status === 'disconnected') listener();
      };
      provider.on('status', on);
      return () => provider.off('status', on);
    },
    onServerClose(listener) {
      const on = (event: CloseEvent | null) => {
        if (event) listener(event.code, event.reason);
      };
      provider.on('connection-close', on);
      return () => provider.off('connection-close', on);
    },
    stopReconnecting() {
      // Inside a 'connection-close' handler the provider has not finished closing; clearing
      // shouldConnect now turns its scheduled reconnect into a no-op, and disconnect() afterwards
      // makes it final whatever reconnect policy is in place.
      provider.shouldConnect = false;
      setTimeout(() => provider.disconnect(), 0);
    },
  };
}
