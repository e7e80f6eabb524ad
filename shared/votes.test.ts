import { describe, expect, it } from 'vitest';
import { SECTORS, type Sector } from './schema.ts';
import {
  followMerges,
  DEFAULT_VOTE_CONFIG,
  applyVote,
  checkVote,
  dotsUsed,
  normaliseVoteConfig,
  resultsVisible,
  sectorsShownAlone,
  tallyRound,
  tallyVotes,
  withCheckedSectors,
  visibleResult,
  type Dot,
  type VoteAttempt,
  type VoteConfig,
  type VoteRoundResult,
} from './votes.ts';

const config: VoteConfig = { ...DEFAULT_VOTE_CONFIG, votesPerPerson: 3, maxPerCard: 2 };

function attempt(overrides: Partial<VoteAttempt> = {}): VoteAttempt {
  return {
    action: 'cast',
    vote: { config, status: 'open' },
    phaseVoteLanes: ['ideas'],
    voter: 'contributor',
    ballot: {},
    cardId: 'idea-1',
    cardInLane: true,
    ...overrides,
  };
}

const codeOf = (overrides: Partial<VoteAttempt>) => checkVote(attempt(overrides))?.code ?? null;

describe('voting rules', () => {
  it('a contributor may place a dot on a card of the voted lane while the vote is open', () => {
    expect(checkVote(attempt())).toBeNull();
  });

  it('budget: the dots per person can’t be exceeded, spread over cards or not', () => {
    expect(codeOf({ ballot: { a: 1, b: 1 } })).toBeNull();
    expect(codeOf({ ballot: { a: 1, b: 1, c: 1 } })).toBe('budget-spent');
    expect(checkVote(attempt({ ballot: { a: 2, b: 1 } }))?.message).toMatch(/all 3 of your dots/);
  });

  it('per-card cap: at most maxPerCard dots from one person on one card', () => {
    expect(codeOf({ ballot: { 'idea-1': 1 } })).toBeNull();
    expect(codeOf({ ballot: { 'idea-1': 2 } })).toBe('card-cap');
    expect(codeOf({ vote: { config: { ...config, maxPerCard: 1 }, status: 'open' }, ballot: { 'idea-1': 1 } })).toBe('card-cap');
  });

  it('closed vote: no dot may be cast or taken back once closed or revealed', () => {
    expect(codeOf({ vote: { config, status: 'closed' } })).toBe('vote-closed');
    expect(codeOf({ vote: { config, status: 'revealed' } })).toBe('vote-closed');
    expect(codeOf({ action: 'withdraw', vote: { config, status: 'closed' }, ballot: { 'idea-1': 1 } })).toBe('vote-closed');
    expect(codeOf({ vote: null })).toBe('no-vote');
  });

  it('wrong phase: the current phase must vote on the round’s lane', () => {
    expect(codeOf({ phaseVoteLanes: [] })).toBe('wrong-phase');
    expect(codeOf({ phaseVoteLanes: ['problems'] })).toBe('wrong-phase');
  });

  it('role: viewers never vote; facilitators only when the round lets them', () => {
    expect(codeOf({ voter: 'viewer' })).toBe('forbidden');
    expect(codeOf({ voter: 'viewer', vote: null })).toBe('forbidden');
    expect(codeOf({ voter: 'facilitator' })).toBe('forbidden');
    expect(checkVote(attempt({ voter: 'facilitator' }))?.message).toBe('Facilitators don’t vote in this round.');
    expect(codeOf({ voter: 'facilitator', vote: { config: { ...config, facilitatorsVote: true }, status: 'open' } })).toBeNull();
  });

  it('a dot only goes on a card of the voted lane that exists', () => {
    expect(codeOf({ cardInLane: false })).toBe('unknown-card');
    expect(checkVote(attempt({ cardInLane: false, vote: { config: { ...config, lane: 'problems' }, status: 'open' }, phaseVoteLanes: ['problems'] }))?.message).toMatch(/problem statement/);
  });

  it('withdraw: only a dot you placed, and even from a card deleted since', () => {
    expect(codeOf({ action: 'withdraw' })).toBe('no-dot');
    expect(codeOf({ action: 'withdraw', ballot: { 'idea-1': 1 }, cardInLane: false })).toBeNull();
    // a full budget never stops taking a dot back
    expect(codeOf({ action: 'withdraw', ballot: { 'idea-1': 2, b: 1 } })).toBeNull();
  });

  it('applyVote adds and removes one dot; an empty card leaves the ballot', () => {
    let ballot = applyVote({}, 'cast', 'a');
    ballot = applyVote(ballot, 'cast', 'a');
    ballot = applyVote(ballot, 'cast', 'b');
    expect(ballot).toEqual({ a: 2, b: 1 });
    expect(dotsUsed(ballot)).toBe(3);
    expect(applyVote(applyVote(ballot, 'withdraw', 'b'), 'withdraw', 'a')).toEqual({ a: 1 });
  });
});

