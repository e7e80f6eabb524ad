import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, test } from 'vitest';
import { renderHtml } from './html.ts';
import { EXPECTED_RANKING, EXPECTED_SECTOR_TABLE, expectedVotesText, fixtureBrief, HOSTILE, hostileBrief } from './testing.ts';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const isElement = (n: Node): n is Element => 'tagName' in n;

/** Every element in document order matching the tag (and optional predicate). */
function find(root: Node, tag: string, where: (e: Element) => boolean = () => true): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    if (isElement(n) && n.tagName === tag && where(n)) out.push(n);
    if ('childNodes' in n) n.childNodes.forEach(walk);
    if (isElement(n) && n.tagName === 'template') walk((n as unknown as { content: Node }).content);
  };
  walk(root);
  return out;
}

function textOf(n: Node): string {
  if (n.nodeName === '#text') return (n as DefaultTreeAdapterMap['textNode']).value;
  if (isElement(n) && n.tagName === 'br') return '\n';
  return 'childNodes' in n ? n.childNodes.map(textOf).join('') : '';
}

const attr = (e: Element, name: string) => e.attrs.find((a) => a.name === name)?.value;

describe('renderHtml on the fixture brief', () => {
  const brief = fixtureBrief();
  const html = renderHtml(brief);
  const dom = parse(html);

  test('is a standalone, English, titled document with a print stylesheet and no scripts', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(attr(find(dom, 'html')[0]!, 'lang')).toBe('en-GB');
    expect(textOf(find(dom, 'title')[0]!)).toBe(`${brief.title}: challenge brief`);
    expect(textOf(find(dom, 'style')[0]!)).toContain('@media print');
    expect(find(dom, 'script')).toEqual([]);
    expect(find(dom, 'link')).toEqual([]);
    expect(find(dom, 'main')).toHaveLength(1);
  });

  test('headings: one h1, the sections as h2 (with ids the contents link to), ideas as h3 in ranked order', () => {
    expect(find(dom, 'h1').map(textOf)).toEqual([brief.title]);
    const h2 = find(dom, 'h2').filter((h) => attr(h, 'id') !== 'contents-title');
    expect(h2.map(textOf)).toEqual([
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
    const contents = find(find(dom, 'nav')[0]!, 'a').map((a) => attr(a, 'href'));
    expect(contents).toEqual(h2.map((h) => `#${attr(h, 'id')}`));
    const ideas = find(dom, 'h3', (h) => (attr(h, 'id') ?? '').startsWith('idea-')).map(textOf);
    expect(ideas).toEqual(EXPECTED_RANKING.map((e) => e.title));
  });

  test('the ranking table has a caption, header scopes, and the right rank, votes and sectors per row', () => {
    const table = find(dom, 'table')[0]!;
    expect(textOf(find(table, 'caption')[0]!)).toBe('Ideas ranked by votes in round 1');
    expect(find(find(table, 'thead')[0]!, 'th').map((th) => [textOf(th), attr(th, 'scope')])).toEqual([
      ['Rank', 'col'],
      ['Idea', 'col'],
      ['Votes', 'col'],
      ['Votes by sector', 'col'],
    ]);
    const rows = find(find(table, 'tbody')[0]!, 'tr').map((tr) =>
      tr.childNodes.filter(isElement).map((cell) => [cell.tagName, textOf(cell)]),
    );
    expect(rows).toHaveLength(EXPECTED_RANKING.length);
    EXPECTED_RANKING.forEach((e, i) => {
      const rank = e.rank === null ? 'No votes' : `${e.tied ? 'Joint ' : ''}${e.rank}${['th', 'st', 'nd', 'rd'][e.rank] ?? 'th'}`;
      const sectors = e.total === 0 ? 'none' : expectedVotesText(e).replace(/^.*\((.*)\)$/, '$1');
      expect(rows[i]).toEqual([
        ['td', rank],
        ['th', e.title],
        ['td', String(e.total)],
        ['td', sectors],
      ]);
    });
    // each idea title links to its section
    const firstLink = find(find(table, 'tbody')[0]!, 'a')[0]!;
    expect(attr(firstLink, 'href')).toBe('#idea-1');
  });

  test('each idea has its facts as a description list, votes in words with the sector breakdown', () => {
    const dl = find(dom, 'dl')[1]!; // [0] is the sponsor under "The challenge"
    const facts = Object.fromEntries(
      find(dl, 'div').map((d) => [textOf(find(d, 'dt')[0]!), textOf(find(d, 'dd')[0]!)]),
    );
    expect(facts).toMatchObject({
      Rank: 'Joint 1st in round 1',
      Votes: expectedVotesText(EXPECTED_RANKING[0]!),
      'Voted for by': 'Amira Khan, Priya Nair, Rhys Morgan, Tom Whitfield',
      'Proposed by': 'Priya Nair, Datalane Analytics, private sector',
      Theme: 'Join up the data we already hold',
    });
  });

  test('who took part: a table by sector with people, organisations and cards', () => {
    const table = find(dom, 'table').find((t) => textOf(find(t, 'caption')[0]!) === 'Contributors by sector')!;
    const rows = find(table, 'tr').map((tr) => tr.childNodes.filter(isElement).map(textOf));
    expect(rows).toEqual(EXPECTED_SECTOR_TABLE);
  });

  test('provenance: board id and version in the page and in meta tags', () => {
    const about = find(dom, 'dl').at(-1)!;
    const facts = Object.fromEntries(find(about, 'div').map((d) => [textOf(find(d, 'dt')[0]!), textOf(find(d, 'dd')[0]!)]));
    expect(facts).toMatchObject({
      Board: 'tech-connect-2',
      'Board version': brief.provenance.boardVersion,
      'Voting rounds included': 'Round 1',
      'Exported by': 'Amira Khan (facilitator)',
      'Exported at': '28 November 2025, 09:30 UTC',
    });
    const meta = find(dom, 'meta', (m) => attr(m, 'name') === 'crossboard-board-version')[0]!;
    expect(attr(meta, 'content')).toBe(brief.provenance.boardVersion);
  });

  test('rich text survives: a body heading, a list with bold text, a link', () => {
    const h4 = find(dom, 'h4').map(textOf);
    expect(h4).toContain('What we know');
    const list = find(dom, 'ul').find((ul) => textOf(ul).startsWith('Most households'))!;
    expect(find(list, 'li')).toHaveLength(2);
    expect(find(list, 'strong').map(textOf)).toEqual(['known to at least two services']);
    const ol = find(dom, 'ol').find((o) => textOf(o).startsWith('Advice is spread'))!;
    expect(find(ol, 'li').map(textOf)).toHaveLength(3);
    const cardiff = find(dom, 'a').find((a) => textOf(a) === 'the Cardiff model')!;
    expect(attr(cardiff, 'href')).toBe('https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention');
    expect(find(dom, 'em').map(textOf)).toContain('less than a week');
  });
});

describe('renderHtml with hostile content', () => {
  const brief = hostileBrief({ boardId: '"><script>alert(1)</script>' });
  const html = renderHtml(brief);
  const dom = parse(html);

  test('everything typed is text: no script, iframe, img, u or b elements, no event handlers', () => {
    for (const tag of ['script', 'iframe', 'img', 'u', 'b']) expect(find(dom, tag), tag).toEqual([]);
    const handlers = find(dom, 'meta').concat(find(dom, 'a'), find(dom, 'p')).flatMap((e) => e.attrs.filter((a) => a.name.startsWith('on')));
    expect(handlers).toEqual([]);
    expect(find(dom, 'meta', (m) => attr(m, 'name') === 'crossboard-board-id')[0]!.attrs.find((a) => a.name === 'content')!.value).toBe(
      '"><script>alert(1)</script>',
    );
  });

  test('titles read back exactly as typed', () => {
    expect(textOf(find(dom, 'title')[0]!)).toBe(`${HOSTILE.title}: challenge brief`);
    expect(find(dom, 'h1').map(textOf)).toEqual([HOSTILE.title]);
    expect(find(dom, 'h3').map(textOf)).toContain(HOSTILE.ideaTitle);
    expect(textOf(dom)).toContain(HOSTILE.challenge);
    expect(textOf(dom)).toContain(`${HOSTILE.personName}, ${HOSTILE.organisation}, citizen`);
  });

  test('no javascript: link survives; every link is internal or http(s)', () => {
    for (const a of find(dom, 'a')) expect(attr(a, 'href')).toMatch(/^(#|https?:)/);
    expect(textOf(dom)).toContain('A bad link and');
  });
});
