import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import * as Y from 'yjs';
import { addIdea, addProblem, initBoard } from '../../shared/board/index.ts';
import { buildBrief, type ChallengeBrief } from '../../shared/brief/brief.ts';
import { EXPECTED_RANKING, expectedVotesText, fixtureBrief, fixtureDoc, HOSTILE, writeBody } from '../../shared/brief/testing.ts';
import { readPdfObjects, type PdfDict } from '../test/pdfObjects.ts';
import { expectEveryLinkTagged, linkAnnotations, oneEach, open, pageTexts, poppler, type LinkAnnotation } from '../test/pdfRead.ts';
import { renderPdf } from './pdf.ts';
import { SEED_ORIGIN } from '../../shared/origins.ts';

type StructNode = { role?: string; children?: StructNode[] };
async function roles(pdf: PDFDocumentProxy): Promise<string[]> {
  const out: string[] = [];
  const walk = (n: StructNode) => {
    if (n.role) out.push(n.role);
    n.children?.forEach(walk);
  };
  for (let i = 1; i <= pdf.numPages; i++) walk((await (await pdf.getPage(i)).getStructTree()) as StructNode);
  return out;
}

describe('renderPdf on the fixture brief', () => {
  let brief: ChallengeBrief;
  let bytes: Uint8Array;
  let pdf: PDFDocumentProxy;
  let pages: string[];
  let all: string;

  beforeAll(async () => {
    brief = fixtureBrief();
    bytes = await renderPdf(brief);
    pdf = await open(bytes);
    pages = await pageTexts(pdf);
    // Lines are joined back so that text wrapped across lines reads as one run.
    all = pages.join('\n').replace(/\n/g, ' ');
  });

  test('is an A4 PDF with title, author, language and a tagged structure', async () => {
    const { info } = (await pdf.getMetadata()) as unknown as { info: Record<string, unknown> };
    expect(info).toMatchObject({
      Title: `${brief.title}: challenge brief`,
      Author: 'Amira Khan',
      Creator: 'Crossboard',
      Language: 'en-GB',
      Subject: `Challenge brief for ${brief.sponsor}`,
    });
    expect(await pdf.getMarkInfo()).toMatchObject({ Marked: true });
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toContain('/DisplayDocTitle true');
    const page = await pdf.getPage(1);
    const [, , w, h] = page.view;
    expect([Math.round(w!), Math.round(h!)]).toEqual([595, 842]);
  });

  test('the structure tree has real headings, paragraphs, lists, tables and links', async () => {
    const found = new Set(await roles(pdf));
    for (const role of ['Document', 'H1', 'H2', 'H3', 'H4', 'H5', 'P', 'L', 'LI', 'Lbl', 'LBody', 'Table', 'TR', 'TH', 'TD', 'Link', 'TOC', 'TOCI']) {
      expect(found, role).toContain(role);
    }
  });

  test('every page has its number, as "Page n of N"', () => {
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${pages.length}`));
  });

  test('bookmarks: every section, with the ideas under "What we propose" in ranked order', async () => {
    const outline = (await pdf.getOutline()) as Array<{ title: string; items: Array<{ title: string }> }>;
    expect(outline.map((o) => o.title)).toEqual([
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
    const propose = outline.find((o) => o.title === 'What we propose')!;
    expect(propose.items.map((i) => i.title)).toEqual(EXPECTED_RANKING.map((e) => e.title));
    const problems = outline.find((o) => o.title === 'Problems we explored')!;
    expect(problems.items).toHaveLength(4);
  });

  test('the contents list gives the page each section really starts on, and links to it', async () => {
    const lines = pages[0]!.split('\n');
    const start = lines.indexOf('Contents');
    expect(start).toBeGreaterThan(0);
    const ids = ['challenge', 'summary', 'what-we-propose', 'next-steps', 'voting-rounds', 'themes', 'problems', 'who-took-part', 'about'];
    for (const [k, id] of ids.entries()) {
      const [, title, page] = /^(.*) (\d+)$/.exec(lines[start + 1 + k]!)!;
      const dest = (await pdf.getDestination(id))!;
      const actual = (await pdf.getPageIndex(dest[0] as { num: number; gen: number })) + 1;
      expect([title, Number(page)]).toEqual([expect.any(String), actual]);
      expect(`\n${pages[actual - 1]}`).toContain(`\n${title}\n`);
    }
    const links = (await (await pdf.getPage(1)).getAnnotations()) as Array<{ subtype: string; dest?: string }>;
    expect(links.filter((a) => a.subtype === 'Link').map((a) => a.dest)).toEqual(expect.arrayContaining(ids));
  });

  test('ranking table: rows in ranked order with rank, votes and sectors', () => {
    const start = all.indexOf('Ideas ranked by votes in round 1 Rank Idea Votes Votes by sector');
    expect(start).toBeGreaterThan(0);
    let at = start;
    for (const e of EXPECTED_RANKING) {
      const rank = e.rank === null ? 'No votes' : `${e.tied ? 'Joint ' : ''}${e.rank}${['th', 'st', 'nd', 'rd'][e.rank] ?? 'th'}`;
      const sectors = e.total === 0 ? 'none' : expectedVotesText(e).replace(/^.*\((.*)\)$/, '$1');
      const next = all.indexOf(`${rank} ${e.title} ${e.total} ${sectors}`, at);
      expect(next, e.title).toBeGreaterThan(at);
      at = next;
    }
  });

  test('each idea states its votes in words with the sector breakdown, and who proposed it', () => {
    for (const e of EXPECTED_RANKING) expect(all).toContain(`Votes: ${expectedVotesText(e)}`);
    expect(all).toContain('Proposed by: Priya Nair, Datalane Analytics, private sector');
    expect(all).toContain('Voted for by: Amira Khan, Priya Nair, Rhys Morgan, Tom Whitfield');
  });

  test('who took part and provenance are present', () => {
    expect(all).toContain('Public sector 4 4 13');
    expect(all).toContain('Citizens 1 1 2');
    expect(all).toContain('Board: tech-connect-2');
    expect(all).toContain(`Board version: ${brief.provenance.boardVersion}`);
    expect(all).toContain('Voting rounds included: Round 1');
    expect(all).toContain('Exported at: 28 November 2025, 09:30 UTC');
  });

  test('rich text survives: a body heading, list items with their markers, a working link', async () => {
    expect(all).toContain('What we know • Most households we see were known to at least two services before they lost their home.');
    expect(all).toContain('1. Advice is spread over many websites. 2. Opening hours do not fit shift work.');
    const urls: string[] = [];
    for (let i = 1; i <= pdf.numPages; i++) {
      for (const a of (await (await pdf.getPage(i)).getAnnotations()) as Array<{ url?: string }>) if (a.url) urls.push(a.url);
    }
    expect(urls).toContain('https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention');
    expect(all).toContain('See the Cardiff model for a starting point.');
  });

  test('is deterministic: the same brief gives the same bytes', async () => {
    expect(Buffer.from(await renderPdf(brief)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('renderPdf with hostile and non-Latin-1 text', () => {
  test('titles and names come out exactly as typed, in any script the font covers', async () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: HOSTILE.title, challenge: HOSTILE.challenge, sponsor: HOSTILE.sponsor, createdAt: 0 }, SEED_ORIGIN);
    const author = { participantId: 'h1', name: 'Zoë Ψυχή Дмитрий', organisation: HOSTILE.organisation, sector: 'citizen' as const };
    const pid = addProblem(doc, { id: 'p', title: 'How might we stay safe?', author }, SEED_ORIGIN);
    addIdea(doc, { id: 'i', title: HOSTILE.ideaTitle, author, problemId: pid }, SEED_ORIGIN);
    const brief = buildBrief({ boardId: 'h', doc, rounds: [], showNames: true, exportedBy: { name: 'Siân', role: 'viewer' }, exportedAt: 0 });
    const pdf = await open(await renderPdf(brief));
    const text = (await pageTexts(pdf)).join('\n').replace(/\n/g, ' ');
    expect(text).toContain(HOSTILE.sponsor);
    expect(text).toContain(HOSTILE.ideaTitle);
    expect(text).toContain('Zoë Ψυχή Дмитрий, Smith & Sons <Ltd>, citizen');
    expect(((await pdf.getMetadata()) as unknown as { info: { Title: string } }).info.Title).toBe(`${HOSTILE.title}: challenge brief`);
  });
});

describe('renderPdf as PDF/UA asks: tagged links, no reader warnings', () => {
  let brief: ChallengeBrief;
  let bytes: Uint8Array;
  let links: LinkAnnotation[];
  let dir: string;
  let file: string;

  beforeAll(async () => {
    brief = fixtureBrief();
    bytes = await renderPdf(brief);
    links = linkAnnotations(bytes);
    dir = mkdtempSync(join(tmpdir(), 'crossboard-pdf-'));
    file = join(dir, 'brief.pdf');
    writeFileSync(file, bytes);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every link annotation has a /StructParent that leads to a Link element with an OBJR to it on its page, and /Contents saying where it goes', () => {
    expect(links.length).toBeGreaterThan(40);
    expectEveryLinkTagged(brief, links);
  });

  test('the contents list, the ranking table and the web links are all among them', () => {
    const contents = links.filter((l) => l.ancestors[0] === 'TOCI');
    expect(contents.map((l) => l.contents)).toEqual(
      ['The challenge', 'Summary', 'What we propose', 'Next steps', 'Voting rounds', 'Themes', 'Problems we explored', 'Who took part', 'About this brief'].map((t) => `Go to section: ${t}`),
    );
    const table = links.filter((l) => l.ancestors.includes('Table'));
    expect(oneEach(table).map((l) => l.contents)).toEqual(EXPECTED_RANKING.map((e) => `Go to section: ${e.title}`));
    expect(table.every((l) => l.ancestors[0] === 'TH' || l.ancestors[0] === 'TD')).toBe(true);
    expect(links.filter((l) => l.uri).map((l) => l.contents)).toContain('Open https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention');
  });

  test('pdf.js finds each link annotation under a Link element of its own page', async () => {
    type Node = { role?: string; type?: string; id?: string; children?: Node[] };
    const pdf = await open(bytes);
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const tagged = new Set<string>();
      const walk = (n: Node, inLink: boolean) => {
        if (inLink && (n.type === 'object' || n.type === 'annotation') && n.id) tagged.add(n.id.replace(/^pdfjs_internal_id_/, ''));
        n.children?.forEach((c) => walk(c, n.role === 'Link'));
      };
      walk((await page.getStructTree()) as Node, false);
      const annotations = (await page.getAnnotations()) as Array<{ id: string; subtype: string }>;
      for (const a of annotations.filter((a) => a.subtype === 'Link')) expect(tagged, `page ${i}, annotation ${a.id}`).toContain(a.id);
    }
  });

  test('is tagged, with its language, and shows its title rather than its file name', () => {
    const pdf = readPdfObjects(bytes);
    expect(pdf.catalog.get('Lang')).toBe('en-GB');
    expect((pdf.get(pdf.catalog.get('MarkInfo')) as PdfDict).get('Marked')).toBe(true);
    expect((pdf.get(pdf.catalog.get('ViewerPreferences')) as PdfDict).get('DisplayDocTitle')).toBe(true);
    expect(pdf.get(pdf.info.get('Title'))).toBe(`${brief.title}: challenge brief`);
    const info = poppler('pdfinfo', file).stdout;
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(/^Title:\s+(.*)$/m.exec(info)![1]).toBe(`${brief.title}: challenge brief`);
  });

  test('poppler reads it without a warning (pdfinfo, pdftotext, pdffonts)', () => {
    for (const [tool, ...args] of [['pdfinfo'], ['pdfinfo', '-struct'], ['pdftotext'], ['pdffonts']] as const) {
      expect(poppler(tool, file, ...args).stderr, tool).toBe('');
    }
  });

  test('every font is embedded (pdffonts)', () => {
    const rows = poppler('pdffonts', file).stdout.trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    // columns from the right: object number and generation, uni, sub, emb
    for (const row of rows) expect(row.trim().split(/\s+/).at(-5), row).toBe('yes');
  });
});

describe('renderPdf with links near the end of a page', () => {
  test('a paragraph holding a link is not split by a page break, so each link is filed under the page it is on', async () => {
    // 42 paragraphs of four lines, most of each a link: without care, page ends fall inside them.
    // Three to each of the 14 ideas, so that no body is long enough to be cut (longBodies.ts).
    const doc = fixtureDoc();
    const words = 'the caseworker trial in two wards showed where the referral broke down and who had to chase it';
    const paragraph = (n: number) => `Note ${n}: [${words}, ${words}, ${words}](https://example.org/notes/${n}), as [the review](#what-we-propose) found.`;
    EXPECTED_RANKING.forEach(({ id }, k) => writeBody(doc, id, [0, 1, 2].map((j) => paragraph(3 * k + j)).join('\n\n')));
    const brief = fixtureBrief({ doc });
    const links = linkAnnotations(await renderPdf(brief));
    expect(oneEach(links.filter((l) => l.uri?.startsWith('https://example.org/notes/')))).toHaveLength(42);
    expectEveryLinkTagged(brief, links);
  });
});
