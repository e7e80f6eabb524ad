import { describe, expect, test } from 'vitest';
import { briefFonts } from './fonts.ts';

type Position = { xAdvance: number };

describe('briefFonts', () => {
  test('are parsed once per process', () => {
    expect(briefFonts()).toBe(briefFonts());
    expect(briefFonts().Bold.postscriptName).toBe('SourceSans3-Bold');
  });

  test('a remembered shape is handed out as a copy: pdfkit scales positions in place, and the next document must get them as shaped', () => {
    const font = briefFonts().Regular;
    const first = font.layout('Crossboard ');
    const widths = (first.positions as Position[]).map((p) => p.xAdvance);
    expect(widths.every((w) => w > 0)).toBe(true);
    // what pdfkit does to a run when its font has other than 1000 units to the em
    for (const p of first.positions as Position[]) p.xAdvance *= 2.048;
    const again = font.layout('Crossboard ');
    expect((again.positions as Position[]).map((p) => p.xAdvance)).toEqual(widths);
    expect(again.glyphs).toEqual(first.glyphs);
    expect(again.advanceWidth).toBe(widths.reduce((a, b) => a + b, 0));
  });
});
