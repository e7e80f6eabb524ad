/**
 * Presence across a reconnect, with real y-websocket providers against a real server: a page that
 * comes back is present again for the others as soon as its new connection has synced, not at its
 * next awareness renewal (up to 15 s later).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectProvider, startServer, waitFor, whenSynced } from '../../server/test/harness.ts';
import { keepPresenceAcrossReconnects, readPresenceUser } from './presence.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('keepPresenceAcrossReconnects', () => {
  it('re-announces a state the server dropped while the page was away', async () => {
    const s = await startServer();
    cleanups.push(() => s.close());
    const board = await s.createBoard({ title: 'Presence' });
    const a = connectProvider(s, board.id, board.tokens.contributor);
    const b = connectProvider(s, board.id, board.tokens.contributor);
    const stop = keepPresenceAcrossReconnects(a);
    cleanups.push(() => a.destroy(), () => b.destroy(), stop);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const id = a.awareness.clientID;
    const user = { participantId: 'p-ada', name: 'Ada', organisation: '', sector: 'academia', role: 'contributor', colour: '#123456' };
    a.awareness.setLocalStateField('user', user);
    await waitFor(() => b.awareness.getStates().has(id), 5000, 'present');

    // the connection goes; the server drops the state at the clock it last saw
    a.disconnect();
    await waitFor(() => !b.awareness.getStates().has(id), 5000, 'gone');
    const clock = a.awareness.meta.get(id)!.clock;
    a.connect();
    // the provider sends the same clock again, which the server ignores; the new one it takes
    await waitFor(() => b.awareness.getStates().has(id), 2000, 'present again');
    expect(readPresenceUser(b.awareness.getStates().get(id)!.user)?.name).toBe('Ada');
    expect(a.awareness.meta.get(id)!.clock).toBe(clock + 1);
  });
});
