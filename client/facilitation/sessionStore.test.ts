import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_VOTE_CONFIG } from '../../shared/votes.ts';
import { memoryCredentials } from './credentials.ts';
import { fakeTransport, sessionMessage } from './testing.ts';
import { CommandError, createSessionStore, DROPPED_MESSAGE, OFFLINE_MESSAGE, TIMEOUT_MESSAGE } from './sessionStore.ts';

// The store is framework-free: if anything it imports pulled React in, this would throw.
vi.mock('react', () => {
  throw new Error('the session store must not import React');
});

const PROFILE = { name: 'Amira Khan', organisation: 'DWP', sector: 'public sector' as const };

function setup(options: { open?: boolean; saved?: { participantId: string; secret: string } | null; role?: 'facilitator' | 'contributor' | 'viewer' } = {}) {
  const t = fakeTransport(options.open ?? true);
  const credentials = memoryCredentials(options.saved ?? null);
  let deviceNow = 5_000_000;
  const store = createSessionStore({
    transport: t.transport,
    credentials,
    role: options.role ?? 'contributor',
    profile: PROFILE,
    now: () => deviceNow,
    commandTimeoutMs: 1000,
    bannerMs: 500,
  });
  return { t, store, credentials, advance: (ms: number) => (deviceNow += ms) };
}

const joinValue = (extra: Record<string, unknown> = {}) => ({
  participantId: 'p1',
  name: PROFILE.name,
  organisation: PROFILE.organisation,
  sector: PROFILE.sector,
  role: 'contributor',
  standing: 'contributor',
  ...extra,
});

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('join', () => {
  it('joins as soon as the socket is open, keeps the secret of a first join, and presents it later', async () => {
    const { t, store, credentials } = setup();
    expect(t.sent).toHaveLength(1);
    expect(t.last()).toMatchObject({ type: 'command', name: 'join', args: PROFILE });
    expect(t.last().args).not.toHaveProperty('participantId');
    t.reply(t.last().id, true, joinValue({ secret: 's3cret' }));
    await vi.waitFor(() => expect(store.getSnapshot().me?.participantId).toBe('p1'));
    expect(credentials.value).toEqual({ participantId: 'p1', secret: 's3cret' });

    // a new connection (reconnect, or a reload with the same storage) joins as the same person
    t.drop();
    t.open();
    expect(t.last()).toMatchObject({ name: 'join', args: { ...PROFILE, participantId: 'p1', secret: 's3cret' } });
  });

  it('waits for the socket before joining', () => {
    const { t } = setup({ open: false });
    expect(t.sent).toHaveLength(0);
    t.open();
    expect(t.last().name).toBe('join');
  });

  it('starts afresh when the board does not know the saved identity', async () => {
    const { t, store, credentials } = setup({ saved: { participantId: 'old', secret: 'x' } });
    expect(t.last().args).toMatchObject({ participantId: 'old', secret: 'x' });
    t.reply(t.last().id, false, { code: 'unknown-participant', message: 'no such participant' });
    await vi.waitFor(() => expect(t.sent).toHaveLength(2));
    expect(t.last().args).not.toHaveProperty('participantId');
    t.reply(t.last().id, true, joinValue({ participantId: 'new', secret: 'n' }));
    await vi.waitFor(() => expect(store.getSnapshot().me?.participantId).toBe('new'));
    expect(credentials.value).toEqual({ participantId: 'new', secret: 'n' });
  });

  it('a removed person is shut out and not reconnected', async () => {
    const { t, store } = setup({ saved: { participantId: 'p1', secret: 's' } });
    t.reply(t.last().id, false, { code: 'removed', message: 'The facilitator removed you from this board.' });
    await vi.waitFor(() => expect(store.getSnapshot().shutOut?.code).toBe(4403));
    expect(t.stopped).toBe(true);
  });

  it('changing your details joins again as the same person', async () => {
    const { t, store } = setup({ saved: { participantId: 'p1', secret: 's' } });
    t.reply(t.last().id, true, joinValue());
    await vi.waitFor(() => expect(store.getSnapshot().me).not.toBeNull());
    store.setProfile({ ...PROFILE, name: 'Amira K.' });
    expect(t.last()).toMatchObject({ name: 'join', args: { name: 'Amira K.', participantId: 'p1', secret: 's' } });
  });
});

