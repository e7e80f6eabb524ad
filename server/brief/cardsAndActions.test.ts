/**
 * Long cards, merged ideas and actions in every format, read back from the real files: the PDF
 * with pdf.js, the Word file unzipped, the HTML with parse5, the Markdown with mdast and the JSON
 * against docs/brief-action.schema.json with ajv.
 *
 * The board is the Tech Connect fixture with a duplicate of "Shared early-warning signal" by Tom
 * merged into it, a 320 KB paste in the body of "Tell us once", and two actions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, test } from 'vitest';
import type * as Y from 'yjs';
import { addAction, addIdea, mergeIdeas } from '../../shared/board/index.ts';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import type { ChallengeBriefJson } from '../../shared/brief/json.ts';
import { BODY_LIMIT } from '../../shared/brief/longBodies.ts';
import { FIXTURE, fixtureBrief, fixtureDoc, writeBody } from '../../shared/brief/testing.ts';
import { SEED_ORIGIN } from '../../shared/origins.ts';
import { renderBrief } from './index.ts';

const BOARD_URL = 'https://crossboard.example.org/b/tech-connect-2';
const CARD_URL = `${BOARD_URL}#card-i5`;
const LAST_WORDS = 'THE-LAST-PARAGRAPH-OF-THE-PASTE';
const SENTENCE = 'A help request that follows you from service to service. ';
/** a 320 KB paste: the sentence over and over, then a last paragraph no document may print */
const PASTE = `${SENTENCE.repeat(Math.ceil(320_000 / SENTENCE.length))}\n\n${LAST_WORDS}`;

const ACTIONS = [
  ['Run a caseworker trial in two wards', 'Grace Adeyemi, Ministry of Justice', '2 March 2026', 'In progress', 'Shared early-warning signal across services'],
  ['Report back to the housing board', 'Housing team', 'No date', 'Open', ''],
];

function person(id: string) {
  const p = FIXTURE.participants.find((x) => x.id === id)!;
  return { participantId: p.id, name: p.name, organisation: p.organisation, sector: p.sector };
}

function board(paste = PASTE): Y.Doc {
  const doc = fixtureDoc();
  addIdea(doc, { id: 'dup', title: 'Early warning, shared', author: person('p2'), problemId: null }, SEED_ORIGIN);
  mergeIdeas(doc, { keepId: 'i1', mergeId: 'dup' }, SEED_ORIGIN);
  if (paste) writeBody(doc, 'i5', paste);
  addAction(
    doc,
    { title: ACTIONS[0]![0], owner: { kind: 'participant', ...person('p3') }, due: '2026-03-02', status: 'in-progress', ideaId: 'i1' },
    SEED_ORIGIN,
  );
  addAction(doc, { title: ACTIONS[1]![0], owner: { kind: 'name', name: 'Housing team' } }, SEED_ORIGIN);
  return doc;
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let brief: ChallengeBrief;
beforeAll(() => {
  brief = fixtureBrief({ doc: board(), boardUrl: BOARD_URL });
});

describe('PDF (pdf.js)', () => {
  type TextItem = { str: string; hasEOL: boolean };
  let text = '';
  let pages = 0;
  let urls: string[] = [];

  beforeAll(async () => {
    const bytes = (await renderBrief(brief, 'pdf')).body;
    const pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
    pages = pdf.numPages;
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      text += (((await page.getTextContent()).items as TextItem[]).map((t) => t.str + (t.hasEOL ? ' ' : '')).join('') + ' ').replace(/\s+/g, ' ');
      for (const a of (await page.getAnnotations()) as Array<{ url?: string }>) if (a.url) urls.push(a.url);
    }
    urls = [...new Set(urls)];
    await pdf.destroy();
  }, 60_000);

  test('a 320 KB paste adds less than a page, and its end is left on the board, with a link to the card', async () => {
    const without = (await renderBrief(fixtureBrief({ doc: board(''), boardUrl: BOARD_URL }), 'pdf')).body;
    const base = await getDocument({ data: without.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
    expect(pages - base.numPages).toBeLessThanOrEqual(1);
    await base.destroy();
    expect(text).toContain('… continued on the board');
    expect(text).not.toContain(LAST_WORDS);
    expect(urls).toContain(CARD_URL);
  });

  test('the co-author under the merged idea, and the actions as a table', () => {
    expect(text).toContain('Co-authors: Tom Whitfield, Leeds City Council, public sector');
    expect(text).toMatch(/Actions Action Owner Due Status From idea/);
    // (a cell's words may wrap after a hyphen: "early- warning")
    const joined = text.replace(/-\s+/g, '-');
    for (const row of ACTIONS) expect(joined).toContain(row.filter(Boolean).join(' '));
    // the old free-text next steps are still there, above the table
    expect(text.indexOf(brief.nextSteps)).toBeLessThan(text.indexOf(ACTIONS[0]![0]!));
  });
});

describe('Word (unzipped)', () => {
  const unescapeXml = (s: string) =>
    s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const textOf = (xml: string) => [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => unescapeXml(m[1]!)).join('');
  let xml = '';
  let rels = '';

  beforeAll(async () => {
    const zip = await JSZip.loadAsync((await renderBrief(brief, 'docx')).body);
    xml = await zip.file('word/document.xml')!.async('string');
    rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
  });

  test('the actions are a table with a header row and a row per action', () => {
    const tables = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map(([t]) =>
      [...t.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([tr]) => [...tr.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map(([tc]) => textOf(tc))),
    );
    const actions = tables.find((t) => t[0]?.[0] === 'Action');
    expect(actions).toEqual([['Action', 'Owner', 'Due', 'Status', 'From idea'], ...ACTIONS]);
  });

  test('the co-author, and the long body cut with a hyperlink to the card', () => {
    const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => ({ xml: p, text: textOf(p) }));
    expect(paragraphs.map((p) => p.text)).toContain('Co-authors: Tom Whitfield, Leeds City Council, public sector');
    const continued = paragraphs.find((p) => p.text === '… continued on the board')!;
    // Word keeps a link's fragment in w:anchor and the rest in the relationship's target
    const link = /<w:hyperlink [^>]*>/.exec(continued.xml)![0];
    const rId = /r:id="([^"]+)"/.exec(link)![1];
    expect(/w:anchor="([^"]+)"/.exec(link)?.[1]).toBe('card-i5');
    const relationship = [...rels.matchAll(/<Relationship [^>]*\/>/g)].map(([r]) => r).find((r) => r.includes(`Id="${rId}"`))!;
    expect(relationship).toContain(`Target="${BOARD_URL}"`);
    expect(relationship).toContain('TargetMode="External"');
    expect(xml).not.toContain(LAST_WORDS);
    expect(xml.length).toBeLessThan(400_000);
  });
});

