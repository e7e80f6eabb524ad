/**
 * What the brief calls official is written by those entitled to it, and offline work survives the
 * rules: real server on port 0, unmodified y-websocket providers, asserting on a second client and
 * on brief.json.
 *
 * - the meta (title, challenge, sponsor), the brief's summary, next steps and actions: facilitators only;
 * - a card is credited to the joined participant who added it, whatever its author field says,
 *   and nobody changes that afterwards; a merge adds co-authors the server recorded;
 * - an update is judged part by part: what the rules allow is kept, the rest is listed back;
 * - nothing outside the board's layout is stored or relayed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addAction,
  addIdea,
  addProblem,
  mergeIdeas,
  updateAction,
  readBoard,
  updateBriefText,
  updateCardTitle,
  updateMeta,
  type Author,
} from '../../shared/board/index.ts';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import type { RefusedMessage } from '../../shared/protocol.ts';
import { ACTION, CARD, LIMITS, boardMaps, laneMap } from '../../shared/schema.ts';
import { briefSchemaErrors } from '../../shared/brief/testingSchema.ts';
import { startServer, waitFor, whenSynced, connectProvider, type TestProvider, type TestServer } from '../test/harness.ts';
import { bytesAsText, controlFrameOf, ok, person, type Person } from '../test/session.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const origin: BoardOrigin = { kind: 'local', participantId: 'x' };
const FORGED: Author = { participantId: 'fay-id', name: 'Fay Facilitator', organisation: 'Leeds City Council', sector: 'public sector' };

async function scene(template: 'open' | 'hackathon' = 'open') {
  const s = await startServer();
  cleanups.push(() => s.close());
  const board = await s.createBoard({ title: 'Trusted board', challenge: 'Cut rent arrears', sponsor: 'The council', template });
  const fac = await person(s, board, 'facilitator', 'Fay');
  const amira = await person(s, board, 'contributor', 'Amira', { organisation: 'Shelter North', sector: 'voluntary and community' });
  const ben = await person(s, board, 'contributor', 'Ben', { organisation: 'Brightwire', sector: 'private sector' });
  cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy(), () => ben.provider.destroy());
  return { s, board, fac, amira, ben };
}

function refusals(p: TestProvider): RefusedMessage[] {
  return p.control.filter((m): m is RefusedMessage => m.type === 'refused');
}

async function refusedWrite(p: Person, write: (doc: Y.Doc) => void): Promise<RefusedMessage> {
  const before = refusals(p.provider).length;
  // one transaction, so one update and one answer
  p.provider.doc.transact(() => write(p.provider.doc));
  await waitFor(() => refusals(p.provider).length > before, 5000, 'a refusal');
  return refusals(p.provider).at(-1)!;
}

async function briefJson(s: TestServer, board: CreateBoardResponse): Promise<ChallengeBrief> {
  const res = await fetch(`${s.url}/api/boards/${board.id}/brief.json?token=${board.tokens.viewer}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ChallengeBrief;
}

/** Joins again on every new connection, first thing, as the app does (its join goes out on open). */
function rejoinOnConnect(p: Person): void {
  p.provider.on('status', ({ status }: { status: string }) => {
    if (status !== 'connected') return;
    const join = { name: p.name, organisation: `${p.name}’s organisation`, sector: 'private sector', participantId: p.me.participantId, secret: p.me.secret };
    p.provider.ws!.send(controlFrameOf(JSON.stringify({ type: 'command', id: `rejoin-${Math.random()}`, name: 'join', args: join })));
  });
}

/** Resolves once `p` has seen everything sent before: a command's answer comes after them. */
async function settled(p: Person): Promise<void> {
  await ok(p.provider, 'join', { name: p.name, organisation: `${p.name}’s organisation`, sector: 'private sector', participantId: p.me.participantId, secret: p.me.secret });
}

