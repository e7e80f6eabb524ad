import { Window } from 'happy-dom';
import JSZip from 'jszip';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import { EXPECTED_RANKING, EXPECTED_SECTOR_TABLE, expectedVotesText, fixtureBrief, HOSTILE, hostileBrief } from '../../shared/brief/testing.ts';
import { renderDocx } from './docx.ts';

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

type Para = { style: string | null; numId: string | null; level: string | null; text: string; xml: string };

/** Paragraphs of WordprocessingML (they never nest; table cells hold their own). */
function paragraphs(xml: string): Para[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>|<w:p\/>/g)].map(([p]) => ({
    style: /<w:pStyle w:val="([^"]+)"/.exec(p)?.[1] ?? null,
    numId: /<w:numId w:val="(\d+)"/.exec(p)?.[1] ?? null,
    level: /<w:ilvl w:val="(\d+)"/.exec(p)?.[1] ?? null,
    text: textOf(p),
    xml: p,
  }));
}

function textOf(xml: string): string {
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((m) => (m[1] === undefined ? '\n' : unescapeXml(m[1]))).join('');
}

function tables(xml: string): string[][][] {
  return [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map(([t]) =>
    [...t.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([tr]) => [...tr.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map(([tc]) => textOf(tc))),
  );
}

async function unzip(bytes: Uint8Array): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(bytes);
  const out: Record<string, string> = {};
  for (const name of ['word/document.xml', 'word/styles.xml', 'word/numbering.xml', 'word/_rels/document.xml.rels', 'docProps/core.xml', 'word/footer1.xml']) {
    out[name] = (await zip.file(name)?.async('string')) ?? '';
  }
  return out;
}

describe('renderDocx on the fixture brief', () => {
  let brief: ChallengeBrief;
  let files: Record<string, string>;
  let paras: Para[];

  beforeAll(async () => {
    brief = fixtureBrief();
    files = await unzip(await renderDocx(brief));
    paras = paragraphs(files['word/document.xml']!);
  });

  const headings = (level: number) => paras.filter((p) => p.style === `Heading${level}`).map((p) => p.text);

  test('document properties: title, subject, creator; language en-GB', () => {
    const core = files['docProps/core.xml']!;
    expect(unescapeXml(/<dc:title>([^<]*)</.exec(core)![1]!)).toBe(`${brief.title}: challenge brief`);
    expect(/<dc:creator>([^<]*)</.exec(core)![1]).toBe('Amira Khan');
    expect(/<dc:subject>([^<]*)</.exec(core)![1]).toBe(`Challenge brief for ${brief.sponsor}`);
    expect(files['word/styles.xml']).toMatch(/<w:lang w:val="en-GB"/);
  });

  test('uses Word’s built-in heading styles: one Heading 1, sections as Heading 2, ideas as Heading 3', () => {
    expect(headings(1)).toEqual([brief.title]);
    expect(headings(2)).toEqual([
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
    const h3 = headings(3);
    expect(h3.slice(0, EXPECTED_RANKING.length)).toEqual(EXPECTED_RANKING.map((e) => e.title));
    expect(files['word/styles.xml']).toContain('w:styleId="Heading2"');
  });

  test('the contents list links to bookmarks on the section headings', () => {
    const entries = paras.filter((p) => p.style === 'ContentsEntry');
    expect(entries.map((p) => p.text)).toEqual(headings(2));
    for (const p of entries) {
      const anchor = /<w:hyperlink[^>]* w:anchor="([^"]+)"/.exec(p.xml)![1]!;
      const heading = paras.find((h) => h.style === 'Heading2' && h.xml.includes(`<w:bookmarkStart w:name="${anchor}"`));
      expect(heading?.text).toBe(p.text);
    }
  });

  test('the ranking table: header row repeats, rows in ranked order with votes and sectors', () => {
    const xml = files['word/document.xml']!;
    const ranking = tables(xml)[0]!;
    expect(ranking[0]).toEqual(['Rank', 'Idea', 'Votes', 'Votes by sector']);
    expect(/<w:tbl>[\s\S]*?<w:tblHeader\/>/.test(xml)).toBe(true);
    EXPECTED_RANKING.forEach((e, i) => {
      const rank = e.rank === null ? 'No votes' : `${e.tied ? 'Joint ' : ''}${e.rank}${['th', 'st', 'nd', 'rd'][e.rank] ?? 'th'}`;
      const sectors = e.total === 0 ? 'none' : expectedVotesText(e).replace(/^.*\((.*)\)$/, '$1');
      expect(ranking[i + 1]).toEqual([rank, e.title, String(e.total), sectors]);
    });
    const caption = paras.find((p) => p.style === 'Caption' && p.text.startsWith('Ideas ranked'));
    expect(caption?.text).toBe('Ideas ranked by votes in round 1');
  });

  test('ideas state votes in words with the sector breakdown; contributors by sector; provenance', () => {
    const text = paras.map((p) => p.text);
    for (const e of EXPECTED_RANKING) expect(text).toContain(`Votes: ${expectedVotesText(e)}`);
    expect(tables(files['word/document.xml']!).at(-1)).toEqual(EXPECTED_SECTOR_TABLE);
    expect(text).toContain('Board: tech-connect-2');
    expect(text).toContain(`Board version: ${brief.provenance.boardVersion}`);
    expect(text).toContain('Voting rounds included: Round 1');
    expect(text).toContain('Exported at: 28 November 2025, 09:30 UTC');
  });

  test('rich text survives: a body heading, real numbered and bulleted lists, a hyperlink', () => {
    expect(headings(4)).toContain('What we know');
    const bullets = paras.filter((p) => p.text.startsWith('Most households') || p.text.startsWith('Rent arrears'));
    expect(bullets).toHaveLength(2);
    expect(bullets[0]!.numId).not.toBeNull();
    expect(bullets[0]!.numId).toBe(bullets[1]!.numId);
    expect(bullets[0]!.xml).toMatch(/<w:b\/>[\s\S]*known to at least two services/);

    // two numbered lists in different cards each start at 1: separate numbering instances
    const first = paras.find((p) => p.text === 'Advice is spread over many websites.')!;
    const second = paras.find((p) => p.text === 'Week 12: housing need assessed')!;
    expect(first.numId).not.toBeNull();
    expect(second.numId).not.toBeNull();
    expect(first.numId).not.toBe(second.numId);
    expect(files['word/numbering.xml']).toContain('w:val="decimal"');
    expect(files['word/numbering.xml']).toContain('w:val="bullet"');

    const link = paras.find((p) => p.text.includes('the Cardiff model'))!;
    const rid = /<w:hyperlink[^>]* r:id="([^"]+)"/.exec(link.xml)![1]!;
    const rels = files['word/_rels/document.xml.rels']!;
    expect(rels).toMatch(
      new RegExp(`Id="${rid}"[^>]*Target="https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention"|Target="https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention"[^>]*Id="${rid}"`),
    );
  });

  test('the footer numbers pages', () => {
    const footer = files['word/footer1.xml']!;
    expect(footer).toMatch(/PAGE/);
    expect(footer).toMatch(/NUMPAGES/);
  });
});

