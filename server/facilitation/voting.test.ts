/**
 * Dot voting against hostile clients, over real sockets: every attempt to vote beyond the rules,
 * as someone else, or outside a vote is refused with a clear message and changes nothing that
 * counts; totals reach nobody — checked on the bytes each connection received — before the reveal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addProblem, type Author } from '../../shared/board/index.ts';
import type { MyVotes, VoteResultMessage } from '../../shared/protocol.ts';
import { laneMap } from '../../shared/schema.ts';
import type { VoteConfig } from '../../shared/votes.ts';
import type { ChallengeBriefJson } from '../../shared/brief/json.ts';
import type { Limits } from '../config.ts';
import { connectProvider, rawClient, startServer, waitFor, whenSynced, type TestServer } from '../test/harness.ts';
import {
  barrier,
  bytesAsText,
  command,
  connectRecordingProvider,
  hackathonTeam,
  last,
  ok,
  person,
  rawControl,
  refused,
  until,
  type Person,
} from '../test/session.ts';
import type { VotesResponse, CreateBoardResponse } from '../../shared/api.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const fay: Author = { participantId: 'fay', name: 'Fay', organisation: 'City council', sector: 'public sector' };
const facOrigin: BoardOrigin = { kind: 'local', participantId: 'fay' };

type Scene = {
  s: TestServer;
  board: CreateBoardResponse;
  fac: Person;
  amira: Person;
  ben: Person;
  problem: string;
  ideas: string[];
};

/** A hackathon with a problem and three ideas, in its Vote phase; the vote opened with `config` unless null. */
async function scene(config: Partial<VoteConfig> | null = {}, limits: Partial<Limits> = {}): Promise<Scene> {
  const { s, board, fac, amira, ben } = await hackathonTeam(cleanups, { limits });
  // facilitators may write in any phase
  const doc = fac.provider.doc;
  const problem = addProblem(doc, { title: 'Missed rent', author: fay }, facOrigin);
  const ideas = ['Text nudges', 'Drop-in hub', 'Landlord hotline'].map((title) => addIdea(doc, { title, author: fay, problemId: problem }, facOrigin));
  await waitFor(() => ideas.every((id) => laneMap(amira.provider.doc, 'idea').has(id) && laneMap(ben.provider.doc, 'idea').has(id)));
  await ok(fac.provider, 'setPhase', { phaseId: 'vote' });
  if (config) await ok(fac.provider, 'openVote', { config });
  return { s, board, fac, amira, ben, problem, ideas };
}

function myVotes(p: Person): MyVotes | undefined {
  return last(p.provider, 'myVotes');
}

async function reveal(sc: Scene): Promise<VoteResultMessage> {
  await ok(sc.fac.provider, 'revealVote');
  return until(sc.amira.provider, 'voteResult', (m) => m.result.status === 'revealed');
}