describe('vote settings', () => {
  it('defaults fill in, the lane defaults to the phase’s', () => {
    expect(normaliseVoteConfig({}, ['problems'])).toEqual({ ok: true, config: { ...DEFAULT_VOTE_CONFIG, lane: 'problems' } });
  });

  it('per-card defaults shrink to fit a small budget; explicit ones must fit', () => {
    const small = normaliseVoteConfig({ votesPerPerson: 1 }, ['ideas']);
    expect(small.ok && small.config.maxPerCard).toBe(1);
    expect(normaliseVoteConfig({ votesPerPerson: 2, maxPerCard: 3 }, ['ideas']).ok).toBe(false);
    expect(normaliseVoteConfig({ votesPerPerson: 0 }, ['ideas']).ok).toBe(false);
    expect(normaliseVoteConfig({ votesPerPerson: 51 }, ['ideas']).ok).toBe(false);
  });

  it('a phase without a vote, or another lane, is refused with a reason', () => {
    const none = normaliseVoteConfig({}, []);
    expect(none.ok).toBe(false);
    const wrong = normaliseVoteConfig({ lane: 'problems' }, ['ideas']);
    expect(!wrong.ok && wrong.message).toMatch(/ideas, not problems/);
  });
});

describe('what may be seen', () => {
  const result: VoteRoundResult = {
    round: 1,
    config,
    status: 'closed',
    openedAt: 1,
    closedAt: 2,
    voterCount: 2,
    tallies: tallyVotes(
      [
        { participantId: 'a', name: 'Amira', sector: 'public sector', cardId: 'x' },
        { participantId: 'b', name: 'Ben', sector: 'private sector', cardId: 'x' },
      ],
      config,
    ),
  };

  it('hidden totals stay hidden until the reveal; totals not hidden are visible live', () => {
    expect(resultsVisible(result)).toBe(false);
    expect(visibleResult(result).tallies).toEqual([]);
    expect(visibleResult({ ...result, status: 'revealed' }).tallies).toHaveLength(1);
    expect(resultsVisible({ config: { ...config, hideUntilReveal: false }, status: 'open' })).toBe(true);
  });

  it('tallies carry the sector breakdown, and names only when not anonymous', () => {
    expect(result.tallies[0]).toMatchObject({ cardId: 'x', total: 2, voters: ['Amira', 'Ben'] });
    expect(result.tallies[0]!.bySector['public sector']).toBe(1);
    const anonymous = tallyVotes([{ participantId: 'a', name: 'Amira', sector: 'citizen', cardId: 'x' }], { anonymous: true, sectorWeighting: false });
    expect(anonymous[0]).not.toHaveProperty('voters');
  });
});