describe('HTML (parse5)', () => {
  type Node = DefaultTreeAdapterMap['node'];
  type Element = DefaultTreeAdapterMap['element'];
  const isElement = (n: Node): n is Element => 'tagName' in n;
  const find = (root: Node, tag: string): Element[] => {
    const out: Element[] = [];
    const walk = (n: Node) => {
      if (isElement(n) && n.tagName === tag) out.push(n);
      if ('childNodes' in n) n.childNodes.forEach(walk);
    };
    walk(root);
    return out;
  };
  const textOf = (n: Node): string =>
    n.nodeName === '#text' ? (n as DefaultTreeAdapterMap['textNode']).value : 'childNodes' in n ? n.childNodes.map(textOf).join('') : '';
  let html = '';
  let dom: Node;
  beforeAll(async () => {
    html = decode((await renderBrief(brief, 'html')).body);
    dom = parse(html);
  });

  test('the actions table: caption, column headers, the action as the row header', () => {
    const table = find(dom, 'table').find((t) => textOf(find(t, 'caption')[0]!) === 'Actions')!;
    expect(find(find(table, 'thead')[0]!, 'th').map(textOf)).toEqual(['Action', 'Owner', 'Due', 'Status', 'From idea']);
    const rows = find(find(table, 'tbody')[0]!, 'tr');
    expect(rows.map((r) => r.childNodes.filter(isElement).map(textOf))).toEqual(ACTIONS);
    expect(rows.map((r) => r.childNodes.filter(isElement)[0]!.tagName)).toEqual(['th', 'th']);
    const fromIdea = find(rows[0]!, 'a')[0]!;
    expect(fromIdea.attrs.find((a) => a.name === 'href')!.value).toBe(`#idea-${brief.ideas.findIndex((i) => i.id === 'i1') + 1}`);
  });

  test('co-authors in the idea’s facts; the long body cut, linked to its card, its end not in the file', () => {
    const facts = find(dom, 'div').filter((d) => find(d, 'dt').length === 1 && textOf(find(d, 'dt')[0]!) === 'Co-authors');
    expect(facts.map((d) => textOf(find(d, 'dd')[0]!))).toEqual(['Tom Whitfield, Leeds City Council, public sector']);
    const link = find(dom, 'a').find((a) => textOf(a) === 'continued on the board')!;
    expect(link.attrs.find((a) => a.name === 'href')!.value).toBe(CARD_URL);
    expect(html).not.toContain(LAST_WORDS);
    expect(html.length).toBeLessThan(200_000);
  });
});

