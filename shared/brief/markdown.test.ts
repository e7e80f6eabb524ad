import type { Heading, List, ListItem, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { describe, expect, test } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import { BRIEF_SCHEMA_VERSION } from './brief.ts';
import { EXPECTED_RANKING, expectedVotesText, fixtureBrief, HOSTILE, hostileBrief } from './testing.ts';

/** The text of a node as a reader sees it (what `mdast-util-to-string` does). */
function text(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if (node.type === 'break') return '\n';
  if ('children' in node) return (node.children as Nodes[]).map(text).join('');
  return '';
}

function all<T extends Nodes['type']>(root: Nodes, type: T): Array<Extract<Nodes, { type: T }>> {
  const out: Nodes[] = [];
  const walk = (n: Nodes) => {
    if (n.type === type) out.push(n);
    if ('children' in n) (n.children as Nodes[]).forEach(walk);
  };
  walk(root);
  return out as Array<Extract<Nodes, { type: T }>>;
}

/** The blocks that follow a heading, up to the next heading of the same or a higher level. */
function sectionAfter(root: Root, heading: string): Nodes[] {
  const i = root.children.findIndex((n) => n.type === 'heading' && text(n) === heading);
  expect(i, `heading "${heading}"`).toBeGreaterThanOrEqual(0);
  const level = (root.children[i] as Heading).depth;
  const out: Nodes[] = [];
  for (const n of root.children.slice(i + 1)) {
    if (n.type === 'heading' && n.depth <= level) break;
    out.push(n);
  }
  return out;
}

describe('renderMarkdown on the fixture brief', () => {
  const brief = fixtureBrief();
  const md = renderMarkdown(brief);
  const root = fromMarkdown(md);
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

  test('the ranking list gives rank, votes and the sector breakdown of every idea', () => {
    const propose = sectionAfter(root, 'What we propose');
    const ranking = propose.find((n): n is List => n.type === 'list')!;
    const rows = ranking.children.map((item) => text(item));
    expect(rows).toHaveLength(EXPECTED_RANKING.length);
    EXPECTED_RANKING.forEach((e, i) => {
      const rank = e.rank === null ? 'No votes' : `${e.tied ? 'Joint ' : ''}${e.rank}${['th', 'st', 'nd', 'rd'][e.rank] ?? 'th'}`;
      const sectors = e.total === 0 ? 'none' : expectedVotesText(e).replace(/^.*\((.*)\)$/, '$1');
      expect(rows[i]).toBe(`${e.title} — Rank: ${rank}; Votes: ${e.total}; Votes by sector: ${sectors}`);
    });
  });

  test('each idea states its votes in words, with the sectors that backed it', () => {
    const facts = sectionAfter(root, EXPECTED_RANKING[0]!.title);
    const lines = (facts.find((n) => n.type === 'list') as List).children.map(text);
    expect(lines).toContain(`Votes: ${expectedVotesText(EXPECTED_RANKING[0]!)}`);
    expect(lines).toContain('Rank: Joint 1st in round 1');
    expect(lines).toContain('Voted for by: Amira Khan, Priya Nair, Rhys Morgan, Tom Whitfield');
    expect(lines).toContain('Proposed by: Priya Nair, Datalane Analytics, private sector');
    for (const e of EXPECTED_RANKING) expect(md).toContain(expectedVotesText(e));
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

  test('who took part: sectors with counts and organisations', () => {
    const people = sectionAfter(root, 'Who took part');
    const rows = (people.find((n) => n.type === 'list') as List).children.map(text);
    expect(rows[0]).toBe('Public sector — People: 4; Organisations: 4; Cards written: 13');
    expect(md).toContain('### Citizens: 1 person');
    expect(md).toContain('- **Lived-experience panel**: 1 person, 2 cards (Jo Marsh)');
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
    expect(links.map((l) => [l.url, text(l)])).toContainEqual([
      'https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention',
      'the Cardiff model',
    ]);
    expect(all(root, 'emphasis').map(text)).toContain('less than a week');
  });
});

describe('renderMarkdown with hostile content', () => {
  const brief = hostileBrief();
  const md = renderMarkdown(brief);
  const root = fromMarkdown(md);

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
  });

  test('an unsafe link in a body keeps its words but loses its URL', () => {
    expect(text(root)).toContain('A bad link and');
  });
});