describe('the meta and the brief’s text are the facilitator’s', () => {
  it('a contributor’s forged title, sponsor, summary and next steps are refused; the facilitator’s are kept', async () => {
    const { s, board, fac, amira, ben } = await scene();
    const refused = await refusedWrite(amira, (doc) => {
      updateMeta(doc, { title: 'FORGED', sponsor: 'HM Treasury' }, origin);
      updateBriefText(doc, 'summary', 'FORGED SUMMARY: the council commits £5m.', origin);
      updateBriefText(doc, 'nextSteps', 'Send the money.', origin);
    });
    expect(refused.kept).toBe(false);
    expect(refused.changes.map((c) => [c.target.kind, c.code]).sort()).toEqual([
      ['meta', 'forbidden'],
      ['meta', 'forbidden'],
      ['meta', 'forbidden'],
      ['meta', 'forbidden'],
    ]);
    expect(refused.changes[0]!.message).toMatch(/Only the facilitator can change/);

    // the facilitator writes the summary; a second client and the brief have only that
    updateBriefText(fac.provider.doc, 'summary', 'The team proposes a text-message pilot.', origin);
    await waitFor(() => readBoard(ben.provider.doc).meta.summary === 'The team proposes a text-message pilot.', 5000, 'summary at Ben');
    await settled(ben);
    const seen = readBoard(ben.provider.doc).meta;
    expect([seen.title, seen.sponsor, seen.nextSteps]).toEqual(['Trusted board', 'The council', '']);
    const brief = await briefJson(s, board);
    expect(brief.title).toBe('Trusted board');
    expect(brief.sponsor).toBe('The council');
    expect(brief.summary).toBe('The team proposes a text-message pilot.');
    expect(JSON.stringify(brief)).not.toContain('FORGED');
    expect(bytesAsText((await s.storage.documents.loadDocument(board.id)).updates)).not.toContain('FORGED');
  });

  it('actions are the facilitator’s too: a contributor’s new or changed action is refused; the facilitator’s reach everyone and the brief', async () => {
    const { s, board, fac, amira, ben } = await scene();
    const owner = { kind: 'name' as const, name: 'Housing team' };
    const id = addAction(fac.provider.doc, { title: 'Run a caseworker trial', owner, due: '2026-03-02' }, origin);
    await waitFor(() => readBoard(amira.provider.doc).actions.length === 1 && readBoard(ben.provider.doc).actions.length === 1, 5000, 'the action everywhere');
    const refused = await refusedWrite(amira, (doc) => {
      addAction(doc, { title: 'FORGED: fund it all', owner: { kind: 'name', name: 'HM Treasury' } }, origin);
      updateAction(doc, id, { status: 'done', title: 'FORGED: done already' }, origin);
    });
    expect(refused.kept).toBe(false);
    expect(refused.changes.map((c) => [c.change, c.code])).toEqual([
      ['add', 'forbidden'],
      ['edit', 'forbidden'],
    ]);
    updateAction(fac.provider.doc, id, { status: 'in-progress' }, origin);
    await waitFor(() => readBoard(ben.provider.doc).actions[0]?.status === 'in-progress', 5000, 'the change at Ben');
    await settled(ben);
    expect(readBoard(ben.provider.doc).actions.map((a) => [a.title, a.status])).toEqual([['Run a caseworker trial', 'in-progress']]);
    const brief = (await briefJson(s, board)) as ChallengeBrief;
    expect(brief.actions).toEqual([
      { id, title: 'Run a caseworker trial', owner, due: '2026-03-02', status: 'in-progress', ideaId: null },
    ]);
    expect(JSON.stringify(brief)).not.toContain('FORGED');
    expect(bytesAsText((await s.storage.documents.loadDocument(board.id)).updates)).not.toContain('FORGED');
  });

  it('a contributor’s junk in the actions is refused whole, deletions included; a facilitator’s oversized fields reach the brief cut to their limits', async () => {
    const { s, board, fac, amira, ben } = await scene();
    const id = addAction(fac.provider.doc, { title: 'Run a caseworker trial' }, origin);
    await waitFor(() => readBoard(amira.provider.doc).actions.length === 1, 5000, 'the action at Amira');
    const refused = await refusedWrite(amira, (doc) => {
      const actions = boardMaps(doc).actions;
      actions.set('junk', 'FORGED'.repeat(50_000));
      const record = new Y.Map<unknown>();
      actions.set('forged', record);
      record.set(ACTION.title, { FORGED: true });
      record.set(ACTION.status, ['done']);
      actions.delete(id);
    });
    expect(refused.kept).toBe(false);
    expect(refused.changes.map((c) => c.code)).toEqual(['forbidden', 'forbidden', 'forbidden']);
    await settled(ben);
    expect(readBoard(ben.provider.doc).actions.map((a) => a.id)).toEqual([id]);

    // a facilitator's page caps what it writes; one that does not is cut when read
    fac.provider.doc.transact(() => {
      const record = boardMaps(fac.provider.doc).actions.get(id) as Y.Map<unknown>;
      record.set(ACTION.title, 'T'.repeat(100_000));
      record.set(ACTION.owner, { name: 'N'.repeat(10_000) });
      record.set(ACTION.due, '2026-02-30');
    });
    await waitFor(() => readBoard(ben.provider.doc).actions[0]?.owner !== null, 5000, 'the change at Ben');
    const brief = await briefJson(s, board);
    expect(briefSchemaErrors(brief)).toEqual([]);
    expect(brief.actions).toEqual([{ id, title: 'T'.repeat(LIMITS.actionTitle), owner: { kind: 'name', name: 'N'.repeat(LIMITS.name) }, due: null, status: 'open', ideaId: null }]);
    expect(bytesAsText((await s.storage.documents.loadDocument(board.id)).updates)).not.toContain('FORGED');
  });

  it('a co-facilitator may write the summary', async () => {
    const { board, fac, amira, ben, s } = await scene();
    await ok(fac.provider, 'makeCoFacilitator', { participantId: amira.me.participantId, on: true });
    updateBriefText(amira.provider.doc, 'summary', 'Written by a co-facilitator.', origin);
    await waitFor(() => readBoard(ben.provider.doc).meta.summary === 'Written by a co-facilitator.', 5000, 'summary at Ben');
    expect((await briefJson(s, board)).summary).toBe('Written by a co-facilitator.');
    expect(refusals(amira.provider)).toEqual([]);
  });
});