describe('Markdown (mdast)', () => {
  const text = (node: Nodes): string =>
    'value' in node && typeof node.value === 'string' ? node.value : 'children' in node ? (node.children as Nodes[]).map(text).join('') : '';
  let md = '';
  let root: Root;
  beforeAll(async () => {
    md = decode((await renderBrief(brief, 'md')).body);
    root = fromMarkdown(md);
  });

  /**
   * The rows of the table captioned `caption`, each as [row header, ...other cells]: from a GFM
   * table once the Markdown has them (read from its source, which CommonMark reads as a
   * paragraph), or from the list that stands for one (`- **Header** — Column: cell; …`).
   */
  function tableRows(caption: string): string[][] {
    const i = root.children.findIndex((n) => n.type === 'paragraph' && n.children[0]?.type === 'strong' && text(n) === caption);
    expect(i, `table "${caption}"`).toBeGreaterThanOrEqual(0);
    const next = root.children[i + 1]!;
    if (next.type === 'list') {
      return next.children.map((item) => {
        const [header, rest = ''] = text(item).split(' — ');
        return [header!, ...rest.split('; ').map((cell) => cell.replace(/^[^:]+: /, ''))];
      });
    }
    const source = md.slice(next.position!.start.offset, next.position!.end.offset).split('\n');
    return source
      .filter((_, n) => n >= 2)
      .map((line) =>
        line
          .replace(/^\|\s*|\s*\|$/g, '')
          .split(/\s*(?<!\\)\|\s*/)
          .map((cell) => text(fromMarkdown(cell))),
      );
  }

  test('a row per action, each cell as written', () => {
    const rows = tableRows('Actions');
    expect(rows.map((r) => r.slice(0, 4))).toEqual(ACTIONS.map((r) => r.slice(0, 4)));
  });

  test('the co-author, and the long body cut with a link to the card', () => {
    expect(md).toContain('**Co-authors:** Tom Whitfield, Leeds City Council, public sector');
    const links: Nodes[] = [];
    const walk = (n: Nodes) => {
      if (n.type === 'link') links.push(n);
      if ('children' in n) (n.children as Nodes[]).forEach(walk);
    };
    walk(root);
    expect(links.filter((l) => l.type === 'link' && l.url === CARD_URL).map(text)).toEqual(['continued on the board']);
    expect(md).not.toContain(LAST_WORDS);
    expect(md.length).toBeLessThan(100_000);
  });
});

describe('JSON (ajv)', () => {
  const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../docs/brief-action.schema.json'), 'utf8')) as { $id: string };
  const validate = addFormats(new Ajv2020({ strict: true })).compile(schema);
  let json: ChallengeBriefJson;
  beforeAll(async () => {
    json = JSON.parse(decode((await renderBrief(brief, 'json')).body)) as ChallengeBriefJson;
  });

  test('the actions follow their own schema, names withheld or not; a bad action does not', async () => {
    expect(schema.$id).toBe('https://crossboard.example/schemas/challenge-brief/2/action.json');
    const withheld = JSON.parse(decode((await renderBrief(fixtureBrief({ doc: board(), showNames: false }), 'json')).body)) as ChallengeBriefJson;
    for (const action of [...json.actions, ...withheld.actions]) expect(validate(action), JSON.stringify(validate.errors)).toBe(true);
    expect(withheld.actions[0]!.owner).toEqual({ kind: 'participant', name: null, organisation: 'Ministry of Justice', sector: 'public sector' });
    expect(json.actions.map((a) => [a.title, a.due, a.status])).toEqual([
      [ACTIONS[0]![0], '2026-03-02', 'in-progress'],
      [ACTIONS[1]![0], null, 'open'],
    ]);
    for (const bad of [{ ...json.actions[0]!, due: '2 March 2026' }, { ...json.actions[0]!, status: 'blocked' }, { ...json.actions[1]!, owner: { kind: 'name' } }]) {
      expect(validate(bad)).toBe(false);
    }
  });

  test('the data keeps the whole long body, the co-authors and the board’s address', () => {
    const body = json.ideas.find((i) => i.id === 'i5')!.body;
    const all = JSON.stringify(body);
    expect(all).toContain(LAST_WORDS);
    expect(all.length).toBeGreaterThan(320_000);
    expect(json.ideas.find((i) => i.id === 'i1')!.coAuthors).toEqual([{ name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' }]);
    expect(json.provenance.boardUrl).toBe(BOARD_URL);
    expect(BODY_LIMIT.characters).toBe(1500);
  });
});
