import { describe, expect, test } from 'vitest';
import { BRIEF_FORMATS, briefFileName, isBriefFormat, type BriefFormat } from '../../shared/brief/formats.ts';
import { fixtureBrief } from '../../shared/brief/testing.ts';
import { renderBrief } from './index.ts';

describe('renderBrief', () => {
  const brief = fixtureBrief();

  test.each(Object.keys(BRIEF_FORMATS) as BriefFormat[])('%s: bytes, media type and file name', async (format) => {
    const out = await renderBrief(brief, format);
    expect(out.contentType).toBe(BRIEF_FORMATS[format].contentType);
    expect(out.fileName).toBe(`tech-connect-cohort-2-preventing-homelessness-brief.${format}`);
    expect(out.body.byteLength).toBeGreaterThan(1000);
    const head = new TextDecoder().decode(out.body.slice(0, 8));
    const magic: Record<BriefFormat, string> = { md: '# Tech C', html: '<!doctyp', json: '{\n  "for', pdf: '%PDF-1.7', docx: 'PK\u0003\u0004' };
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
