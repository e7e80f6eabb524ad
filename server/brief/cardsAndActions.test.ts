/**
 * Long cards, merged ideas and actions in every format, read back from the real files: the PDF
 * with pdf.js and poppler (its text, its tags), the Word file unzipped, the HTML with parse5, the
 * Markdown with mdast (GFM) and the JSON against docs/brief.schema.json and
 * docs/brief-action.schema.json with ajv.
 *
 * The board is the Tech Connect fixture with a duplicate of "Shared early-warning signal" by Tom
 * merged into it, a 320 KB paste in the body of "Tell us once", and two actions (`actionsDoc`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Nodes, Root } from 'mdast';
import { parse as parseHtml } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addAction } from '../../shared/board/index.ts';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import type { ChallengeBriefJson } from '../../shared/brief/json.ts';
import { BODY_LIMIT } from '../../shared/brief/longBodies.ts';
import { ACTION_ROWS, BOARD_URL, HOSTILE, PASTE_END, actionsDoc, fixtureBrief, hostileBrief, hostileDoc } from '../../shared/brief/testing.ts';
import { all, captionedTable, cellTexts, parse, text } from '../../shared/brief/testingMarkdown.ts';
import { actionSchemaErrors, briefSchemaErrors } from '../../shared/brief/testingSchema.ts';
import { ACTION, LIMITS, boardMaps } from '../../shared/schema.ts';
import { SEED_ORIGIN } from '../../shared/origins.ts';
import { expectEveryLinkTagged, linkAnnotations, oneEach, open, pageTexts, poppler } from '../test/pdfRead.ts';
import { renderBrief } from './index.ts';

const CARD_URL = `${BOARD_URL}#card-i5`;
const HEAD = ['Action', 'Owner', 'Due', 'Status', 'From idea'];

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let brief: ChallengeBrief;
beforeAll(() => {
  brief = fixtureBrief({ doc: actionsDoc(), boardUrl: BOARD_URL });
});

describe('PDF (pdf.js, poppler)', () => {
  let bytes: Uint8Array;
  let text = '';
  let pages = 0;
  let dir: string;

  beforeAll(async () => {
    bytes = (await renderBrief(brief, 'pdf')).body;
    const pdf = await open(bytes);
    pages = pdf.numPages;
    text = (await pageTexts(pdf)).join('\n').replace(/\s+/g, ' ');
    await pdf.destroy();
    dir = mkdtempSync(join(tmpdir(), 'crossboard-actions-'));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a 320 KB paste adds less than a page, and its end is left on the board, with a tagged link to the card', async () => {
    const without = await open((await renderBrief(fixtureBrief({ doc: actionsDoc(''), boardUrl: BOARD_URL }), 'pdf')).body);
    expect(pages - without.numPages).toBeLessThanOrEqual(1);
    await without.destroy();
    expect(text).toContain('… continued on the board');
    expect(text).not.toContain(PASTE_END);
    const links = linkAnnotations(bytes);
    expect(links.filter((l) => l.uri === CARD_URL).map((l) => [l.contents, l.ancestors[0]])).toEqual([[`Open ${CARD_URL}`, 'P']]);
  });

  test('the co-author under the merged idea, and the actions as a table whose idea links are tagged cells', () => {
    expect(text).toContain('Co-authors: Tom Whitfield, Leeds City Council, public sector');
    expect(text).toContain(`Actions ${HEAD.join(' ')}`);
    // (a cell's words may wrap after a hyphen: "early- warning")
    const joined = text.replace(/-\s+/g, '-');
    for (const row of ACTION_ROWS) expect(joined).toContain(row.filter(Boolean).join(' '));
    // the old free-text next steps are still there, above the table
    expect(text.indexOf(brief.nextSteps)).toBeLessThan(text.indexOf(ACTION_ROWS[0]![0]!));
    const links = linkAnnotations(bytes);
    expectEveryLinkTagged(brief, links);
    const fromIdea = oneEach(links).filter((l) => l.contents === `Go to section: ${ACTION_ROWS[0]![4]}` && l.ancestors.includes('Table'));
    // the ranking table's link to the idea (its row header), and the actions table's
    expect(fromIdea.map((l) => l.ancestors[0])).toEqual(['TH', 'TD']);
  });

  test('poppler reads it without a warning, the actions and the cut included', () => {
    const file = join(dir, 'brief.pdf');
    writeFileSync(file, bytes);
    for (const [tool, ...args] of [['pdfinfo', '-struct'], ['pdffonts']] as const) expect(poppler(tool, file, ...args).stderr, tool).toBe('');
    const { stdout, stderr } = poppler('pdftotext', file);
    expect(stderr).toBe('');
    const words = stdout.replace(/\s+/g, ' ');
    expect(words).toContain('… continued on the board');
    expect(words).toContain(ACTION_ROWS[1]![0]);
    expect(words).not.toContain(PASTE_END);
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
    expect(actions).toEqual([HEAD, ...ACTION_ROWS]);
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
    expect(xml).not.toContain(PASTE_END);
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
    dom = parseHtml(html);
  });

  test('the actions table: caption, column headers, the action as the row header', () => {
    const table = find(dom, 'table').find((t) => textOf(find(t, 'caption')[0]!) === 'Actions')!;
    expect(find(find(table, 'thead')[0]!, 'th').map(textOf)).toEqual(HEAD);
    const rows = find(find(table, 'tbody')[0]!, 'tr');
    expect(rows.map((r) => r.childNodes.filter(isElement).map(textOf))).toEqual(ACTION_ROWS);
    expect(rows.map((r) => r.childNodes.filter(isElement)[0]!.tagName)).toEqual(['th', 'th']);
    const fromIdea = find(rows[0]!, 'a')[0]!;
    expect(fromIdea.attrs.find((a) => a.name === 'href')!.value).toBe(`#idea-${brief.ideas.findIndex((i) => i.id === 'i1') + 1}`);
  });

  test('co-authors in the idea’s facts; the long body cut, linked to its card, its end not in the file', () => {
    const facts = find(dom, 'div').filter((d) => find(d, 'dt').length === 1 && textOf(find(d, 'dt')[0]!) === 'Co-authors');
    expect(facts.map((d) => textOf(find(d, 'dd')[0]!))).toEqual(['Tom Whitfield, Leeds City Council, public sector']);
    const link = find(dom, 'a').find((a) => textOf(a) === 'continued on the board')!;
    expect(link.attrs.find((a) => a.name === 'href')!.value).toBe(CARD_URL);
    expect(html).not.toContain(PASTE_END);
    expect(html.length).toBeLessThan(200_000);
  });
});

describe('Markdown (mdast, GFM)', () => {
  let md = '';
  let root: Root;
  beforeAll(async () => {
    md = decode((await renderBrief(brief, 'md')).body);
    root = parse(md);
  });

  test('the actions are a GFM table: a header row, then a row per action, each cell as written', () => {
    // Markdown headings carry no ids, so the link to the idea is its title as text
    expect(cellTexts(captionedTable(root, 'Actions'))).toEqual([HEAD, ...ACTION_ROWS]);
  });

  test('an action’s hostile title and owner stay text inside their cells', async () => {
    const doc = hostileDoc();
    addAction(doc, { title: HOSTILE.ideaTitle, owner: { kind: 'name', name: HOSTILE.personName } }, SEED_ORIGIN);
    const tree = parse(decode((await renderBrief(hostileBrief({ doc }), 'md')).body));
    expect(cellTexts(captionedTable(tree, 'Actions'))).toEqual([HEAD.slice(0, 4), [HOSTILE.ideaTitle, HOSTILE.personName, 'No date', 'Open']]);
    expect(all(tree, 'html')).toEqual([]);
  });

  test('the co-author, and the long body cut with a link to the card', () => {
    expect(md).toContain('**Co-authors:** Tom Whitfield, Leeds City Council, public sector');
    expect(all(root, 'link').filter((l) => l.url === CARD_URL).map((l: Nodes) => text(l))).toEqual(['continued on the board']);
    expect(md).not.toContain(PASTE_END);
    expect(md.length).toBeLessThan(100_000);
  });
});

describe('JSON (ajv)', () => {
  let json: ChallengeBriefJson;
  beforeAll(async () => {
    json = JSON.parse(decode((await renderBrief(brief, 'json')).body)) as ChallengeBriefJson;
  });

  test('the export follows the brief’s schema, and each action its own, names withheld or not; a bad action does not', async () => {
    const withheld = JSON.parse(decode((await renderBrief(fixtureBrief({ doc: actionsDoc(), showNames: false }), 'json')).body)) as ChallengeBriefJson;
    for (const whole of [json, withheld]) expect(briefSchemaErrors(whole)).toEqual([]);
    for (const action of [...json.actions, ...withheld.actions]) expect(actionSchemaErrors(action)).toEqual([]);
    expect(withheld.actions[0]!.owner).toEqual({ kind: 'participant', name: null, organisation: 'Ministry of Justice', sector: 'public sector' });
    // written for the duplicate, the first action carries forward the idea it was merged into
    expect(json.actions.map((a) => [a.title, a.due, a.status, a.ideaId])).toEqual([
      [ACTION_ROWS[0]![0], '2026-03-02', 'in-progress', 'i1'],
      [ACTION_ROWS[1]![0], null, 'open', null],
    ]);
    const bad = [{ ...json.actions[0]!, due: '2 March 2026' }, { ...json.actions[0]!, status: 'blocked' }, { ...json.actions[1]!, owner: { kind: 'name' } }];
    for (const action of bad) {
      expect(actionSchemaErrors(action)).not.toEqual([]);
      expect(briefSchemaErrors({ ...json, actions: [action] })).not.toEqual([]);
    }
    expect(briefSchemaErrors({ ...json, provenance: { ...json.provenance, boardUrl: `${BOARD_URL}?token=secret` } })).toContainEqual(
      expect.stringMatching(/^\/provenance\/boardUrl /),
    );
  });

  test('the data keeps the whole long body, the co-authors and the board’s address', () => {
    const all = JSON.stringify(json.ideas.find((i) => i.id === 'i5')!.body);
    expect(all).toContain(PASTE_END);
    expect(all.length).toBeGreaterThan(320_000);
    expect(json.ideas.find((i) => i.id === 'i1')!.coAuthors).toEqual([{ name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' }]);
    expect(json.provenance.boardUrl).toBe(BOARD_URL);
    expect(BODY_LIMIT.characters).toBe(1500);
  });

  test('actions a peer wrote junk into, oversized or too many, are cut to their limits and still follow the schema', async () => {
    const doc = actionsDoc('');
    doc.transact(() => {
      const actions = boardMaps(doc).actions;
      actions.set('not-a-record', 'x'.repeat(100_000));
      for (let i = 0; i < 300; i++) {
        const junk = new Y.Map<unknown>();
        actions.set(`junk-${i}`, junk);
        junk.set(ACTION.title, 'T'.repeat(100_000));
        junk.set(ACTION.owner, { participantId: 'p3', name: 'N'.repeat(10_000), organisation: 'O'.repeat(10_000), sector: 'aliens' });
        junk.set(ACTION.due, 'tomorrow');
        junk.set(ACTION.status, 'blocked');
        junk.set(ACTION.ideaId, 42);
      }
    });
    const out = JSON.parse(decode((await renderBrief(fixtureBrief({ doc }), 'json')).body)) as ChallengeBriefJson;
    expect(briefSchemaErrors(out)).toEqual([]);
    expect(out.actions).toHaveLength(LIMITS.actions);
    const junk = out.actions.find((a) => a.id.startsWith('junk-'))!;
    expect(junk).toMatchObject({ due: null, status: 'open', ideaId: null });
    expect(junk.title).toHaveLength(LIMITS.actionTitle);
    expect(junk.owner).toEqual({ kind: 'participant', name: 'N'.repeat(LIMITS.name), organisation: 'O'.repeat(LIMITS.organisation), sector: 'unknown' });
    // and the documents stay a sensible size: 200 rows, no 100,000-character cells
    const md = decode((await renderBrief(fixtureBrief({ doc }), 'md')).body);
    expect(md).not.toContain('T'.repeat(LIMITS.actionTitle + 1));
    expect(md.length).toBeLessThan(200_000);
  });
});
