import type { Heading, List, ListItem } from 'mdast';
import { describe, expect, test } from 'vitest';
import { addIdea } from '../board/index.ts';
import { SEED_ORIGIN } from '../origins.ts';
import { DEFAULT_VOTE_CONFIG, tallyRound, type VoteRoundResult } from '../votes.ts';
import { renderMarkdown } from './markdown.ts';
import { all, captionedTable, cellTexts, parse, sectionAfter, tableCaptions, text } from './testingMarkdown.ts';
import { BRIEF_SCHEMA_VERSION } from './brief.ts';
import {
  EXPECTED_RANKING,
  EXPECTED_SECTOR_TABLE,
  expectedVotesText,
  fixtureBrief,
  fixtureRound,
  HOSTILE,
  HOSTILE_AUTHOR,
  hostileBrief,
  hostileDoc,
  OPENED_AT,
} from './testing.ts';

describe('renderMarkdown on the fixture brief', () => {
  const brief = fixtureBrief();
  const md = renderMarkdown(brief);
  const root = parse(md);
  const headings = all(root, 'heading').map((h) => [h.depth, text(h)] as const);

  test('has one h1, the sections as h2, and every idea as an h3 in ranked order', () => {
    expect(headings.filter(([d]) => d === 1)).toEqual([[1, brief.title]]);
    expect(headings.filter(([d]) => d === 2).map(([, t]) => t)).toEqual([
      'The challenge',
      'Summary',
      'What we propose',
      'Next steps',
      'Voting rounds',
      'Themes',
      'Problems we explored',
      'Who took part',
      'About this brief',
    ]);
    const propose = sectionAfter(root, 'What we propose');
    const ideaHeadings = propose.filter((n): n is Heading => n.type === 'heading' && n.depth === 3).map(text);
    expect(ideaHeadings).toEqual(EXPECTED_RANKING.map((e) => e.title));
  });

  test('the ranking is a GFM table: rank, idea, votes (right-aligned) and the sector breakdown of every idea', () => {
    const ranking = captionedTable(root, 'Ideas ranked by votes in round 1');
    expect(ranking.align).toEqual([null, null, 'right', null]);
    const [head, ...rows] = cellTexts(ranking);
    expect(head).toEqual(['Rank', 'Idea', 'Votes', 'Votes by sector']);
    expect(rows).toEqual(
      EXPECTED_RANKING.map((e) => [
        e.rank === null ? 'No votes' : `${e.tied ? 'Joint ' : ''}${e.rank}${['th', 'st', 'nd', 'rd'][e.rank] ?? 'th'}`,
        e.title,
        String(e.total),
        e.total === 0 ? 'none' : expectedVotesText(e).replace(/^.*\((.*)\)$/, '$1'),
      ]),
    );
    // "Combine A&E and police data monthly": the escaped ampersand reads back as itself
    expect(rows.map((r) => r[1])).toContain('Combine A&E and police data monthly');
  });

  test('each idea states its votes in words, with the sectors that backed it', () => {
    const facts = sectionAfter(root, EXPECTED_RANKING[0]!.title);
    const lines = (facts.find((n) => n.type === 'list') as List).children.map(text);
    expect(lines).toContain(`Votes: ${expectedVotesText(EXPECTED_RANKING[0]!)}`);
    expect(lines).toContain('Rank: Joint 1st in round 1');
    expect(lines).toContain('Voted for by: Amira Khan, Priya Nair, Rhys Morgan, Tom Whitfield');
    expect(lines).toContain('Proposed by: Priya Nair, Datalane Analytics, private sector');
    for (const e of EXPECTED_RANKING) expect(text(root)).toContain(expectedVotesText(e));
  });

  test('provenance is in "About this brief"', () => {
    const about = sectionAfter(root, 'About this brief');
    const lines = (about.find((n) => n.type === 'list') as List).children.map(text);
    expect(lines).toEqual([
      'Board: tech-connect-2',
      `Board version: ${brief.provenance.boardVersion}`,
      'Made from: The live board',
      'Voting rounds included: Round 1',
      'Exported by: Amira Khan (facilitator)',
      'Exported at: 28 November 2025, 09:30 UTC',
      'Names: Shown',
      `Brief format: Crossboard challenge brief, schema version ${BRIEF_SCHEMA_VERSION}`,
    ]);
  });

  test('who took part: a GFM table of sectors with counts, then organisations by sector', () => {
    const sectors = captionedTable(root, 'Contributors by sector');
    expect(sectors.align).toEqual([null, 'right', 'right', 'right']);
    expect(cellTexts(sectors)).toEqual(EXPECTED_SECTOR_TABLE);
    expect(headings).toContainEqual([3, 'Citizens: 1 person']);
    const citizens = sectionAfter(root, 'Citizens: 1 person');
    expect((citizens[0] as List).children.map(text)).toEqual(['Lived-experience panel: 1 person, 2 cards (Jo Marsh)']);
    expect(all(citizens[0] as List, 'strong').map(text)).toEqual(['Lived-experience panel']);
  });

  test('a round shown apart from the ranking gets its own table, with a Score column when sectors are weighted', () => {
    const config = { ...DEFAULT_VOTE_CONFIG, lane: 'problems' as const, sectorWeighting: true };
    const problems: VoteRoundResult = {
      round: 2,
      status: 'revealed',
      openedAt: OPENED_AT,
      closedAt: null,
      voterCount: 2,
      config,
      ...tallyRound(
        [
          { participantId: 'p1', name: 'Amira Khan', sector: 'public sector', cardId: 'pb2' },
          { participantId: 'p9', name: 'Jo Marsh', sector: 'citizen', cardId: 'pb2' },
        ],
        config,
        3,
      ),
    };
    const withProblems = fixtureBrief({ rounds: [fixtureRound(), problems] });
    const out = renderMarkdown(withProblems);
    const table = captionedTable(parse(out), 'Round 2: problem statements ranked by votes');
    const [head, first] = cellTexts(table);
    expect(head).toEqual(['Rank', 'Problem statement', 'Votes', 'Votes by sector', 'Score']);
    expect(table.align).toEqual([null, null, 'right', null, 'right']);
    expect(first).toEqual([
      '1st',
      'How might we make it easy for people to ask for help before crisis point?',
      '2',
      'public sector 1, citizen 1',
      String(withProblems.rounds[1]!.ranking[0]!.score),
    ]);
  });

  test('rich text survives: a body heading, a list with bold text, a link', () => {
    const problem = sectionAfter(root, 'How might we spot the risk of homelessness months before an eviction notice?');
    const h = problem.find((n): n is Heading => n.type === 'heading')!;
    expect([h.depth, text(h)]).toEqual([4, 'What we know']);
    const list = problem.find((n): n is List => n.type === 'list' && !n.ordered && text(n).startsWith('Most households'))!;
    expect(list.children).toHaveLength(2);
    const strong = all(list, 'strong').map(text);
    expect(strong).toEqual(['known to at least two services']);
    const ordered = all(root, 'list').find((l) => l.ordered && text(l).startsWith('Advice is spread'))!;
    expect(ordered.children.map((c: ListItem) => text(c))).toEqual([
      'Advice is spread over many websites.',
      'Opening hours do not fit shift work.',
      'Forms ask for documents people no longer have.',
    ]);
    const links = all(root, 'link');
    expect(links.map((l) => [l.url, text(l)])).toEqual([
      ['https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention', 'the Cardiff model'],
    ]);
    expect(all(root, 'emphasis').map(text)).toContain('less than a week');
  });
});