describe('dot voting', () => {
  it('budget and per-card cap: a dot beyond either is refused, says why, and changes nothing', async () => {
    const sc = await scene({ votesPerPerson: 3, maxPerCard: 2 });
    const [a, b, c] = sc.ideas as [string, string, string];
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    expect(await refused(sc.amira.provider, 'castVote', { cardId: a }, 'card-cap')).toBe('A card can get at most 2 dots from one person.');
    expect(await ok(sc.amira.provider, 'castVote', { cardId: b })).toEqual({ round: 1, dots: { [a]: 2, [b]: 1 }, used: 3, remaining: 0, budget: 3 });
    expect(await refused(sc.amira.provider, 'castVote', { cardId: c }, 'budget-spent')).toBe(
      'You have used all 3 of your dots. Take one back to move it.',
    );
    expect(myVotes(sc.amira)).toMatchObject({ dots: { [a]: 2, [b]: 1 }, remaining: 0 });
    // taking one back frees a dot
    await ok(sc.amira.provider, 'withdrawVote', { cardId: a });
    expect(await refused(sc.amira.provider, 'withdrawVote', { cardId: c }, 'no-dot')).toMatch(/no dot on that card/);
    await ok(sc.amira.provider, 'castVote', { cardId: c });
    const result = await reveal(sc);
    expect(result.result.tallies.map((t) => [t.cardId, t.total])).toEqual(
      [[a, 1], [b, 1], [c, 1]].sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)),
    );
    // and exactly that is stored
    const stored = await sc.s.storage.sessions.loadSession(sc.board.id);
    expect(stored.ballots.map((r) => [r.cardId, r.count]).sort()).toEqual([[a, 1], [b, 1], [c, 1]].sort());
  });

  it('votes as someone else: a participantId without its secret is refused, and votes need a join', async () => {
    const sc = await scene({ votesPerPerson: 2 });
    const [a] = sc.ideas as [string];
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    const mallory = await rawClient(sc.s, sc.board.id, sc.board.tokens.contributor);
    cleanups.push(() => mallory.ws.terminate());
    // Amira's id is public (the roster and her cards carry it); her secret is not
    const claim = { name: 'Amira', organisation: 'City council', sector: 'public sector', participantId: sc.amira.me.participantId };
    expect(await refused(mallory, 'join', claim, 'bad-credentials')).toBe('A participantId must come with the secret issued with it.');
    expect(await refused(mallory, 'join', { ...claim, secret: 'guess-'.repeat(5) }, 'bad-credentials')).toBe(
      'That participantId belongs to someone else: the secret does not match.',
    );
    expect(await refused(mallory, 'join', { ...claim, participantId: 'made-up', secret: 'x' }, 'unknown-participant')).toMatch(/no participant with that id/);
    expect(await refused(mallory, 'castVote', { cardId: a }, 'not-joined')).toMatch(/Join the board first/);
    // she can vote as herself, with her own budget
    await ok(mallory, 'join', { name: 'Mallory', organisation: '', sector: 'citizen' });
    await ok(mallory, 'castVote', { cardId: a });
    await ok(mallory, 'castVote', { cardId: a });
    await refused(mallory, 'castVote', { cardId: a }, 'budget-spent');
    // Amira's ballot is hers alone, untouched
    await barrier(sc.amira.provider);
    expect(myVotes(sc.amira)).toMatchObject({ dots: { [a]: 1 }, used: 1 });
    // and Mallory only ever heard about her own dots: none at her join, then one, then two
    expect(rawControl(mallory).flatMap((m) => (m.type === 'myVotes' ? [m.used] : []))).toEqual([0, 1, 2]);
    const result = await reveal(sc);
    expect(result.result.tallies[0]).toMatchObject({ cardId: a, total: 3, voters: ['Amira', 'Mallory'] });
  });

  it('votes after close are refused, and so is taking a dot back', async () => {
    const sc = await scene();
    const [a, b] = sc.ideas as [string, string];
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    await ok(sc.fac.provider, 'closeVote');
    await until(sc.amira.provider, 'session', (m) => m.vote?.status === 'closed');
    expect(await refused(sc.amira.provider, 'castVote', { cardId: b }, 'vote-closed')).toBe('Voting has closed: your dots can no longer change.');
    await refused(sc.amira.provider, 'withdrawVote', { cardId: a }, 'vote-closed');
    const result = await reveal(sc);
    expect(result.result.tallies).toHaveLength(1);
    expect(result.result.tallies[0]).toMatchObject({ cardId: a, total: 1 });
  });

  it('votes in the wrong phase, or on a card of the other lane, are refused', async () => {
    const sc = await scene(null);
    const [a] = sc.ideas as [string];
    expect(await refused(sc.amira.provider, 'castVote', { cardId: a }, 'no-vote')).toBe('No vote is open.');
    await ok(sc.fac.provider, 'setPhase', { phaseId: 'ideate' });
    expect(await refused(sc.fac.provider, 'openVote', {}, 'wrong-phase')).toMatch(/no vote/);
    await ok(sc.fac.provider, 'setPhase', { phaseId: 'vote' });
    await ok(sc.fac.provider, 'openVote', {});
    // a problem card in a vote on ideas
    expect(await refused(sc.amira.provider, 'castVote', { cardId: sc.problem }, 'unknown-card')).toBe('That is not an idea on this board, so it can’t get a dot.');
    expect(await refused(sc.amira.provider, 'castVote', { cardId: 'no-such-card' }, 'unknown-card')).toBeTruthy();
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    // moving on closes the vote: the Build phase takes no dots
    await ok(sc.fac.provider, 'nextPhase');
    await refused(sc.amira.provider, 'castVote', { cardId: a }, 'vote-closed');
    expect((await sc.s.facilitation.getVoteResults(sc.board.id))[0]!.tallies).toEqual([expect.objectContaining({ cardId: a, total: 1 })]);
  });

  it('a viewer can’t vote; facilitators vote only when the round allows it', async () => {
    const sc = await scene({ facilitatorsVote: false });
    const [a] = sc.ideas as [string];
    const viewer = await person(sc.s, sc.board, 'viewer', 'Vera');
    cleanups.push(() => viewer.provider.destroy());
    expect(await refused(viewer.provider, 'castVote', { cardId: a }, 'forbidden')).toMatch(/Viewers can’t vote/);
    expect(await refused(sc.fac.provider, 'castVote', { cardId: a }, 'forbidden')).toBe('Facilitators don’t vote in this round.');
    await ok(sc.fac.provider, 'repeatRound');
    await ok(sc.fac.provider, 'openVote', { config: { facilitatorsVote: true } });
    expect(await ok(sc.fac.provider, 'castVote', { cardId: a })).toMatchObject({ round: 2, used: 1 });
    await refused(viewer.provider, 'castVote', { cardId: a }, 'forbidden');
  });

  it('hidden totals: before the reveal no byte any connection received carries totals; after it everyone gets them by sector', async () => {
    const sc = await scene({ votesPerPerson: 2, hideUntilReveal: true });
    const [a, b] = sc.ideas as [string, string];
    // listeners: a viewer, a contributor who votes, a connection that never joined, and the facilitator
    const viewer = connectRecordingProvider(sc.s, sc.board.id, sc.board.tokens.viewer);
    const carol = connectRecordingProvider(sc.s, sc.board.id, sc.board.tokens.contributor);
    const lurker = connectRecordingProvider(sc.s, sc.board.id, sc.board.tokens.contributor);
    const facEyes = connectRecordingProvider(sc.s, sc.board.id, sc.board.tokens.facilitator);
    const listeners = [viewer, carol, lurker, facEyes];
    cleanups.push(...listeners.map((l) => () => l.destroy()));
    await Promise.all(listeners.map((l) => whenSynced(l)));
    await ok(carol, 'join', { name: 'Carol', organisation: 'Uni', sector: 'academia' });
    await ok(facEyes, 'join', { name: 'Fay', organisation: '', sector: 'public sector', participantId: sc.fac.me.participantId, secret: sc.fac.me.secret });

    await ok(sc.amira.provider, 'castVote', { cardId: a });
    await ok(sc.amira.provider, 'castVote', { cardId: b });
    await ok(sc.ben.provider, 'castVote', { cardId: a });
    await ok(carol, 'castVote', { cardId: a });
    await ok(sc.fac.provider, 'closeVote');
    const hidden = await (await fetch(`${sc.s.url}/api/boards/${sc.board.id}/votes`, { headers: { authorization: `Bearer ${sc.board.tokens.facilitator}` } })).json() as VotesResponse;
    for (const l of listeners) await barrier(l);

    for (const l of listeners) {
      const seen = bytesAsText(l.received);
      expect(seen).not.toContain('"voteResult"');
      expect(seen).not.toContain('"tallies"');
      expect(seen).not.toContain('"bySector"');
      expect(seen).not.toContain('"total"');
      // nobody's dots but your own: Carol only ever saw her one dot on a; the others none at all
      for (const m of l.control.filter((c) => c.type === 'myVotes')) {
        if (m.type !== 'myVotes') continue;
        expect(l === carol ? Object.keys(m.dots).every((k) => k === a) && (m.dots[a] ?? 0) <= 1 : m.used === 0).toBe(true);
      }
    }
    expect(lurker.control.some((m) => m.type === 'myVotes')).toBe(false);
    // participation is public, choices are not
    expect(last(viewer, 'session')!.vote).toMatchObject({ status: 'closed', voterCount: 3 });
    expect(hidden.rounds).toEqual([expect.objectContaining({ round: 1, status: 'closed', tallies: [] })]);

    await ok(sc.fac.provider, 'revealVote');
    for (const l of listeners) {
      const shown = await until(l, 'voteResult', (m) => m.result.status === 'revealed');
      expect(shown.result.voterCount).toBe(3);
      expect(shown.result.tallies[0]).toMatchObject({
        cardId: a,
        total: 3,
        bySector: { 'public sector': 1, 'private sector': 1, academia: 1, 'voluntary and community': 0, citizen: 0 },
        voters: ['Amira', 'Ben', 'Carol'],
      });
      expect(shown.result.tallies[1]).toMatchObject({ cardId: b, total: 1 });
    }
    // someone arriving later gets the revealed results on connecting
    const late = connectProvider(sc.s, sc.board.id, sc.board.tokens.viewer);
    cleanups.push(() => late.destroy());
    await until(late, 'voteResult', (m) => m.result.round === 1 && m.result.tallies.length === 2);
  });

  it('results not hidden are published live, and anonymous rounds never name anyone', async () => {
    const sc = await scene({ hideUntilReveal: false, anonymous: true });
    const [a] = sc.ideas as [string];
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    const live = await until(sc.ben.provider, 'voteResult', (m) => m.result.tallies[0]?.total === 1);
    expect(live.result.status).toBe('open');
    expect(live.result.tallies[0]).not.toHaveProperty('voters');
    await ok(sc.ben.provider, 'castVote', { cardId: a });
    await until(sc.amira.provider, 'voteResult', (m) => m.result.tallies[0]?.total === 2);
  });

  it('anonymous round: a sector with one voter gets no figure of its own, on the socket or in brief.json', async () => {
    const sc = await scene({ anonymous: true, votesPerPerson: 2 });
    const [a, b] = sc.ideas as [string, string];
    const carol = await person(sc.s, sc.board, 'contributor', 'Carol', { organisation: 'Uni', sector: 'academia' });
    const viewer = connectRecordingProvider(sc.s, sc.board.id, sc.board.tokens.viewer);
    cleanups.push(() => carol.provider.destroy(), () => viewer.destroy());
    await whenSynced(viewer);
    // one voter each from public, private and academia
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    await ok(sc.ben.provider, 'castVote', { cardId: a });
    await ok(sc.ben.provider, 'castVote', { cardId: b });
    await ok(carol.provider, 'castVote', { cardId: b });
    await ok(sc.fac.provider, 'revealVote');

    const { result } = await until(viewer, 'voteResult', (m) => m.result.status === 'revealed');
    // each sector alone would name its voter's choice: all three are only shown together
    expect(result.sectorPrivacy).toEqual({ minVoters: 3, sectorsShown: [] });
    // (equal scores: the order between the two is the card ids')
    expect(result.tallies.map((t) => [t.cardId, t.total, t.otherSectors])).toEqual(
      expect.arrayContaining([
        [a, 2, 2],
        [b, 2, 2],
      ]),
    );
    expect(result.tallies).toHaveLength(2);
    for (const t of result.tallies) expect(Object.values(t.bySector).every((n) => n === 0)).toBe(true);
    const seen = bytesAsText(viewer.received);
    expect(seen).not.toMatch(/"(public sector|private sector|academia)":[1-9]/);

    const res = await fetch(`${sc.s.url}/api/boards/${sc.board.id}/brief.json?token=${sc.board.tokens.viewer}`);
    expect(res.status).toBe(200);
    const brief = (await res.json()) as ChallengeBriefJson;
    expect(brief.rounds[0]!.sectorMinVoters).toBe(3);
    for (const entry of [...brief.rounds[0]!.ranking, ...brief.ideas.flatMap((i) => (i.votes ? [i.votes] : []))]) {
      expect(entry.bySector).toEqual([]);
      expect(entry.otherSectors).toBe(entry.total);
    }
    expect(brief.rounds[0]!.ranking.filter((e) => e.total > 0)).toHaveLength(2);
  });

  it('the fewest voters a sector needs is the deployment’s to choose', async () => {
    const sc = await scene({ anonymous: true }, { anonymousSectorMinVoters: 1 });
    const [a] = sc.ideas as [string];
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    await ok(sc.ben.provider, 'castVote', { cardId: a });
    const { result } = await reveal(sc);
    expect(result.sectorPrivacy).toEqual({ minVoters: 1, sectorsShown: expect.arrayContaining(['public sector', 'private sector']) });
    expect(result.tallies[0]).toMatchObject({ otherSectors: 0, bySector: { 'public sector': 1, 'private sector': 1 } });
  });

  it('results are kept per round; the API shows each role only what may be seen; getVoteResults has everything', async () => {
    const sc = await scene({ votesPerPerson: 1 });
    const [a, b] = sc.ideas as [string, string];
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    await reveal(sc);
    await ok(sc.fac.provider, 'repeatRound');
    await ok(sc.fac.provider, 'openVote', { config: { votesPerPerson: 1 } });
    await until(sc.amira.provider, 'myVotes', (m) => m.round === 2 && m.remaining === 1);
    await ok(sc.amira.provider, 'castVote', { cardId: b });
    await ok(sc.fac.provider, 'closeVote');

    const get = (token: string) => fetch(`${sc.s.url}/api/boards/${sc.board.id}/votes`, { headers: { authorization: `Bearer ${token}` } });
    for (const token of [sc.board.tokens.viewer, sc.board.tokens.contributor, sc.board.tokens.facilitator]) {
      const res = await get(token);
      expect(res.status).toBe(200);
      const body = (await res.json()) as VotesResponse;
      expect(body.rounds.map((r) => [r.round, r.status, r.tallies.map((t) => t.cardId)])).toEqual([
        [1, 'revealed', [a]],
        [2, 'closed', []],
      ]);
    }
    expect((await get('not-a-token')).status).toBe(401);
    expect((await fetch(`${sc.s.url}/api/boards/${sc.board.id}/votes`)).status).toBe(401);

    const all = await sc.s.facilitation.getVoteResults(sc.board.id);
    expect(all.map((r) => [r.round, r.tallies.map((t) => [t.cardId, t.total])])).toEqual([
      [1, [[a, 1]]],
      [2, [[b, 1]]],
    ]);
  });

  it('vote-looking data written straight into the document changes nothing that counts', async () => {
    // an open board, where contributors may edit any card
    const s = await startServer();
    cleanups.push(() => s.close());
    const board = await s.createBoard({ title: 'Open' });
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy());
    const idea = addIdea(fac.provider.doc, { title: 'Text nudges', author: fay, problemId: null }, facOrigin);
    await waitFor(() => laneMap(amira.provider.doc, 'idea').has(idea));
    await ok(fac.provider, 'openVote', { config: { votesPerPerson: 1 } });

    const mallory = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => mallory.destroy());
    await whenSynced(mallory);
    await ok(mallory, 'join', { name: 'Mallory', organisation: '', sector: 'citizen' });
    mallory.doc.transact(() => {
      // a root of her own that looks like ballots, and fields on the card that look like totals
      const fake = mallory.doc.getMap<unknown>('votes');
      fake.set(idea, 500);
      fake.set('round', 1);
      fake.set('revealed', true);
      const record = laneMap(mallory.doc, 'idea').get(idea) as Y.Map<unknown>;
      record.set('votes', 500);
      record.set('tallies', [{ cardId: idea, total: 500 }]);
    });
    // the fields on the card are an edit like any other, and sync ...
    await waitFor(() => (laneMap(amira.provider.doc, 'idea').get(idea) as Y.Map<unknown>).get('votes') === 500, 5000, 'the fake fields synced');
    // ... but a root of her own is outside the board's layout: refused, the rest of the update kept
    await waitFor(() => mallory.control.some((m) => m.type === 'refused'), 5000, 'the refusal');
    expect(mallory.control.filter((m) => m.type === 'refused')).toEqual([
      { type: 'refused', kept: true, changes: [expect.objectContaining({ target: { kind: 'other' }, code: 'outside-board' })] },
    ]);
    expect(mallory.control.filter((m) => m.type === 'error')).toEqual([]);
    expect(amira.provider.doc.share.has('votes')).toBe(false);

    await ok(amira.provider, 'castVote', { cardId: idea });
    // her fake data gave her no extra dot and no results
    await ok(mallory, 'castVote', { cardId: idea });
    await refused(mallory, 'castVote', { cardId: idea }, 'budget-spent');
    expect(last(amira.provider, 'session')!.vote).toMatchObject({ status: 'open' });
    expect(amira.provider.control.some((m) => m.type === 'voteResult')).toBe(false);
    await ok(fac.provider, 'revealVote');
    const result = await until(amira.provider, 'voteResult', (m) => m.result.status === 'revealed');
    expect(result.result.tallies).toEqual([expect.objectContaining({ cardId: idea, total: 2 })]);
    expect((await s.facilitation.getVoteResults(board.id))[0]!.tallies[0]!.total).toBe(2);
  });

  it('a removed participant’s dots in the open vote go with them', async () => {
    const sc = await scene({ votesPerPerson: 2, hideUntilReveal: false });
    const [a] = sc.ideas as [string];
    await ok(sc.ben.provider, 'castVote', { cardId: a });
    await ok(sc.amira.provider, 'castVote', { cardId: a });
    await until(sc.fac.provider, 'voteResult', (m) => m.result.tallies[0]?.total === 2);
    await ok(sc.fac.provider, 'removeParticipant', { participantId: sc.ben.me.participantId });
    await until(sc.fac.provider, 'voteResult', (m) => m.result.tallies[0]?.total === 1);
    const result = await command(sc.fac.provider, 'revealVote');
    expect(result.ok).toBe(true);
    expect((await sc.s.facilitation.getVoteResults(sc.board.id))[0]!.tallies[0]).toMatchObject({ total: 1, voters: ['Amira'] });
  });
});