describe('a card is credited to who added it', () => {
  it('a card claiming the facilitator as author is credited to the contributor who added it, at every client and in the brief', async () => {
    const { s, board, amira, ben } = await scene();
    const id = addProblem(amira.provider.doc, { title: 'Written by Amira, claiming Fay', author: FORGED }, origin);
    await waitFor(() => readBoard(ben.provider.doc).problems.find((p) => p.id === id)?.author.name === 'Amira', 5000, 'the re-credit at Ben');
    const seen = readBoard(ben.provider.doc).problems.find((p) => p.id === id)!;
    expect(seen.author).toEqual({ participantId: amira.me.participantId, name: 'Amira', organisation: 'Shelter North', sector: 'voluntary and community' });
    // the writer's own copy follows too
    await waitFor(() => readBoard(amira.provider.doc).problems.find((p) => p.id === id)?.author.name === 'Amira', 5000, 'at Amira');
    const brief = await briefJson(s, board);
    const problem = brief.problems.find((p) => p.id === id)!;
    expect(problem.author).toMatchObject({ name: 'Amira', organisation: 'Shelter North', sector: 'voluntary and community' });
    expect(JSON.stringify(brief)).not.toContain('Fay Facilitator');
  });

  it('nobody changes who wrote a card afterwards, not even the facilitator', async () => {
    const { fac, amira, ben } = await scene();
    const id = addProblem(ben.provider.doc, { title: 'Ben’s card', author: FORGED }, origin);
    await waitFor(() => readBoard(amira.provider.doc).problems.find((p) => p.id === id)?.author.name === 'Ben', 5000, 'Ben’s card at Amira');
    for (const who of [amira, fac]) {
      await waitFor(() => readBoard(who.provider.doc).problems.find((p) => p.id === id)?.author.name === 'Ben', 5000, 'credited');
      const refused = await refusedWrite(who, (doc) => (laneMap(doc, 'problem').get(id) as Y.Map<unknown>).set(CARD.author, FORGED));
      expect(refused.changes).toEqual([expect.objectContaining({ target: { kind: 'card', lane: 'problem', id }, change: 'edit', code: 'credits' })]);
    }
    await settled(ben);
    expect(readBoard(ben.provider.doc).problems.find((p) => p.id === id)!.author.name).toBe('Ben');
  });

  it('undo brings a deleted or merged card back with the credits the server recorded', async () => {
    const { fac, amira, ben } = await scene();
    const problemId = addProblem(amira.provider.doc, { title: 'Rent', author: FORGED }, origin);
    const keep = addIdea(amira.provider.doc, { title: 'Text nudges', author: FORGED, problemId }, origin);
    const merged = addIdea(ben.provider.doc, { title: 'SMS reminders', author: FORGED, problemId }, origin);
    await waitFor(() => readBoard(amira.provider.doc).ideas.find((i) => i.id === merged)?.author.name === 'Ben', 5000, 'Ben’s idea at Amira');
    const undo = new Y.UndoManager([laneMap(amira.provider.doc, 'idea')], { trackedOrigins: new Set([origin]) });
    mergeIdeas(amira.provider.doc, { keepId: keep, mergeId: merged }, origin);
    await waitFor(() => readBoard(fac.provider.doc).ideas.length === 1, 5000, 'the merge at Fay');
    undo.undo();
    await waitFor(() => readBoard(fac.provider.doc).ideas.length === 2, 5000, 'the undo at Fay');
    await settled(amira);
    const ideas = readBoard(fac.provider.doc).ideas;
    expect(ideas.find((i) => i.id === merged)!.author.name).toBe('Ben');
    expect(ideas.find((i) => i.id === keep)!.coAuthors).toEqual([]);
    expect(refusals(amira.provider)).toEqual([]);
  });

  it('a card added before joining is refused (there is nobody to credit it to)', async () => {
    const { s, board, amira } = await scene();
    const stranger = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => stranger.destroy());
    await whenSynced(stranger);
    addProblem(stranger.doc, { title: 'Nobody’s card', author: FORGED }, origin);
    await waitFor(() => refusals(stranger).length > 0, 5000, 'refusal');
    expect(refusals(stranger)[0]!.changes[0]).toMatchObject({ change: 'add', code: 'not-joined' });
    await settled(amira);
    expect(readBoard(amira.provider.doc).problems.map((p) => p.title)).not.toContain('Nobody’s card');
  });

  it('a merge credits the merged idea’s author on the kept one; an invented co-author is refused', async () => {
    const { s, board, fac, amira, ben } = await scene();
    const problemId = addProblem(amira.provider.doc, { title: 'Rent', author: FORGED }, origin);
    const keep = addIdea(amira.provider.doc, { title: 'Text nudges', author: FORGED, problemId }, origin);
    const merged = addIdea(ben.provider.doc, { title: 'SMS reminders', author: FORGED, problemId }, origin);
    await waitFor(() => {
      const b = readBoard(amira.provider.doc);
      return b.ideas.find((i) => i.id === merged)?.author.name === 'Ben' && b.ideas.find((i) => i.id === keep)?.author.name === 'Amira';
    }, 5000, 'both ideas, credited, at Amira');
    // an invented co-author (Ben's page; Amira's stays clean for the merge)
    await waitFor(() => readBoard(ben.provider.doc).ideas.length === 2, 5000, 'both ideas at Ben');
    const refused = await refusedWrite(ben, (doc) => {
      const co = (laneMap(doc, 'idea').get(keep) as Y.Map<unknown>).get(CARD.coAuthors) as Y.Map<unknown>;
      co.set('fay-id', FORGED);
    });
    expect(refused.changes).toEqual([expect.objectContaining({ code: 'credits' })]);
    // a real merge: Ben is credited beside Amira, as the server recorded him
    mergeIdeas(amira.provider.doc, { keepId: keep, mergeId: merged }, origin);
    await waitFor(() => readBoard(fac.provider.doc).ideas.find((i) => i.id === keep)?.coAuthors.length === 1, 5000, 'the merge at Fay');
    const idea = readBoard(fac.provider.doc).ideas.find((i) => i.id === keep)!;
    expect(idea.coAuthors.map((a) => [a.name, a.organisation])).toEqual([['Ben', 'Brightwire']]);
    expect(readBoard(fac.provider.doc).ideas.map((i) => i.id)).toEqual([keep]);
    const brief = await briefJson(s, board);
    expect(JSON.stringify(brief.ideas)).not.toContain('Fay Facilitator');
  });
});

