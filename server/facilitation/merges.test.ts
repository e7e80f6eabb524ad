/**
 * Votes follow merged ideas: the dots placed on an idea merged into another count for that idea,
 * under the round's per-card cap for each person — in the live results, the votes API and the
 * brief — and only a real merge can move them. Real server on port 0, unmodified y-websocket
 * providers; the merge is the same `mergeIdeas` the board calls, and undo is Yjs's UndoManager.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addProblem, deleteCard, mergeIdeas, readBoard, readMerges } from '../../shared/board/index.ts';
import type { VotesResponse } from '../../shared/api.ts';
import type { ChallengeBriefJson } from '../../shared/brief/json.ts';
import type { RefusedMessage, VoteResultMessage } from '../../shared/protocol.ts';
import { boardMaps, laneMap } from '../../shared/schema.ts';
import type { BoardOrigin } from '../../shared/origins.ts';
import { waitFor, type TestProvider, type TestServer } from '../test/harness.ts';
import { creditOf, hackathonTeam, ok, person, until, type Person } from '../test/session.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const origin = (p: Person): BoardOrigin => ({ kind: 'local', participantId: p.me.participantId });

type Scene = { s: TestServer; board: CreateBoardResponse; fac: Person; amira: Person; ben: Person; keep: string; dup: string; other: string };

/**
 * A hackathon in its Vote phase with three ideas — "Text nudges" (kept), "SMS reminders" (its
 * duplicate) and "Drop-in hub" — and a vote of 4 dots each, at most 2 on one idea, whose totals
 * are shown live.
 */
async function scene(): Promise<Scene> {
  const { s, board, fac, amira, ben } = await hackathonTeam(cleanups);
  const doc = fac.provider.doc;
  const problem = addProblem(doc, { title: 'Missed rent', author: creditOf(fac) }, origin(fac));
  const [keep, dup, other] = ['Text nudges', 'SMS reminders', 'Drop-in hub'].map((title) =>
    addIdea(doc, { title, author: creditOf(fac), problemId: problem }, origin(fac)),
  ) as [string, string, string];
  await waitFor(() => [amira, ben].every((p) => laneMap(p.provider.doc, 'idea').size === 3), 5000, 'the ideas everywhere');
  await ok(fac.provider, 'setPhase', { phaseId: 'vote' });
  await ok(fac.provider, 'openVote', { config: { votesPerPerson: 4, maxPerCard: 2, hideUntilReveal: false } });
  return { s, board, fac, amira, ben, keep, dup, other };
}

/** Each card's total in a published result, by card id. */
function totals(message: { result: VoteResultMessage['result'] }): Record<string, number> {
  return Object.fromEntries(message.result.tallies.map((t) => [t.cardId, t.total]));
}

