import JSZip from 'jszip';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, test } from 'vitest';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import { BRIEF_FORMATS, briefFileName, isBriefFormat, type BriefFormat } from '../../shared/brief/formats.ts';
import { fixtureBrief, fixtureDots, fixtureRound } from '../../shared/brief/testing.ts';
import { HOSTILE_HREFS } from '../../shared/richtext/testHelpers.ts';
import { tallyRound } from '../../shared/votes.ts';
import { renderBrief } from './index.ts';

describe('renderBrief', () => {
  const brief = fixtureBrief();

  test.each(Object.keys(BRIEF_FORMATS) as BriefFormat[])('%s: bytes, media type and file name', async (format) => {
    const out = await renderBrief(brief, format);
    expect(out.contentType).toBe(BRIEF_FORMATS[format].contentType);
    expect(out.fileName).toBe(`tech-connect-cohort-2-preventing-homelessness-brief.${format}`);
    expect(out.body.byteLength).toBeGreaterThan(1000);
    const head = new TextDecoder().decode(out.body.slice(0, 8));
    const magic: Record<BriefFormat, string> = { md: '# Tech C', html: '<!doctyp', json: '{\n  "$sc', pdf: '%PDF-1.7', docx: 'PK\u0003\u0004' };
    expect(head.startsWith(magic[format])).toBe(true);
  });
});

describe('briefFileName and isBriefFormat', () => {
  test('file names are plain ASCII words from the title', () => {
    expect(briefFileName('Siân’s “Safer Streets” — Día 2!', 'docx')).toBe('sian-s-safer-streets-dia-2-brief.docx');
    expect(briefFileName('<script>', 'md')).toBe('script-brief.md');
    expect(briefFileName('???', 'pdf')).toBe('board-brief.pdf');
    expect(briefFileName('x'.repeat(300), 'json')).toBe(`${'x'.repeat(80)}-brief.json`);
  });

  test('only the five formats are formats', () => {
    expect(['md', 'html', 'pdf', 'docx', 'json'].every(isBriefFormat)).toBe(true);
    for (const bad of ['txt', 'toString', '__proto__', '', null]) expect(isBriefFormat(bad)).toBe(false);
  });
});

describe('an anonymous round whose small sectors are counted together, in every format', () => {
  // the fixture's voters: public 4, private 3, and one each from academia, voluntary, citizen
  const dots = fixtureDots();
  const round = fixtureRound({ config: { anonymous: true }, ...tallyRound(dots, { anonymous: true, sectorWeighting: false }, 3) });
  const brief = fixtureBrief({ rounds: [round] });

  async function textOf(format: BriefFormat): Promise<string> {
    const { body } = await renderBrief(brief, format);
    let text: string;
    if (format === 'pdf') {
      const pdf = await getDocument({ data: body.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
      const pages: string[] = [];
      for (let i = 1; i <= pdf.numPages; i++) {
        const content = await (await pdf.getPage(i)).getTextContent();
        pages.push((content.items as Array<{ str: string; hasEOL: boolean }>).map((t) => t.str + (t.hasEOL ? ' ' : '')).join(''));
      }
      text = pages.join(' ');
    } else if (format === 'docx') {
      const xml = await (await JSZip.loadAsync(body)).file('word/document.xml')!.async('string');
      text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<\/w:p>/g)].map((m) => m[1] ?? ' ').join('');
      text = text.replace(/&amp;/g, '&');
    } else {
      text = new TextDecoder().decode(body);
      if (format === 'html') text = text.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&');
    }
    return text.replace(/\s+/g, ' ');
  }

  test.each(['md', 'html', 'pdf', 'docx'] as BriefFormat[])('%s: no figure for a small sector, the merged figure, and the reason', async (format) => {
    const text = await textOf(format);
    // i5 had a citizen's dot, i4 only voluntary and citizen dots, i11 an academic's
    expect(text).toContain('5 votes (public sector 1, private sector 3, other sectors 1)');
    expect(text).toContain('4 votes (other sectors 4)');
    expect(text).toContain('4 votes (public sector 2, private sector 1, other sectors 1)');
    for (const leak of ['citizen 1', 'citizen 2', 'academia 1', 'voluntary and community 1', 'voluntary and community 2']) {
      expect(text).not.toContain(leak);
    }
    expect(text).toContain('Sectors with fewer than 3 voters are not shown on their own, so that nobody’s anonymous vote can be told');
  });

  test('json: only the sectors shown, the rest as otherSectors, and the threshold', async () => {
    const json = JSON.parse(new TextDecoder().decode((await renderBrief(brief, 'json')).body)) as ChallengeBrief;
    expect(json.schemaVersion).toBe(2);
    expect(json.rounds[0]!.sectorMinVoters).toBe(3);
    for (const entry of json.rounds[0]!.ranking) {
      expect(entry.bySector.map((s) => s.sector)).toEqual(['public sector', 'private sector']);
      expect(entry.bySector.reduce((n, s) => n + s.votes, 0) + entry.otherSectors).toBe(entry.total);
    }
    const i4 = json.ideas.find((i) => i.id === 'i4')!;
    expect(i4.votes).toMatchObject({ total: 4, otherSectors: 4, bySector: [{ sector: 'public sector', votes: 0 }, { sector: 'private sector', votes: 0 }] });
  });

  test('a named round, or the same round without small sectors, says nothing about them', async () => {
    const named = await renderBrief(fixtureBrief(), 'md');
    const text = new TextDecoder().decode(named.body);
    expect(text).not.toContain('other sectors');
    expect(text).not.toContain('fewer than');
    expect(fixtureBrief().rounds[0]!.sectorMinVoters).toBeNull();
  });
});

