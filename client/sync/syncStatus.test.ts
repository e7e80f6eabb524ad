import { afterEach, describe, expect, test, vi } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { SyncStatusStore } from './syncStatus.ts';

function fakeProvider() {
  const listeners = new Map<string, Set<() => void>>();
  const sent: Uint8Array[] = [];
  const p = {
    wsconnected: false,
    synced: false,
    wsLastMessageReceived: 0,
    ws: null as null | { send: (d: Uint8Array) => void },
    on: (t: string, cb: () => void) => listeners.set(t, (listeners.get(t) ?? new Set()).add(cb)),
    off: (t: string, cb: () => void) => listeners.get(t)?.delete(cb),
    emit: (t: string) => listeners.get(t)?.forEach((cb) => cb()),
    disconnect: vi.fn(() => {
      p.ws = null;
      p.wsconnected = false;
      p.synced = false;
    }),
    connect: vi.fn(),
    sent,
  };
  return p;
}

describe('SyncStatusStore', () => {
  let store: SyncStatusStore | undefined;
  afterEach(() => store?.destroy());

  function setup() {
    const p = fakeProvider();
    let now = 1_000_000;
    let online = true;
    const events = new EventTarget();
    store = new SyncStatusStore(p as unknown as WebsocketProvider, { now: () => now, online: () => online, events, quietMs: 8_000, deadMs: 14_000 });
    const connectAndSync = () => {
      p.ws = { send: (d) => p.sent.push(d) };
      p.wsconnected = true;
      p.synced = true;
      p.wsLastMessageReceived = now;
      p.emit('sync');
    };
    return {
      p,
      events,
      connectAndSync,
      advance: (ms: number) => (now += ms),
      setOnline: (v: boolean) => {
        online = v;
        events.dispatchEvent(new Event(v ? 'online' : 'offline'));
      },
    };
  }

  test('connecting, then synced once the provider has synced', () => {
    const { connectAndSync } = setup();
    expect(store!.getSnapshot()).toBe('connecting');
    connectAndSync();
    expect(store!.getSnapshot()).toBe('synced');
  });

  test('offline follows the browser even while the socket claims to be open, then a fresh connection earns synced', () => {
    const { p, connectAndSync, setOnline } = setup();
    connectAndSync();
    setOnline(false);
    expect(store!.getSnapshot()).toBe('offline');
    setOnline(true);
    expect(p.disconnect).toHaveBeenCalled();
    expect(p.connect).toHaveBeenCalled();
    expect(store!.getSnapshot()).toBe('reconnecting');
    connectAndSync();
    expect(store!.getSnapshot()).toBe('synced');
  });

  test('a quiet socket is pinged with query-awareness; a silent one is declared dead and replaced', () => {
    const { p, connectAndSync, advance } = setup();
    connectAndSync();
    advance(9_000);
    store!.heartbeat();
    expect(p.sent).toHaveLength(1);
    expect([...p.sent[0]!]).toEqual([3]);
    expect(store!.getSnapshot()).toBe('synced');
    advance(6_000);
    store!.heartbeat();
    expect(p.disconnect).toHaveBeenCalled();
    expect(p.connect).toHaveBeenCalled();
    expect(store!.getSnapshot()).toBe('reconnecting');
  });
});
