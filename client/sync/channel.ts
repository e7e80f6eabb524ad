/**
 * The small part of a board connection that server-pushed state needs (comments, vote results):
 * the type-100 messages, and a signal on every (re)sync, when anything missed while disconnected
 * should be fetched again. Stores depend on this, not on BoardConnection, so tests can drive them.
 */
import type { ControlMessage } from '../../shared/protocol.ts';
import type { BoardConnection } from './boardConnection.ts';

export type LiveChannel = {
  onControl(listener: (message: ControlMessage) => void): () => void;
  /** after every sync with the server: the first, and each one after a reconnect */
  onSynced(listener: () => void): () => void;
};

export function channelOf(conn: BoardConnection): LiveChannel {
  return {
    onControl: (listener) => conn.onControl(listener),
    onSynced: (listener) => {
      const onSync = (synced: boolean) => {
        if (synced) listener();
      };
      conn.provider.on('sync', onSync);
      return () => conn.provider.off('sync', onSync);
    },
  };
}