describe('hostile link URLs, in every format', () => {
  // a brief whose first idea carries every hostile href as it stands, unchecked (as a brief
  // built elsewhere, or a saved one, could): the exporters hold the line on their own
  const hrefs = [...HOSTILE_HREFS.map(([href]) => href), '/boards/x', 'page.html', '#idea-1', '#nowhere'];
  const base = fixtureBrief();
  const brief: ChallengeBrief = {
    ...base,
    ideas: base.ideas.map((idea, i) =>
      i !== 0
        ? idea
        : {
            ...idea,
            body: [{ type: 'paragraph', children: hrefs.map((url, n) => ({ type: 'link' as const, url, children: [{ text: `link ${n}` }] })) }],
          },
    ),
  };
  const allowed = new Set(HOSTILE_HREFS.flatMap(([, becomes]) => (becomes ? [becomes] : [])));

  async function targetsOf(format: 'md' | 'html' | 'pdf' | 'docx'): Promise<string[]> {
    const { body } = await renderBrief(brief, format);
    if (format === 'pdf') {
      const pdf = await getDocument({ data: body.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
      const out: string[] = [];
      for (let i = 1; i <= pdf.numPages; i++) {
        for (const a of (await (await pdf.getPage(i)).getAnnotations()) as Array<{ url?: string; unsafeUrl?: string; dest?: unknown }>) {
          if (a.unsafeUrl !== undefined || a.url !== undefined) out.push(a.unsafeUrl ?? a.url!);
          else if (a.dest !== undefined) out.push('#internal');
        }
      }
      return out;
    }
    if (format === 'docx') {
      const rels = await (await JSZip.loadAsync(body)).file('word/_rels/document.xml.rels')!.async('string');
      return [...rels.matchAll(/<Relationship [^>]*Target="([^"]*)"[^>]*TargetMode="External"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    }
    const text = new TextDecoder().decode(body);
    if (format === 'html') return [...text.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    return [...text.matchAll(/\]\(<?([^)>]*)>?\)/g)].map((m) => m[1]!);
  }

  test.each(['md', 'html', 'pdf', 'docx'] as const)('%s: only absolute allowed links, written out in full', async (format) => {
    const targets = await targetsOf(format);
    const external = targets.filter((t) => !t.startsWith('#'));
    for (const t of external) {
      expect(t, `${format} link ${JSON.stringify(t)}`).toMatch(/^(https?:\/\/|mailto:|tel:|sms:)/i);
    }
    // every hostile href that may be a link is one, in its full form; none other gets through
    expect(new Set(external.filter((t) => /evil/i.test(t)))).toEqual(allowed);
    expect(external.some((t) => t.includes('/boards/x') || t.includes('page.html'))).toBe(false);
    if (format !== 'md') expect(targets.filter((t) => t === '#nowhere')).toEqual([]);
  });
});
