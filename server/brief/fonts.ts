/**
 * The PDF's fonts, parsed once per process (a render worker) instead of once per document.
 *
 * Given a font file, pdfkit parses it again for every document, and every table it reads again
 * with it; given a parsed fontkit font, it uses that. Shaping text (fontkit's `layout`: kerning
 * and ligatures from the font's OpenType tables) was half of a render's time, and pdfkit only
 * remembers a word's shape within one document, so each font here also remembers the shapes of
 * the words it has set, for the whole process: the second layout pass of a brief, and the next
 * brief, find most words already shaped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create, type Font, type GlyphRun } from 'fontkit';

const require = createRequire(import.meta.url);

const FONT_FILES = {
  Regular: 'source-sans/TTF/SourceSans3-Regular.ttf',
  Italic: 'source-sans/TTF/SourceSans3-It.ttf',
  Bold: 'source-sans/TTF/SourceSans3-Bold.ttf',
  BoldItalic: 'source-sans/TTF/SourceSans3-BoldIt.ttf',
  Semibold: 'source-sans/TTF/SourceSans3-Semibold.ttf',
} as const;
export type FontName = keyof typeof FONT_FILES;

/**
 * Shapes remembered per font. pdfkit lays text out word by word, so the keys are words (with the
 * space after them), about a kilobyte each; past this many the oldest is forgotten, which bounds
 * a worker's memory for them to about 5 MB a font on a server that renders many boards.
 */
const MAX_REMEMBERED_SHAPES = 5_000;

/** `font`, with a `layout` that remembers what it returned for text laid out with the default features. */
function rememberingShapes(font: Font): Font {
  const shapes = new Map<string, GlyphRun>();
  const layout = (text: string, features?: unknown): GlyphRun => {
    if (features !== undefined) return font.layout(text, features);
    let run = shapes.get(text);
    if (!run) {
      if (shapes.size >= MAX_REMEMBERED_SHAPES) shapes.delete(shapes.keys().next().value!);
      run = font.layout(text);
      shapes.set(text, run);
    }
    return copyRun(run);
  };
  // Everything else is the fontkit font itself (the prototype), its own caches included.
  return Object.create(font, { layout: { value: layout } }) as Font;
}

/**
 * A copy of `run` that pdfkit may change: it scales each glyph position to its units in place.
 * The glyphs themselves are fontkit's, shared and never changed.
 */
function copyRun(run: GlyphRun): GlyphRun {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(run) as object) as GlyphRun, run);
  copy.positions = run.positions.map((p) => Object.assign(Object.create(Object.getPrototypeOf(p) as object) as object, p));
  return copy;
}

let parsed: Record<FontName, Font> | undefined;

/**
 * The brief's fonts by name, parsed on first use; for `doc.registerFont(name, font)`, which takes
 * a parsed fontkit font as readily as a file.
 */
export function briefFonts(): Record<FontName, Font> {
  parsed ??= Object.fromEntries(
    Object.entries(FONT_FILES).map(([name, file]) => [name, rememberingShapes(create(readFileSync(require.resolve(file))))]),
  ) as Record<FontName, Font>;
  return parsed;
}
