import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
  addAction,
  addIdea,
  addProblem,
  applyTemplate,
  deleteCard,
  initBoard,
  mergeIdeas,
  updateBriefText,
  updateCardTitle,
} from '../board/index.ts';
import { boardMaps, CARD, SECTORS } from '../schema.ts';
import { tallyVotes } from '../votes.ts';
import { BRIEF_SCHEMA_VERSION, boardVersion, buildBrief } from './brief.ts';
import { embedBody, inlineText, layoutBrief, type DocBlock, type Inline } from './layout.ts';
import {
  BOARD_ID,
  EXPECTED_RANKING,
  EXPORTED_AT,
  fixtureBrief,
  fixtureDoc,
  fixtureDots,
  fixtureRound,
  FIXTURE,
  NEXT_STEPS,
  SUMMARY,
  writeBody,
} from './testing.ts';
import { SEED_ORIGIN } from '../origins.ts';

describe('buildBrief on the Tech Connect fixture', () => {
  const brief = fixtureBrief();

  test('carries the board meta and the facilitator text', () => {
    expect(brief.schemaVersion).toBe(BRIEF_SCHEMA_VERSION);
    expect(brief.title).toBe(FIXTURE.title);
    expect(brief.sponsor).toBe(FIXTURE.sponsor);
    expect(brief.challenge).toBe(FIXTURE.challenge);
    expect(brief.summary).toBe(SUMMARY);
    expect(brief.nextSteps).toBe(NEXT_STEPS);
  });

  test('without summary or next steps given, they come from the board itself', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Own words' });
    updateBriefText(doc, 'summary', '  What we found.  ', SEED_ORIGIN);
    updateBriefText(doc, 'nextSteps', 'Pilot in Leeds.', SEED_ORIGIN);
    const own = buildBrief({ boardId: 'b', doc, rounds: [], showNames: false, exportedBy: { name: 'Fay', role: 'facilitator' }, exportedAt: 0 });
    expect([own.summary, own.nextSteps]).toEqual(['What we found.', 'Pilot in Leeds.']);
  });

  test('ranks ideas by votes with shared ranks for ties, hand-computed totals and sector breakdowns', () => {
    const round = brief.rounds[0]!;
    expect(round.resultsVisible).toBe(true);
    expect(round.voterCount).toBe(10);
    expect(round.dotsCast).toBe(30);
    expect(round.dotsOnRemovedCards).toBe(0);
    expect(
      round.ranking.map((e) => ({
        id: e.cardId,
        title: e.title,
        rank: e.rank,
        tied: e.tied,
        total: e.total,
        bySector: Object.fromEntries(e.bySector.filter((s) => s.votes > 0).map((s) => [s.sector, s.votes])),
      })),
    ).toEqual(EXPECTED_RANKING);
    // Every sector is listed for every idea, zeros included, in the standard order.
    for (const entry of round.ranking) expect(entry.bySector.map((s) => s.sector)).toEqual([...SECTORS]);
    expect(round.ranking.reduce((n, e) => n + e.total, 0)).toBe(30);
  });

  test('lists ideas in ranked order, the one with no votes last, each with its lead-round result', () => {
    expect(brief.provenance.leadRound).toBe(1);
    expect(brief.ideas.map((i) => i.id)).toEqual(EXPECTED_RANKING.map((e) => e.id));
    const top = brief.ideas[0]!;
    expect(top.votes).toMatchObject({ round: 1, rank: 1, tied: true, total: 5, score: 5 });
    expect(top.votes!.voters).toEqual(['Amira Khan', 'Priya Nair', 'Rhys Morgan', 'Tom Whitfield']);
    expect(brief.ideas.at(-1)!.votes).toMatchObject({ rank: null, total: 0 });
  });

  test('keeps each idea’s author, problem, theme and prototype notes', () => {
    const i1 = brief.ideas.find((i) => i.id === 'i1')!;
    expect(i1.author).toEqual({ name: 'Priya Nair', organisation: 'Datalane Analytics', sector: 'private sector' });
    expect(i1.problemTitle).toBe(FIXTURE.problems[0]!.title);
    expect(i1.themeTitle).toBe('Join up the data we already hold');
    expect(i1.notes.map((n) => n.id)).toEqual(['n1', 'n6']);
    expect(i1.notes[0]!.body.map((b) => b.type)).toEqual(['heading', 'list', 'heading', 'paragraph', 'heading', 'paragraph']);
    const i7 = brief.ideas.find((i) => i.id === 'i7')!;
    expect(i7.themeId).toBeNull();
    expect(i7.notes).toEqual([]);
  });

  test('card bodies keep their structure: headings, lists, emphasis and links', () => {
    const pb1 = brief.problems.find((p) => p.id === 'pb1')!;
    expect(pb1.body[0]).toEqual({ type: 'heading', level: 2, children: [{ text: 'What we know' }] });
    const list = pb1.body[1]!;
    expect(list.type === 'list' && list.ordered).toBe(false);
    expect(JSON.stringify(list)).toContain('"bold":true');
    const pb4 = brief.problems.find((p) => p.id === 'pb4')!;
    expect(JSON.stringify(pb4.body)).toContain(
      '"url":"https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention"',
    );
    expect(pb1.ideaIds).toEqual(['i1', 'i14', 'i3', 'i2']);
  });

  test('themes hold their ideas in ranked order; unthemed ideas are listed', () => {
    expect(brief.themes.map((t) => [t.id, t.ideaIds])).toEqual([
      ['t1', ['i1', 'i11', 'i8', 'i2']],
      ['t2', ['i5', 'i4', 'i6']],
      ['t3', ['i3']],
    ]);
    expect(brief.unthemedIdeaIds).toEqual(['i13', 'i10', 'i12', 'i14', 'i7', 'i9']);
  });

  test('contributors are grouped by sector and organisation, with counts and names', () => {
    const c = brief.contributors;
    expect(c.people).toBe(10);
    expect(c.organisations).toBe(10);
    expect(c.sectors.map((s) => [s.sector, s.people, s.cards])).toEqual([
      // 4 problems + 14 ideas + 6 notes + 3 themes (written by the first participant) = 27 cards
      ['public sector', 4, 13],
      ['private sector', 3, 8],
      ['academia', 1, 2],
      ['voluntary and community', 1, 2],
      ['citizen', 1, 2],
    ]);
    const publicSector = c.sectors[0]!;
    expect(publicSector.organisations.find((o) => o.name === 'Department for Work and Pensions')).toEqual({
      name: 'Department for Work and Pensions',
      people: 1,
      cards: 5,
      names: ['Amira Khan'],
    });
  });

  test('provenance: board id and version, rounds, who exported and when', () => {
    const doc = fixtureDoc();
    const b = fixtureBrief({ doc, version: { id: 'v-7', name: 'End of day 1' } });
    expect(b.provenance).toEqual({
      boardId: BOARD_ID,
      boardVersion: boardVersion(doc),
      boardSchemaVersion: 1,
      boardChangedAt: expect.any(Number),
      boardUrl: null,
      savedVersion: { id: 'v-7', name: 'End of day 1' },
      rounds: [1],
      leadRound: 1,
      exportedBy: { name: 'Amira Khan', role: 'facilitator' },
      exportedAt: EXPORTED_AT,
      namesShown: true,
      briefSchemaVersion: BRIEF_SCHEMA_VERSION,
    });
    expect(b.provenance.boardVersion).toMatch(/^[0-9a-f]{64}$/);
  });

  test('boardChangedAt is the latest time the board records, read from its content', () => {
    const before = Date.now();
    const doc = fixtureDoc();
    const after = Date.now();
    const seeded = fixtureBrief({ doc }).provenance.boardChangedAt;
    expect(seeded).toBeGreaterThanOrEqual(before);
    expect(seeded).toBeLessThanOrEqual(after);
    // an edit stamps its card (here by a peer whose clock runs fast, to a fraction of a millisecond)
    doc.transact(() => (boardMaps(doc).notes.get('n1') as Y.Map<unknown>).set(CARD.updatedAt, after + 5000.7));
    expect(fixtureBrief({ doc }).provenance.boardChangedAt).toBe(after + 5000);
    // the same content elsewhere, later, gives the same time: it is not the clock's
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    expect(fixtureBrief({ doc: copy, exportedAt: after + 60_000 }).provenance.boardChangedAt).toBe(after + 5000);
  });

  test('is pure: the document is not changed and the same input gives the same brief', () => {
    const doc = fixtureDoc();
    const before = Y.encodeStateAsUpdate(doc);
    const a = fixtureBrief({ doc });
    const b = fixtureBrief({ doc });
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('buildBrief: names withheld, hidden and odd rounds', () => {
  test('with showNames off no person’s name appears anywhere, but organisations and sectors do', () => {
    const brief = fixtureBrief({ showNames: false });
    const text = JSON.stringify({ ...brief, provenance: { ...brief.provenance, exportedBy: null } });
    for (const p of FIXTURE.participants) expect(text).not.toContain(p.name);
    expect(brief.ideas[0]!.author).toEqual({ name: null, organisation: 'Datalane Analytics', sector: 'private sector' });
    expect(brief.ideas[0]!.votes!.voters).toBeUndefined();
    expect(brief.contributors.sectors[0]!.organisations[0]!.names).toBeUndefined();
    expect(brief.provenance.namesShown).toBe(false);
  });

  test('an anonymous round never lists voters', () => {
    const brief = fixtureBrief({ rounds: [fixtureRound({ config: { anonymous: true }, tallies: tallyVotes(fixtureDots(), { anonymous: true, sectorWeighting: false }) })] });
    expect(brief.rounds[0]!.ranking.every((e) => e.voters === undefined)).toBe(true);
  });

  test('results hidden until reveal are left out entirely, and ideas fall back to board order', () => {
    const brief = fixtureBrief({ rounds: [fixtureRound({ status: 'closed', config: { hideUntilReveal: true } })] });
    const round = brief.rounds[0]!;
    expect(round).toMatchObject({ resultsVisible: false, voterCount: 0, dotsCast: 0, ranking: [] });
    expect(brief.provenance.rounds).toEqual([]);
    expect(brief.provenance.leadRound).toBeNull();
    expect(brief.ideas.every((i) => i.votes === null)).toBe(true);
    // board order: grouped by problem in problem order, then by order within the problem
    expect(brief.ideas.map((i) => i.id)).toEqual(['i1', 'i2', 'i3', 'i14', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9', 'i10', 'i11', 'i12', 'i13']);
  });

  test('a closed round whose results are not hidden is included', () => {
    const brief = fixtureBrief({ rounds: [fixtureRound({ status: 'closed', config: { hideUntilReveal: false } })] });
    expect(brief.rounds[0]!.resultsVisible).toBe(true);
    expect(brief.provenance.leadRound).toBe(1);
  });

  test('the latest visible ideas round leads; a problems round ranks problems', () => {
    const problemsRound = {
      ...fixtureRound({ round: 1, config: { lane: 'problems' } }),
      tallies: tallyVotes(
        [
          { participantId: 'p1', name: 'Amira Khan', sector: 'public sector', cardId: 'pb2' },
          { participantId: 'p7', name: 'Hannah Cole', sector: 'voluntary and community', cardId: 'pb2' },
          { participantId: 'p4', name: 'Rhys Morgan', sector: 'private sector', cardId: 'pb1' },
        ],
        { anonymous: false, sectorWeighting: false },
      ),
    };
    const earlier = fixtureRound({ round: 2, tallies: tallyVotes([{ participantId: 'p9', name: 'Jo Marsh', sector: 'citizen', cardId: 'i7' }], { anonymous: false, sectorWeighting: false }) });
    const latest = fixtureRound({ round: 3 });
    const brief = fixtureBrief({ rounds: [latest, problemsRound, earlier] });
    expect(brief.rounds.map((r) => [r.round, r.lane])).toEqual([[1, 'problems'], [2, 'ideas'], [3, 'ideas']]);
    expect(brief.provenance.leadRound).toBe(3);
    expect(brief.provenance.rounds).toEqual([1, 2, 3]);
    expect(brief.rounds[0]!.ranking.map((e) => [e.cardId, e.rank, e.total])).toEqual([
      ['pb2', 1, 2],
      ['pb1', 2, 1],
      ['pb3', null, 0],
      ['pb4', null, 0],
    ]);
    expect(brief.ideas[0]!.votes!.round).toBe(3);
  });

  test('sector weighting: score differs from total and ranks by score', () => {
    const config = { anonymous: false, sectorWeighting: true };
    const brief = fixtureBrief({ rounds: [fixtureRound({ config, tallies: tallyVotes(fixtureDots(), config) })] });
    const round = brief.rounds[0]!;
    expect(round.sectorWeighting).toBe(true);
    const scores = round.ranking.filter((e) => e.rank !== null).map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // 10 voters in 5 sectors: a citizen's dot weighs 2, a public-sector dot 0.5
    expect(round.ranking.find((e) => e.cardId === 'i4')!.score).toBe(2 * 2 + 2 * 2);
  });

  test('dots on deleted cards are counted apart and the rest still rank', () => {
    const doc = fixtureDoc();
    deleteCard(doc, 'i1', SEED_ORIGIN);
    const brief = fixtureBrief({ doc });
    const round = brief.rounds[0]!;
    expect(round.dotsOnRemovedCards).toBe(5);
    expect(round.dotsCast).toBe(25);
    expect(round.ranking[0]).toMatchObject({ cardId: 'i5', rank: 1, tied: false });
    expect(brief.ideas.some((i) => i.id === 'i1')).toBe(false);
    expect(brief.otherNotes.map((n) => n.id)).toEqual(['n1', 'n6']);
  });

  test('an author with an unknown sector and no name is handled', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Odd board', createdAt: 0 }, SEED_ORIGIN);
    const author = { participantId: 'x1', name: 'Ana', organisation: '', sector: 'citizen' as const };
    const pid = addProblem(doc, { id: 'p', title: 'P', author }, SEED_ORIGIN);
    addIdea(doc, { id: 'i', title: 'I', author, problemId: pid }, SEED_ORIGIN);
    // a peer writes a malformed author into the idea
    doc.transact(() => (boardMaps(doc).ideas.get('i') as Y.Map<unknown>).set(CARD.author, { sector: 'aliens' }));
    const brief = buildBrief({
      boardId: 'odd',
      doc,
      rounds: [],
      showNames: true,
      exportedBy: { name: 'CLI', role: 'cli' },
      exportedAt: 0,
    });
    expect(brief.ideas[0]!.author).toEqual({ name: null, organisation: '', sector: 'unknown' });
    expect(brief.contributors.sectors.map((s) => [s.sector, s.people])).toEqual([
      ['citizen', 1],
      ['unknown', 1],
    ]);
    expect(brief.contributors.organisations).toBe(0);
    expect(brief.ideas[0]!.votes).toBeNull();
    expect(brief.summary).toBe('');
  });

  test('a template’s starter card is listed with the problems but nobody is counted for it in “who took part”', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Hackathon', createdAt: 0 }, SEED_ORIGIN);
    applyTemplate(doc, [{ kind: 'problem', title: 'How might we …?', body: '' }], SEED_ORIGIN);
    const author = { participantId: 'x1', name: 'Ana', organisation: 'Shelter', sector: 'citizen' as const };
    addIdea(doc, { id: 'i', title: 'I', author, problemId: null }, SEED_ORIGIN);
    const brief = buildBrief({ boardId: 'h', doc, rounds: [], showNames: true, exportedBy: { name: '', role: 'viewer' }, exportedAt: 0 });
    expect(brief.problems.map((p) => p.title)).toEqual(['How might we …?']);
    expect(brief.contributors.people).toBe(1);
    expect(brief.contributors.sectors.map((s) => [s.sector, s.people, s.cards])).toEqual([['citizen', 1, 1]]);
  });
});

describe('boardVersion', () => {
  test('is the same for replicas with the same state, however they got it, and changes with any edit', () => {
    const a = fixtureDoc();
    const incremental = new Y.Doc();
    Y.applyUpdate(incremental, Y.encodeStateAsUpdate(a));
    a.on('update', (u: Uint8Array) => Y.applyUpdate(incremental, u));
    const author = { participantId: 'p1', name: 'A', organisation: 'B', sector: 'citizen' as const };
    // edits in the middle of existing text split items differently on each path
    updateCardTitle(a, 'i1', 'Shared early-warning signal across all services', SEED_ORIGIN);
    addIdea(a, { title: 'One more', author, problemId: null }, SEED_ORIGIN);
    deleteCard(a, 'i7', SEED_ORIGIN);
    updateCardTitle(a, 'i1', 'Shared warning signal across all services', SEED_ORIGIN);

    const inOneGo = new Y.Doc();
    Y.applyUpdate(inOneGo, Y.encodeStateAsUpdate(a));
    expect(boardVersion(incremental)).toBe(boardVersion(a));
    expect(boardVersion(inOneGo)).toBe(boardVersion(a));

    const before = boardVersion(a);
    updateCardTitle(a, 'i2', 'Changed', SEED_ORIGIN);
    expect(boardVersion(a)).not.toBe(before);
  });
});

describe('embedBody', () => {
  test('moves a body’s top heading level to just below its card’s heading, keeping the steps, up to h6', () => {
    const h = (level: 1 | 2 | 3 | 4 | 5 | 6) => ({ type: 'heading' as const, level, children: [{ text: `h${level}` }] });
    const levels = (blocks: ReturnType<typeof embedBody>) => blocks.map((b) => (b.type === 'heading' ? b.level : 0));
    expect(levels(embedBody([h(2), h(3), h(2)], 3))).toEqual([4, 5, 4]);
    expect(levels(embedBody([h(1), h(2), h(4)], 3))).toEqual([4, 5, 6]);
    expect(levels(embedBody([h(2), h(3)], 5))).toEqual([6, 6]);
    const nested = embedBody([{ type: 'list', ordered: false, start: 1, items: [[h(3)]] }, h(4)], 2);
    expect(nested[0]!.type === 'list' && nested[0]!.items[0]![0]).toMatchObject({ type: 'heading', level: 3 });
  });
});

describe('buildBrief: merged ideas, long bodies and actions', () => {
  const people = new Map(FIXTURE.participants.map((p) => [p.id, { participantId: p.id, name: p.name, organisation: p.organisation, sector: p.sector }]));
  const tom = people.get('p2')!;
  const grace = people.get('p3')!;

  /** The fixture with a duplicate of i1 by Tom merged into it, a long body on i5, and two actions. */
  function doc(): Y.Doc {
    const d = fixtureDoc();
    const dup = addIdea(d, { id: 'dup', title: 'Early warning, shared', author: tom, problemId: null }, SEED_ORIGIN);
    mergeIdeas(d, { keepId: 'i1', mergeId: dup }, SEED_ORIGIN);
    writeBody(d, 'i5', `${'A help request that follows you. '.repeat(100)}\n\nThe last paragraph.`);
    addAction(d, { id: 'a1', title: 'Run a caseworker trial', owner: { kind: 'participant', ...grace }, due: '2026-03-02', status: 'in-progress', ideaId: 'i1' }, SEED_ORIGIN);
    addAction(d, { id: 'a2', title: 'Report to the board', owner: { kind: 'name', name: 'Housing team' } }, SEED_ORIGIN);
    return d;
  }

  test('a merged idea credits the duplicate’s author as a co-author, who counts among the people who took part', () => {
    const brief = fixtureBrief({ doc: doc() });
    const idea = brief.ideas.find((i) => i.id === 'i1')!;
    expect(idea.coAuthors).toEqual([{ name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' }]);
    const withheld = fixtureBrief({ doc: doc(), showNames: false }).ideas.find((i) => i.id === 'i1')!;
    expect(withheld.coAuthors).toEqual([{ name: null, organisation: 'Leeds City Council', sector: 'public sector' }]);
    const facts = layoutBrief(brief).blocks.filter((b): b is Extract<DocBlock, { type: 'facts' }> => b.type === 'facts');
    const coAuthors = facts.flatMap((f) => f.items).filter((f) => f.label === 'Co-authors');
    expect(coAuthors.map((f) => inlineText(f.value))).toEqual(['Tom Whitfield, Leeds City Council, public sector']);
  });

  test('actions, in their order, with owners withheld like authors; the old text stays as it was', () => {
    const brief = fixtureBrief({ doc: doc() });
    expect(brief.nextSteps).toBe(NEXT_STEPS);
    expect(brief.actions).toEqual([
      {
        id: 'a1',
        title: 'Run a caseworker trial',
        owner: { kind: 'participant', name: 'Grace Adeyemi', organisation: 'Ministry of Justice', sector: 'public sector' },
        due: '2026-03-02',
        status: 'in-progress',
        ideaId: 'i1',
      },
      { id: 'a2', title: 'Report to the board', owner: { kind: 'name', name: 'Housing team' }, due: null, status: 'open', ideaId: null },
    ]);
    expect(fixtureBrief({ doc: doc(), showNames: false }).actions[0]!.owner).toEqual({
      kind: 'participant',
      name: null,
      organisation: 'Ministry of Justice',
      sector: 'public sector',
    });
    const blocks = layoutBrief(brief).blocks;
    const start = blocks.findIndex((b) => b.type === 'heading' && b.id === 'next-steps');
    const [text, table] = blocks.slice(start + 1, start + 3);
    expect(text).toEqual({ type: 'paragraph', children: [{ text: NEXT_STEPS }] });
    expect(table).toMatchObject({ type: 'table', caption: 'Actions', head: ['Action', 'Owner', 'Due', 'Status', 'From idea'], rowHeader: 0 });
    const rows = (table as Extract<DocBlock, { type: 'table' }>).rows.map((r) => r.map(inlineText));
    expect(rows).toEqual([
      ['Run a caseworker trial', 'Grace Adeyemi, Ministry of Justice', '2 March 2026', 'In progress', 'Shared early-warning signal across services'],
      ['Report to the board', 'Housing team', 'No date', 'Open', ''],
    ]);
  });

  test('a board without actions shows its next steps as text, as before; no text and no actions: no section', () => {
    const blocks = layoutBrief(fixtureBrief()).blocks;
    const start = blocks.findIndex((b) => b.type === 'heading' && b.id === 'next-steps');
    expect(blocks[start + 1]).toEqual({ type: 'paragraph', children: [{ text: NEXT_STEPS }] });
    expect(blocks[start + 2]).toMatchObject({ type: 'heading', level: 2 });
    const none = layoutBrief(fixtureBrief({ nextSteps: '' })).blocks;
    expect(none.some((b) => b.type === 'heading' && b.id === 'next-steps')).toBe(false);
  });

  /** The text of a block with inline children ('' for others). */
  const blockText = (b: object | undefined): string => (b && 'children' in b ? inlineText(b.children as Inline[]) : '');

  test('a long body is whole in the brief, cut in the layout with a line that says where the rest is', () => {
    const brief = fixtureBrief({ doc: doc(), boardUrl: 'https://crossboard.example.org/b/tech-connect-2' });
    expect(blockText(brief.ideas.find((i) => i.id === 'i5')!.body.at(-1))).toBe('The last paragraph.');
    const blocks = layoutBrief(brief).blocks;
    const fold = blocks.find((b): b is Extract<DocBlock, { type: 'paragraph' }> => b.type === 'paragraph' && b.fold?.cardId === 'i5')!;
    expect(fold.role).toBe('meta');
    expect(fold.children).toEqual([
      { text: '… ' },
      { type: 'link', url: 'https://crossboard.example.org/b/tech-connect-2#card-i5', children: [{ text: 'continued on the board' }] },
    ]);
    const at = blocks.indexOf(fold);
    const shown = blocks.slice(at - fold.fold!.shown, at);
    expect(shown).toHaveLength(1);
    expect(blockText(shown[0]).length).toBeLessThanOrEqual(1501);
    expect(blockText(fold.fold!.full.at(-1))).toBe('The last paragraph.');
    // without the board's address, the same words, not a link
    const plain = layoutBrief(fixtureBrief({ doc: doc() })).blocks.find((b) => b.type === 'paragraph' && b.fold);
    expect(plain).toMatchObject({ children: [{ text: '… continued on the board' }] });
  });
});