describe('commands', () => {
  it('resolve with the value, or reject with the server’s sentence', async () => {
    const { t, store } = setup();
    const ok = store.command('openVote', { config: { votesPerPerson: 3 } });
    t.reply(t.last().id, true, { round: 1 });
    await expect(ok).resolves.toEqual({ round: 1 });
    const refused = store.castVote('c1');
    t.reply(t.last().id, false, { code: 'budget-spent', message: 'You have used all 3 of your dots. Take one back to move it.' });
    await expect(refused).rejects.toMatchObject({ code: 'budget-spent', message: 'You have used all 3 of your dots. Take one back to move it.' });
  });

  it('time out with a clear message', async () => {
    const { store } = setup();
    const p = store.command('lock', {});
    vi.advanceTimersByTime(1001);
    await expect(p).rejects.toMatchObject({ code: 'timeout', message: TIMEOUT_MESSAGE });
  });

  it('fail at once when offline, and when the connection drops before the answer', async () => {
    const { t, store } = setup();
    const inFlight = store.command('unlock', {});
    t.drop();
    await expect(inFlight).rejects.toMatchObject({ code: 'dropped', message: DROPPED_MESSAGE });
    await expect(store.command('unlock', {})).rejects.toEqual(new CommandError('offline', OFFLINE_MESSAGE));
  });

  it('a cast updates your dots from the answer', async () => {
    const { t, store } = setup();
    const p = store.castVote('c1');
    const mine = { round: 1, dots: { c1: 1 }, used: 1, remaining: 2, budget: 3 };
    t.reply(t.last().id, true, mine);
    await p;
    expect(store.getSnapshot().myVotes).toEqual(mine);
  });
});

