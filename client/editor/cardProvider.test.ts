import { describe, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import { createCardProvider } from './cardProvider.ts';

/** The parts of a WebsocketProvider the card wrapper touches. */
function fakeBoard(doc = new Y.Doc()) {
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user: { name: 'Me' }, editing: null });
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const board = {
    awareness,
    wsconnected: true,
    wsconnecting: false,
    synced: true,
    on: (t: string, cb: (...a: unknown[]) => void) => listeners.set(t, (listeners.get(t) ?? new Set()).add(cb)),
    off: (t: string, cb: (...a: unknown[]) => void) => listeners.get(t)?.delete(cb),
    connect: vi.fn(),
    disconnect: vi.fn(),
  };
  return board as unknown as WebsocketProvider & typeof board;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('per-card provider', () => {
  test('initLocalState-style writes keep presence fields and tag the caret with the card', () => {
    const board = fakeBoard();
    const card = createCardProvider(board, 'c1');
    card.awareness.setLocalState({ anchorPos: null, focusPos: null, name: 'Me', color: '#123456', focusing: false, awarenessData: {} });
    const state = board.awareness.getLocalState()!;
    expect(state.user).toEqual({ name: 'Me' });
    expect(state.cursor).toMatchObject({ card: 'c1', name: 'Me', color: '#123456' });
    expect(card.awareness.getLocalState()).toMatchObject({ card: 'c1' });
    // Another card's view does not see this caret as its own.
    expect(createCardProvider(board, 'c2').awareness.getLocalState()).toBeNull();
  });

  test('connect never touches the shared socket; disconnect only clears the caret of this card', async () => {
    const board = fakeBoard();
    const card = createCardProvider(board, 'c1');
    const status = vi.fn();
    const sync = vi.fn();
    card.on('status', status);
    card.on('sync', sync);
    card.connect();
    await flush();
    expect(board.connect).not.toHaveBeenCalled();
    expect(status).toHaveBeenCalledWith({ status: 'connected' });
    expect(sync).toHaveBeenCalledWith(true);
    card.awareness.setLocalStateField('focusing', true);
    expect(board.awareness.getLocalState()!.cursor).toBeUndefined();
    card.awareness.setLocalState({ anchorPos: null, focusPos: null, name: 'Me', color: '#123456', focusing: false, awarenessData: {} });
    card.awareness.setLocalStateField('focusing', true);
    expect(card.awareness.getLocalState()).toMatchObject({ focusing: true });
    card.disconnect();
    expect(board.disconnect).not.toHaveBeenCalled();
    expect(board.awareness.getLocalState()!.cursor).toBeNull();
    expect(board.awareness.getLocalState()!.user).toEqual({ name: 'Me' });
  });

  test('each card sees only the carets inside it, and wakes only when one of them changes', async () => {
    const board = fakeBoard();
    const remoteDoc = new Y.Doc();
    const remote = new Awareness(remoteDoc);
    const send = () => applyAwarenessUpdate(board.awareness, encodeAwarenessUpdate(remote, [remoteDoc.clientID]), 'remote');
    const c1 = createCardProvider(board, 'c1');
    const c2 = createCardProvider(board, 'c2');
    const wake1 = vi.fn();
    const wake2 = vi.fn();
    c1.awareness.on('update', wake1);
    c2.awareness.on('update', wake2);
    await flush();
    wake1.mockClear();
    wake2.mockClear();

    remote.setLocalState({ user: { name: 'Ben' }, cursor: { card: 'c1', name: 'Ben', color: '#654321', focusing: true, anchorPos: 1, focusPos: 1 } });
    send();
    expect(wake1).toHaveBeenCalledTimes(1);
    expect(wake2).not.toHaveBeenCalled();
    expect([...c1.awareness.getStates().keys()]).toEqual([remoteDoc.clientID]);
    expect(c2.awareness.getStates().size).toBe(0);

    // A keep-alive with nothing changed wakes nobody.
    send();
    expect(wake1).toHaveBeenCalledTimes(1);

    // Ben moves to card 2: card 1 wakes (caret left) and card 2 wakes (caret entered).
    remote.setLocalState({ user: { name: 'Ben' }, cursor: { card: 'c2', name: 'Ben', color: '#654321', focusing: true, anchorPos: 2, focusPos: 2 } });
    send();
    expect(wake1).toHaveBeenCalledTimes(2);
    expect(wake2).toHaveBeenCalledTimes(1);
    expect(c1.awareness.getStates().size).toBe(0);
  });
});