async function votesApi(sc: Scene): Promise<Record<string, number>> {
  const res = await fetch(`${sc.s.url}/api/boards/${sc.board.id}/votes?token=${sc.board.tokens.viewer}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as VotesResponse;
  return Object.fromEntries(body.rounds[0]!.tallies.map((t) => [t.cardId, t.total]));
}

async function briefJson(sc: Scene): Promise<ChallengeBriefJson> {
  const res = await fetch(`${sc.s.url}/api/boards/${sc.board.id}/brief.json?token=${sc.board.tokens.viewer}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ChallengeBriefJson;
}

function refusals(p: TestProvider): RefusedMessage[] {
  return p.control.filter((m): m is RefusedMessage => m.type === 'refused');
}

/** Makes one change (one transaction, so one update) that the server must refuse, and returns its answer. */
async function refusedWrite(p: Person, write: (doc: Y.Doc) => void): Promise<RefusedMessage> {
  const before = refusals(p.provider).length;
  p.provider.doc.transact(() => write(p.provider.doc), origin(p));
  await waitFor(() => refusals(p.provider).length > before, 5000, 'a refusal');
  return refusals(p.provider).at(-1)!;
}

describe('votes follow merged ideas', () => {
  it('dots on the merged idea count for the kept one, capped per person, live, in the votes API and in the brief; undo gives them back', async () => {
    const sc = await scene();
    const { keep, dup, other } = sc;
    // Amira: 2 on the duplicate, 1 on the kept idea; Ben: 1 on the duplicate, 1 on the other
    for (const cardId of [dup, dup, keep]) await ok(sc.amira.provider, 'castVote', { cardId });
    for (const cardId of [dup, other]) await ok(sc.ben.provider, 'castVote', { cardId });
    await until(sc.fac.provider, 'voteResult', (m) => totals(m)[dup] === 3 && totals(m)[other] === 1);

    // the facilitator merges the duplicate into the kept idea (as the board does: one transaction)
    const mine = origin(sc.fac);
    const undo = new Y.UndoManager([laneMap(sc.fac.provider.doc, 'idea'), boardMaps(sc.fac.provider.doc).merges], {
      trackedOrigins: new Set([mine]),
    });
    mergeIdeas(sc.fac.provider.doc, { keepId: keep, mergeId: dup }, mine);

    // Amira's 2 + 1 on the pair count 2 (at most 2 on one idea from one person); Ben's 1 moves
    const live = await until(sc.amira.provider, 'voteResult', (m) => totals(m)[keep] === 3);
    expect(totals(live)).toEqual({ [keep]: 3, [other]: 1 });
    expect(live.result.voterCount).toBe(2);
    expect(await votesApi(sc)).toEqual({ [keep]: 3, [other]: 1 });
    // the ballots themselves are as cast: Amira still has 3 dots used
    expect((await ok(sc.amira.provider, 'castVote', { cardId: other })) as { used: number }).toMatchObject({ used: 4 });
    await ok(sc.amira.provider, 'withdrawVote', { cardId: other });

    await ok(sc.fac.provider, 'closeVote');
    const brief = await briefJson(sc);
    const round = brief.rounds[0]!;
    expect(round.ranking.map((e) => [e.title, e.total])).toEqual([
      ['Text nudges', 3],
      ['Drop-in hub', 1],
    ]);
    expect([round.dotsCast, round.dotsOnRemovedCards]).toEqual([4, 0]);
    expect(brief.ideas.find((i) => i.id === keep)!.votes).toMatchObject({ rank: 1, total: 3 });

    // undo: the duplicate is back, the record gone, and its dots are its own again
    undo.undo();
    await until(sc.ben.provider, 'voteResult', (m) => totals(m)[dup] === 3);
    expect(await votesApi(sc)).toEqual({ [dup]: 3, [keep]: 1, [other]: 1 });
    expect(readMerges(sc.s.rooms.peek(sc.board.id)!.doc)).toEqual(new Map());
    expect(refusals(sc.fac.provider)).toEqual([]);
  });

  it('a record of a merge that did not happen is refused, whoever writes it, and moves no vote', async () => {
    const sc = await scene();
    const { keep, dup, other } = sc;
    await ok(sc.ben.provider, 'castVote', { cardId: other });
    await until(sc.fac.provider, 'voteResult', (m) => totals(m)[other] === 1);

    // a live idea's votes "merged" into another, with the idea left on the board: by a contributor,
    // then by a facilitator (on a connection of its own: a change refused whole leaves a stock
    // client's later changes waiting until it syncs afresh)
    const mallory = await person(sc.s, sc.board, 'facilitator', 'Mallory');
    cleanups.push(() => mallory.provider.destroy());
    for (const p of [sc.ben, mallory]) {
      const refused = await refusedWrite(p, (doc) => boardMaps(doc).merges.set(other, { into: keep }));
      expect(refused.changes).toEqual([expect.objectContaining({ code: 'merge', change: 'add', target: { kind: 'other' } })]);
      expect(refused.changes[0]!.message).toMatch(/A merge is recorded only when the merged idea is deleted with it/);
    }
    // a deleted idea recorded as merged into an idea that is not on the board
    const refused = await refusedWrite(sc.fac, (doc) => {
      deleteCard(doc, dup, origin(sc.fac));
      boardMaps(doc).merges.set(dup, { into: 'no-such-idea' });
    });
    expect(refused.kept).toBe(true);
    expect(refused.changes.map((c) => c.code)).toEqual(['merge']);

    expect(await votesApi(sc)).toEqual({ [other]: 1 });
    const room = sc.s.rooms.peek(sc.board.id)!;
    expect(readMerges(room.doc)).toEqual(new Map());
    expect(boardMaps(room.doc).merges.size).toBe(0);
    // the deletion itself was the facilitator's to make, and was kept
    expect(readBoard(room.doc).ideas.map((i) => i.title).sort()).toEqual(['Drop-in hub', 'Text nudges']);

    // a real merge's record can't be taken out while the idea stays merged
    const stays = addIdea(sc.fac.provider.doc, { title: 'Nudges by text', author: creditOf(sc.fac), problemId: null }, origin(sc.fac));
    mergeIdeas(sc.fac.provider.doc, { keepId: keep, mergeId: stays }, origin(sc.fac));
    await waitFor(() => readMerges(room.doc).get(stays) === keep, 5000, 'the merge on the server');
    await waitFor(() => readMerges(sc.ben.provider.doc).get(stays) === keep, 5000, 'the merge at Ben');
    const taken = await refusedWrite(sc.ben, (doc) => boardMaps(doc).merges.delete(stays));
    expect(taken.changes).toEqual([expect.objectContaining({ code: 'merge', change: 'remove' })]);
    expect(readMerges(room.doc).get(stays)).toBe(keep);
  });

  it('a merge the phase does not allow is refused as the ideas’ change, told once, and moves nothing', async () => {
    const sc = await scene();
    await ok(sc.amira.provider, 'castVote', { cardId: sc.dup });
    await until(sc.fac.provider, 'voteResult', (m) => totals(m)[sc.dup] === 1);
    // contributors can't change cards while voting: the merge is the same change to them
    const refused = await refusedWrite(sc.amira, (doc) => mergeIdeas(doc, { keepId: sc.keep, mergeId: sc.dup }, origin(sc.amira)));
    expect(refused.kept).toBe(false);
    expect(refused.changes.map((c) => [c.target.kind, c.change, c.code]).sort()).toEqual([
      ['card', 'edit', 'wrong-phase'],
      ['card', 'remove', 'wrong-phase'],
    ]);
    expect(await votesApi(sc)).toEqual({ [sc.dup]: 1 });
    expect(boardMaps(sc.s.rooms.peek(sc.board.id)!.doc).merges.size).toBe(0);
  });
});