describe('anonymous rounds: small sectors are shown only together', () => {
  const counts = (entries: Array<[Sector, number]>) => new Map(entries);

  it('every sector with at least the minimum of voters keeps its own figure', () => {
    expect(sectorsShownAlone(counts([['public sector', 3], ['citizen', 4]]), 3)).toBeNull();
    expect(sectorsShownAlone(counts([]), 3)).toBeNull();
  });

  it('sectors below the minimum go together, and the smallest others join until the group is big enough', () => {
    // two singles make 2 < 3: the smallest shown sector (private, 3) joins them
    expect(sectorsShownAlone(counts([['public sector', 5], ['private sector', 3], ['academia', 1], ['citizen', 1]]), 3)).toEqual([
      'public sector',
    ]);
    // three singles make a group of 3 on their own
    expect(
      sectorsShownAlone(counts([['public sector', 4], ['academia', 1], ['citizen', 1], ['voluntary and community', 1]]), 3),
    ).toEqual(['public sector']);
    // one voter beside one big sector: total minus the big one would give her away, so nothing is shown alone
    expect(sectorsShownAlone(counts([['public sector', 9], ['citizen', 1]]), 3)).toEqual([]);
    // the minimum is the deployment's: 2 lets a pair stand alone
    expect(sectorsShownAlone(counts([['public sector', 2], ['citizen', 2]]), 2)).toBeNull();
  });

  const dot = (participantId: string, sector: Sector, cardId: string): Dot => ({ participantId, name: participantId, sector, cardId });
  // public: a, b, c (3 voters); private: d (1); citizen: e (1); academia: f (1)
  const dots: Dot[] = [
    dot('a', 'public sector', 'x'),
    dot('b', 'public sector', 'x'),
    dot('c', 'public sector', 'y'),
    dot('d', 'private sector', 'y'),
    dot('e', 'citizen', 'x'),
    dot('f', 'academia', 'z'),
  ];

  it('an anonymous round moves small sectors into otherSectors; totals and scores still add up', () => {
    const { tallies, sectorPrivacy } = tallyRound(dots, { anonymous: true, sectorWeighting: false }, 3);
    expect(sectorPrivacy).toEqual({ minVoters: 3, sectorsShown: ['public sector'] });
    const x = tallies.find((t) => t.cardId === 'x')!;
    expect(x).toMatchObject({ total: 3, otherSectors: 1 });
    expect(x.bySector).toEqual({ 'public sector': 2, 'private sector': 0, academia: 0, 'voluntary and community': 0, citizen: 0 });
    for (const t of tallies) {
      expect(t.bySector.citizen + t.bySector['private sector'] + t.bySector.academia).toBe(0);
      expect(Object.values(t.bySector).reduce((a, b) => a + b, 0) + t.otherSectors!).toBe(t.total);
    }
    expect(tallies.find((t) => t.cardId === 'z')).toMatchObject({ total: 1, otherSectors: 1 });
  });

  it('a named round is left as it is; an anonymous one with no small sector shows every sector', () => {
    const named = tallyRound(dots, { anonymous: false, sectorWeighting: false }, 3);
    expect(named.sectorPrivacy).toBeUndefined();
    expect(named.tallies.find((t) => t.cardId === 'x')!.bySector.citizen).toBe(1);
    const big = tallyRound(dots.slice(0, 3), { anonymous: true, sectorWeighting: false }, 3);
    expect(big.sectorPrivacy).toEqual({ minVoters: 3, sectorsShown: [...SECTORS] });
    expect(big.tallies.find((t) => t.cardId === 'x')).toMatchObject({ total: 2, otherSectors: 0, bySector: { 'public sector': 2 } });
  });

  it('an anonymous result stored before the rule existed shows no sector on its own', () => {
    const legacy: VoteRoundResult = {
      round: 1,
      config: { ...config, anonymous: true },
      status: 'revealed',
      openedAt: 0,
      closedAt: 1,
      voterCount: 6,
      tallies: tallyVotes(dots, { anonymous: true, sectorWeighting: false }),
    };
    const checked = withCheckedSectors(legacy);
    expect(checked.sectorPrivacy).toEqual({ minVoters: 3, sectorsShown: [] });
    for (const t of checked.tallies) {
      expect(Object.values(t.bySector).every((n) => n === 0)).toBe(true);
      expect(t.otherSectors).toBe(t.total);
    }
    // checked results, and named rounds, pass through untouched
    const fresh = { ...legacy, ...tallyRound(dots, legacy.config, 3) };
    expect(withCheckedSectors(fresh)).toBe(fresh);
    const named = { ...legacy, config: { ...config, anonymous: false } };
    expect(withCheckedSectors(named)).toBe(named);
  });
});

describe('merged ideas: dots follow the idea they were merged into', () => {
  const into = (merges: Record<string, string>) => (cardId: string) => merges[cardId] ?? cardId;

  it('dots on a merged idea count for the kept one, within the per-card cap per person', () => {
    // Ann: 2 on X and 1 on K; cap 2 — K gets 2, not 3. Ben: 1 on X — K gets it.
    expect(followMerges({ x: 2, k: 1 }, into({ x: 'k' }), 2)).toEqual({ k: 2 });
    expect(followMerges({ x: 1, other: 2 }, into({ x: 'k' }), 2)).toEqual({ k: 1, other: 2 });
    // a chain resolved by the caller (readMerges): X into Y into K
    expect(followMerges({ x: 1, y: 1, k: 1 }, into({ x: 'k', y: 'k' }), 3)).toEqual({ k: 3 });
  });

  it('never adds dots: a ballot without merged cards is unchanged, and empty counts drop', () => {
    expect(followMerges({ a: 1, b: 2 }, into({}), 2)).toEqual({ a: 1, b: 2 });
    expect(followMerges({ a: 0 }, into({}), 2)).toEqual({});
  });
});