describe('renderDocx with hostile content', () => {
  test('text is escaped XML and reads back exactly as typed; unsafe links are dropped', async () => {
    const brief = hostileBrief();
    const files = await unzip(await renderDocx(brief));
    const xml = files['word/document.xml']!;
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<iframe');
    const text = paragraphs(xml).map((p) => p.text);
    expect(text).toContain(HOSTILE.title);
    expect(text).toContain(HOSTILE.ideaTitle);
    expect(text).toContain(`Proposed by: ${HOSTILE.personName}, ${HOSTILE.organisation}, citizen`);
    expect(files['word/_rels/document.xml.rels']).not.toContain('javascript:');
    expect(unescapeXml(/<dc:creator>([^<]*)</.exec(files['docProps/core.xml']!)![1]!)).toBe(HOSTILE.personName);
  });
});

describe('renderDocx gives the same file for the same brief', () => {
  afterEach(() => vi.useRealTimers());

  test('byte for byte, whatever was rendered before in the process and whatever the clock says', async () => {
    const brief = fixtureBrief();
    const first = await renderDocx(brief);
    // another brief moves docx's process-wide bookmark counter on and draws new random ids
    await renderDocx(hostileBrief());
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3 * 3_600_000 + 7_000);
    const again = await renderDocx(brief);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
  });

  test('dated by the board’s last change, in docProps/core.xml and on every zip entry', async () => {
    const brief = fixtureBrief();
    const zip = await JSZip.loadAsync(await renderDocx(brief));
    // zip dates have two-second steps
    const expected = new Date(Math.floor(brief.provenance.boardChangedAt / 2000) * 2000);
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(/<dcterms:created[^>]*>([^<]*)</.exec(core)![1]).toBe(expected.toISOString().replace('.000Z', 'Z'));
    expect(/<dcterms:modified[^>]*>([^<]*)</.exec(core)![1]).toBe(expected.toISOString().replace('.000Z', 'Z'));
    expect(new Set(Object.values(zip.files).map((f) => f.date.toISOString()))).toEqual(new Set([expected.toISOString()]));
  });

  test('a board time outside what a zip can hold is brought within it', async () => {
    const base = fixtureBrief();
    const at = async (boardChangedAt: number) => {
      const zip = await JSZip.loadAsync(await renderDocx({ ...base, provenance: { ...base.provenance, boardChangedAt } }));
      return [zip.files['word/document.xml']!.date.toISOString(), /<dcterms:created[^>]*>([^<]*)</.exec(await zip.file('docProps/core.xml')!.async('string'))![1]];
    };
    expect(await at(0)).toEqual(['1980-01-01T00:00:00.000Z', '1980-01-01T00:00:00Z']);
    expect(await at(1e20)).toEqual(['2099-12-31T23:59:58.000Z', '2099-12-31T23:59:58Z']);
  });

  test('ids are the document’s own: bookmarks numbered from 1 in order, links to relationships that exist', async () => {
    await renderDocx(hostileBrief());
    const files = await unzip(await renderDocx(fixtureBrief()));
    const xml = files['word/document.xml']!;
    const starts = [...xml.matchAll(/<w:bookmarkStart [^>]*w:id="(\d+)"/g)].map((m) => Number(m[1]));
    const ends = [...xml.matchAll(/<w:bookmarkEnd [^>]*w:id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(starts.length).toBeGreaterThan(20);
    expect(starts).toEqual(starts.map((_, i) => i + 1));
    expect(new Set(ends)).toEqual(new Set(starts));
    const rels = files['word/_rels/document.xml.rels']!;
    const ids = [...rels.matchAll(/ Id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.every((id) => /^rIdL?\d+$/.test(id))).toBe(true);
    const used = [...xml.matchAll(/ r:id="([^"]+)"/g)].map((m) => m[1]!);
    expect(used).toContain('rIdL1');
    for (const id of used) expect(ids).toContain(id);
  });

  test('the file still opens: jszip reads every part and every XML part parses', async () => {
    const zip = await JSZip.loadAsync(await renderDocx(hostileBrief()));
    const names = Object.keys(zip.files);
    expect(names).toEqual(expect.arrayContaining(['[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'docProps/core.xml']));
    // happy-dom (Lexical's headless DOM) is the XML parser at hand: it reports unclosed tags and stray roots
    const window = new Window();
    try {
      for (const name of names.filter((n) => /\.(xml|rels)$/.test(n))) {
        const doc = new window.DOMParser().parseFromString(await zip.file(name)!.async('string'), 'application/xml');
        expect(doc.getElementsByTagName('parsererror'), name).toHaveLength(0);
        if (name === 'word/document.xml') expect(doc.documentElement.tagName).toBe('w:document');
      }
    } finally {
      await window.happyDOM.close();
    }
  });
});
