// The little of fontkit (pdfkit's own font engine, installed with it) that fonts.ts uses; fontkit
// ships no types.
declare module 'fontkit' {
  export interface GlyphRun {
    glyphs: unknown[];
    positions: object[];
    readonly advanceWidth: number;
  }
  export interface Font {
    postscriptName: string;
    layout(text: string, features?: unknown): GlyphRun;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