describe('renderMarkdown with hostile content', () => {
  const brief = hostileBrief();
  const md = renderMarkdown(brief);
  const root = parse(md);

  test('titles and names read back as the exact text typed, never as markup', () => {
    const headings = all(root, 'heading').map(text);
    expect(headings[0]).toBe(HOSTILE.title);
    expect(headings).toContain(HOSTILE.ideaTitle);
    expect(text(root)).toContain(HOSTILE.challenge);
    expect(text(root)).toContain(HOSTILE.sponsor);
    expect(text(root)).toContain(`${HOSTILE.personName}, ${HOSTILE.organisation}, citizen`);
    // nothing typed became HTML, a link, an image, emphasis or code
    expect(all(root, 'html')).toEqual([]);
    expect(all(root, 'image')).toEqual([]);
    expect(all(root, 'link').map((l) => l.url)).toEqual([]);
    expect(all(root, 'inlineCode').map((c) => c.value)).toEqual([brief.provenance.boardVersion]);
    // the only headings are the document's and the body's own "# Heading"
    expect(headings).toEqual([HOSTILE.title, 'The challenge', 'What we propose', HOSTILE.ideaTitle, 'Heading', 'Problems we explored', 'How might we stay safe?', 'Who took part', 'Citizens: 1 person', 'About this brief']);
  });

  test('an unsafe link in a body keeps its words but loses its URL', () => {
    expect(text(root)).toContain('A bad link and');
  });

  describe('in a table, on several lines, and as bare addresses', () => {
    const doc = hostileDoc();
    const tricky = 'First line\n# Second | line `tick` www.evil.example ~~gone~~';
    addIdea(doc, { id: 'i2', title: tricky, author: HOSTILE_AUTHOR, problemId: 'p' }, SEED_ORIGIN);
    const dots = [
      { participantId: 'h1', name: HOSTILE.personName, sector: 'citizen' as const, cardId: 'i' },
      { participantId: 'h1', name: HOSTILE.personName, sector: 'citizen' as const, cardId: 'i2' },
    ];
    const config = { ...DEFAULT_VOTE_CONFIG, lane: 'ideas' as const };
    const round: VoteRoundResult = { round: 1, status: 'revealed', openedAt: 0, closedAt: 0, voterCount: 1, config, ...tallyRound(dots, config, 3) };
    const summary = [
      'Mail evil@evil.example, see https://evil.example/x or www.evil.example.',
      '| not | a | table |\n| --- | --- | --- |',
      'a | b\n--- | ---',
      ' x | y\n :-- | --: ',
    ].join('\n\n');
    const b = hostileBrief({ doc, rounds: [round], summary });
    const out = renderMarkdown(b);
    const tree = parse(out);

    test('pipes, backticks and line breaks in a title stay inside its table cell, as text', () => {
      const ranking = captionedTable(tree, 'Ideas ranked by votes in round 1');
      expect(cellTexts(ranking)[0]).toEqual(['Rank', 'Idea', 'Votes', 'Votes by sector']);
      const titles = ranking.children.slice(1).map((row) => row.children[1]!);
      // a line break cannot be in a cell: it reads as a space
      expect(titles.map(text)).toEqual([HOSTILE.ideaTitle, tricky.replace('\n', ' ')]);
      for (const cell of titles) expect(cell.children.map((n) => n.type)).toEqual(['text']);
    });

    test('a title on two lines is one heading, and its second line starts no heading of its own', () => {
      const headings = all(tree, 'heading').map((h) => [h.depth, text(h)]);
      expect(headings).toContainEqual([3, tricky.replace('\n', ' ')]);
      expect(headings.filter(([, t]) => String(t).startsWith('Second'))).toEqual([]);
    });

    test('bare addresses, strikethrough and tables typed in the summary stay text', () => {
      expect(text(tree)).toContain('Mail evil@evil.example, see https://evil.example/x or www.evil.example.');
      expect(text(tree)).toContain('| not | a | table |\n| --- | --- | --- |');
      expect(text(tree)).toContain('a | b\n--- | ---');
      expect(text(tree)).toContain('x | y\n :-- | --:');
      // a delimiter row ("--- | ---") under a line with pipes starts a GFM table: the tables the
      // parser finds are the brief's own two
      expect(tableCaptions(tree)).toEqual(['Ideas ranked by votes in round 1', 'Contributors by sector']);
      // GFM links a bare www. or https:// address or an email and strikes ~~text~~
      expect(all(tree, 'link')).toEqual([]);
      expect(all(tree, 'delete')).toEqual([]);
      expect(all(tree, 'html')).toEqual([]);
      // and each is escaped in the source itself, since remark's autolink transform (left out of
      // parse above) would link an escaped address all the same
      expect(out).not.toMatch(/(?<!\\)(www\.|https?:\/\/|@evil|~~)/);
    });
  });
});