describe('an update is judged part by part', () => {
  it('offline work against a locked board: every card’s change is listed back, nothing is applied', async () => {
    const { fac, amira, ben } = await scene();
    const problemId = addProblem(amira.provider.doc, { title: 'Rent', author: FORGED }, origin);
    await waitFor(() => readBoard(ben.provider.doc).problems.length === 1, 5000, 'problem at Ben');
    rejoinOnConnect(amira);
    amira.provider.disconnect();
    updateCardTitle(amira.provider.doc, problemId, 'Rent arrears in winter', origin);
    addIdea(amira.provider.doc, { title: 'A rent calendar', author: FORGED, problemId }, origin);
    await ok(fac.provider, 'lock', {});
    amira.provider.connect();
    await waitFor(() => refusals(amira.provider).length > 0, 5000, 'refusal');
    const refused = refusals(amira.provider)[0]!;
    expect(refused.kept).toBe(false);
    expect(refused.changes.map((c) => [c.target.kind === 'card' && c.target.lane, c.change, c.code]).sort()).toEqual([
      ['idea', 'add', 'locked'],
      ['problem', 'edit', 'locked'],
    ]);
    expect(refused.changes[0]!.since).toEqual(expect.any(Number));
    await settled(ben);
    expect(readBoard(ben.provider.doc).problems.map((p) => p.title)).toEqual(['Rent']);
    expect(readBoard(ben.provider.doc).ideas).toEqual([]);
  });

  it('allowed and forbidden changes in one update: the allowed ones reach everyone and storage, the forbidden one is listed back', async () => {
    const { s, board, fac, amira, ben } = await scene('hackathon');
    await ok(fac.provider, 'nextPhase', {}); // Ideate: ideas only
    const problemId = readBoard(amira.provider.doc).problems[0]!.id; // the template's starter problem
    rejoinOnConnect(amira);
    amira.provider.disconnect();
    updateCardTitle(amira.provider.doc, problemId, 'How might we stop arrears?', origin);
    addIdea(amira.provider.doc, { title: 'A rent calendar', author: FORGED, problemId }, origin);
    addProblem(amira.provider.doc, { title: 'Letters arrive late', author: FORGED }, origin);
    await ok(fac.provider, 'nextPhase', {}); // Vote: no new cards
    await ok(fac.provider, 'nextPhase', {}); // Build: notes only
    amira.provider.connect();
    await waitFor(() => refusals(amira.provider).length > 0, 5000, 'refusal');
    const refused = refusals(amira.provider)[0]!;
    expect(refused.kept).toBe(true);
    expect(refused.changes.map((c) => [c.target.kind === 'card' && c.target.lane, c.change, c.code]).sort()).toEqual([
      ['idea', 'add', 'wrong-phase'],
      ['problem', 'add', 'wrong-phase'],
    ]);
    await waitFor(() => readBoard(ben.provider.doc).problems[0]?.title === 'How might we stop arrears?', 5000, 'the allowed edit at Ben');
    const brief = await briefJson(s, board);
    expect(brief.problems.map((p) => p.title)).toEqual(['How might we stop arrears?']);
    expect(brief.ideas).toEqual([]);
    // and later edits from the same page still go through
    updateCardTitle(amira.provider.doc, problemId, 'How might we stop rent arrears?', origin);
    await waitFor(() => readBoard(ben.provider.doc).problems[0]?.title === 'How might we stop rent arrears?', 5000, 'a later edit at Ben');
  });

  it('what builds on a refused part is not stored or relayed either (it would only ever be collected)', async () => {
    const { s, board, amira, ben } = await scene();
    const problemId = addProblem(amira.provider.doc, { title: 'ok', author: FORGED }, origin);
    await waitFor(() => readBoard(ben.provider.doc).problems.length === 1, 5000, 'problem at Ben');
    const refused = await refusedWrite(amira, (doc) => {
      updateCardTitle(doc, problemId, 'ok, edited', origin);
      doc.getText('outside').insert(0, 'x');
    });
    expect(refused.kept).toBe(true);
    // building on the refused 'x': Yjs on the server would collect it; it must not be relayed
    amira.provider.doc.getText('outside').insert(1, 'JUNK'.repeat(50_000));
    updateCardTitle(amira.provider.doc, problemId, 'ok, edited again', origin);
    await waitFor(() => readBoard(ben.provider.doc).problems[0]?.title === 'ok, edited again', 5000, 'the later edit at Ben');
    await settled(ben);
    expect(bytesAsText((await s.storage.documents.loadDocument(board.id)).updates)).not.toContain('JUNKJUNK');
    expect(ben.provider.doc.getText('outside').toString()).toBe('');
  });

  it('writes outside the board’s layout are refused for everyone, and neither stored nor relayed', async () => {
    const { s, board, fac, amira, ben } = await scene();
    const junk = 'x'.repeat(20_000);
    for (const who of [amira, fac]) {
      const refused = await refusedWrite(who, (doc) => {
        doc.getText('outside').insert(0, junk);
        doc.getMap('votes').set('idea-1', 500);
      });
      expect(refused.changes.map((c) => [c.target.kind, c.code])).toEqual([
        ['other', 'outside-board'],
        ['other', 'outside-board'],
      ]);
    }
    await settled(ben);
    expect(ben.provider.doc.share.has('outside')).toBe(false);
    expect(ben.provider.doc.getText('outside').toString()).toBe('');
    expect(bytesAsText((await s.storage.documents.loadDocument(board.id)).updates)).not.toContain('xxxxxxxxxx');
  });
});
