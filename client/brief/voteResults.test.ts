import { describe, expect, it } from 'vitest';
import type { ControlMessage, VoteResultMessage } from '../../shared/protocol.ts';
import { DEFAULT_VOTE_CONFIG, type VoteRoundResult } from '../../shared/votes.ts';
import { fakeChannel } from '../sync/fakeChannel.ts';
import { VoteResultsStore } from './voteResults.ts';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('VoteResultsStore', () => {
  const round = (n: number, status: VoteRoundResult['status'], tallies: VoteRoundResult['tallies'] = []): VoteRoundResult => ({
    round: n,
    config: DEFAULT_VOTE_CONFIG,
    status,
    openedAt: 1,
    closedAt: null,
    voterCount: 0,
    tallies,
  });

  it('reads every round on sync, takes pushed results, and reads again when a vote changes status', async () => {
    const f = fakeChannel();
    let reads = 0;
    let server = [round(1, 'open')];
    const store = new VoteResultsStore(async () => (reads++, server), f.channel);
    let changes = 0;
    store.subscribe(() => changes++);
    f.sync();
    await flush();
    expect(store.getSnapshot().map((r) => r.status)).toEqual(['open']);

    const tally = { cardId: 'i1', total: 2, score: 2, bySector: { 'public sector': 2 } } as unknown as VoteRoundResult['tallies'][number];
    const revealed: VoteResultMessage = { type: 'voteResult', result: round(1, 'revealed', [tally]) };
    f.push(revealed);
    expect(store.getSnapshot()[0]!.tallies).toHaveLength(1);

    const session = (status: 'open' | 'revealed') =>
      ({ type: 'session', vote: { round: 1, status } }) as unknown as ControlMessage;
    server = [round(1, 'revealed', [tally])];
    f.push(session('revealed'));
    await flush();
    const readsAfterFirst = reads;
    f.push(session('revealed')); // same vote state: no new read
    await flush();
    expect(reads).toBe(readsAfterFirst);
    expect(changes).toBe(2); // the first read and the push; equal results change nothing
    store.destroy();
    expect(f.listeners()).toBe(0);
  });
});