describe('what the server publishes', () => {
  it('keeps the session with the device time it arrived, and results per round', () => {
    const { t, store } = setup();
    t.deliver(sessionMessage({ serverNow: 42 }));
    expect(store.getSnapshot().clock).toEqual({ serverNow: 42, receivedAt: 5_000_000 });
    const result = { round: 1, config: DEFAULT_VOTE_CONFIG, status: 'revealed' as const, openedAt: 0, closedAt: 1, voterCount: 2, tallies: [] };
    t.deliver({ type: 'voteResult', result });
    t.deliver({ type: 'voteResult', result: { ...result, round: 2 } });
    expect(Object.keys(store.getSnapshot().results)).toEqual(['1', '2']);
  });

  it('says what the facilitator did, in a banner that goes away', () => {
    const { t, store } = setup();
    t.deliver(sessionMessage());
    expect(store.getSnapshot().banners).toEqual([]);
    t.deliver(
      sessionMessage({
        phaseIndex: 1,
        vote: { round: 1, config: { ...DEFAULT_VOTE_CONFIG, lane: 'problems' }, status: 'open', openedAt: 1, closedAt: null, revealedAt: null, voterCount: 0 },
      }),
    );
    const texts = store.getSnapshot().banners.map((b) => b.text);
    expect(texts).toContain('Now: Vote on problems — Put your dots on the problems that matter most.');
    expect(texts).toContain('Voting is open on problem statements — you have 3 dots');
    vi.advanceTimersByTime(600);
    expect(store.getSnapshot().banners).toEqual([]);
  });

  it('signals the end of the timer once, when the server says it ended', () => {
    const { t, store } = setup();
    const ended = vi.fn();
    store.onTimeUp(ended);
    t.deliver(sessionMessage({ timer: { status: 'running', durationMs: 60_000, endsAt: 1_060_000, remainingMs: 60_000 } }));
    t.deliver(sessionMessage({ timer: { status: 'ended', durationMs: 60_000, endsAt: 1_060_000, remainingMs: 0 } }));
    t.deliver(sessionMessage({ timer: { status: 'ended', durationMs: 60_000, endsAt: 1_060_000, remainingMs: 0 } }));
    expect(ended).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().banners.map((b) => b.text)).toContain('Time is up.');
  });

  it('tells an author their drafts went on the board, but not when they deleted the last one', async () => {
    const { t, store } = setup();
    const draft = { draftId: 'd1', kind: 'idea' as const, title: 'Nudges', body: '', problemId: null, updatedAt: 1 };
    t.deliver({ type: 'drafts', drafts: [draft] });
    const del = store.deleteDraft('d1');
    t.deliver({ type: 'drafts', drafts: [] });
    t.reply(t.last().id, true, undefined);
    await del;
    expect(store.getSnapshot().banners).toEqual([]);
    t.deliver({ type: 'drafts', drafts: [{ ...draft, draftId: 'd2' }] });
    t.deliver({ type: 'drafts', drafts: [] });
    expect(store.getSnapshot().banners.map((b) => b.text)).toEqual(['Your draft is on the board now, with everyone’s.']);
  });

  it('gathers the refused parts of this page’s updates, for the page to keep and resync', () => {
    const { t, store } = setup();
    const locked = { target: { kind: 'card', lane: 'idea', id: 'i1' }, change: 'edit', code: 'locked', message: 'The board is locked by the facilitator', since: 5 } as const;
    const phase = { target: { kind: 'card', lane: 'problem', id: 'p1' }, change: 'add', code: 'wrong-phase', message: 'Not now', since: 3 } as const;
    expect(store.getSnapshot().refusal).toBeNull();
    t.deliver({ type: 'refused', changes: [locked], kept: false });
    t.deliver({ type: 'refused', changes: [phase], kept: true });
    expect(store.getSnapshot().refusal).toEqual({ changes: [locked, phase] });
    // an old-style error is not a refusal
    const other = setup();
    other.t.deliver({ type: 'error', code: 'update-refused', message: 'x' });
    expect(other.store.getSnapshot().refusal).toBeNull();
  });

  it('4401 and 4403 stop reconnecting and say why', () => {
    const a = setup();
    a.t.serverClose(4401);
    expect(a.store.getSnapshot().shutOut).toMatchObject({ code: 4401, title: 'This link has been replaced' });
    expect(a.t.stopped).toBe(true);
    const b = setup();
    b.t.serverClose(4403);
    expect(b.store.getSnapshot().shutOut).toMatchObject({ code: 4403, title: 'You have been removed from this board' });
    const c = setup();
    c.t.serverClose(1012);
    expect(c.store.getSnapshot().shutOut).toBeNull();
    expect(c.t.stopped).toBe(false);
  });

  it('rotating your own link hands the page the new token instead of shutting it out', async () => {
    const { t, store } = setup({ role: 'facilitator' });
    const p = store.rotateLink('facilitator');
    t.reply(t.last().id, true, { role: 'facilitator', token: 'NEW' });
    await p;
    t.serverClose(4401);
    expect(store.getSnapshot().shutOut).toBeNull();
    expect(store.getSnapshot().relink).toBe('NEW');
  });

  it('standing follows the roster (a promotion to co-facilitator)', async () => {
    const { t, store } = setup({ saved: { participantId: 'p1', secret: 's' } });
    t.reply(t.last().id, true, joinValue());
    await vi.waitFor(() => expect(store.standing()).toBe('contributor'));
    t.deliver(sessionMessage({ participants: [{ participantId: 'p1', name: 'A', organisation: '', sector: 'citizen', role: 'contributor', standing: 'co-facilitator' }] }));
    expect(store.standing()).toBe('co-facilitator');
  });
});
