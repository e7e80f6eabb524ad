/**
 * The brief as a Word document (the `docx` package). Word's own building blocks carry the
 * structure, so the navigation pane, screen readers and "Save as PDF" all understand it:
 * built-in Heading 1-6 styles, real numbered and bulleted lists (Word numbering, restarted per
 * list), tables with a repeating header row and a Caption paragraph, bookmarks with internal
 * hyperlinks for the contents list and cross-references, external hyperlinks in the Hyperlink
 * style, page numbers in the footer, and title, subject, author and language set on the document.
 *
 * Set in Arial 11pt, the plain face public-sector documents use; no colour carries meaning.
 *
 * The same brief always gives the same bytes (`stableDocx`): the file is dated by the board's last
 * change (`provenance.boardChangedAt`), not by the clock, and its ids are numbered per document.
 */
import {
  AlignmentType,
  BorderStyle,
  Bookmark,
  Document,
  ExternalHyperlink,
  Footer,
  HeadingLevel,
  InternalHyperlink,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type INumberingOptions,
  type ParagraphChild,
} from 'docx';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import { inlineText, layoutBrief, type BriefDocument, type DocBlock, type Inline, type TextRun as Run } from '../../shared/brief/layout.ts';
import { exportedLink } from '../../shared/richtext/index.ts';
import { stableDocx } from './stableDocx.ts';

const FONT = 'Arial';
const COLOUR = { text: '0B0C0C', secondary: '505A5F', rule: 'B1B4B6', link: '1D70B8' };
/** A4 with 2 cm margins: the text block is 17 cm wide, in twentieths of a point. */
const CONTENT_WIDTH = 9638;
const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

/** Word bookmark names: a letter first, then letters, digits and underscores, at most 40. */
export function bookmarkName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 38);
  return /^[A-Za-z]/.test(name) ? name : `b_${name}`;
}

function bulletLevels(): ILevelsOptions[] {
  const marks = ['•', '–', '•', '–', '•', '–', '•', '–', '•'];
  return marks.map((text, level) => ({
    level,
    format: LevelFormat.BULLET,
    text,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 360 * (level + 1), hanging: 360 } } },
  }));
}

function orderedLevels(start: number): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    format: LevelFormat.DECIMAL,
    text: `%${level + 1}.`,
    start: level === 0 ? start : 1,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 440 * (level + 1), hanging: 440 } } },
  }));
}

class Builder {
  /** every list gets its own numbering instance, so each numbered list starts again */
  private instance = 0;
  private readonly orderedStarts = new Set<number>();

  constructor(readonly layout: BriefDocument) {}

  numbering(): INumberingOptions {
    return {
      config: [
        { reference: 'bullets', levels: bulletLevels() },
        ...[...this.orderedStarts].map((start) => ({ reference: `ordered-${start}`, levels: orderedLevels(start) })),
      ],
    };
  }

  runs(run: Run, extra: { style?: string } = {}): TextRun[] {
    const lines = run.text.split('\n');
    return lines.map(
      (line, i) =>
        new TextRun({
          text: line,
          ...(i > 0 ? { break: 1 } : {}),
          ...(run.bold ? { bold: true } : {}),
          ...(run.italic ? { italics: true } : {}),
          ...(run.underline ? { underline: {} } : {}),
          ...(run.strikethrough ? { strike: true } : {}),
          ...(run.code ? { font: 'Consolas' } : {}),
          ...extra,
        }),
    );
  }

  inlines(list: readonly Inline[]): ParagraphChild[] {
    const out: ParagraphChild[] = [];
    for (const inline of list) {
      if (!('type' in inline)) {
        out.push(...this.runs(inline));
        continue;
      }
      const children = inline.children.flatMap((c) => this.runs(c, { style: 'Hyperlink' }));
      const target = exportedLink(inline.url);
      if (target?.kind === 'anchor' && this.layout.anchors.has(target.href.slice(1))) {
        out.push(new InternalHyperlink({ anchor: bookmarkName(target.href.slice(1)), children }));
      } else if (target?.kind === 'absolute') out.push(new ExternalHyperlink({ link: target.href, children }));
      else out.push(...inline.children.flatMap((c) => this.runs(c)));
    }
    return out;
  }

  block(b: DocBlock, depth = 0): Array<Paragraph | Table> {
    switch (b.type) {
      case 'heading': {
        const children = this.inlines(b.children);
        return [
          new Paragraph({
            heading: HEADINGS[b.level - 1],
            children: b.id ? [new Bookmark({ id: bookmarkName(b.id), children })] : children,
          }),
        ];
      }
      case 'paragraph':
        if (inlineText(b.children).trim() === '') return [];
        return [
          new Paragraph({
            children: this.inlines(b.children),
            ...(b.role === 'lead' ? { style: 'Lead' } : b.role === 'meta' ? { style: 'Meta' } : {}),
          }),
        ];
      case 'quote':
        return [new Paragraph({ style: 'Quote', children: this.inlines(b.children) })];
      case 'list':
        return this.list(b, depth);
      case 'facts':
        return b.items.map(
          (f, i) =>
            new Paragraph({
              style: 'Fact',
              ...(i === b.items.length - 1 ? { spacing: { after: 160 } } : {}),
              children: [new TextRun({ text: `${f.label}: `, bold: true }), ...this.inlines(f.value)],
            }),
        );
      case 'table':
        return this.table(b);
      case 'contents':
        return [
          new Paragraph({ style: 'ContentsHeading', children: [new TextRun(b.title)] }),
          ...b.entries.map(
            (e, i) =>
              new Paragraph({
                style: 'ContentsEntry',
                ...(i === b.entries.length - 1 ? { spacing: { after: 240 } } : {}),
                children: [
                  new InternalHyperlink({
                    anchor: bookmarkName(e.id),
                    children: [new TextRun({ text: e.text, style: 'Hyperlink' })],
                  }),
                ],
              }),
          ),
        ];
    }
  }

  list(b: Extract<DocBlock, { type: 'list' }>, depth: number): Paragraph[] {
    let reference = 'bullets';
    if (b.ordered) {
      this.orderedStarts.add(b.start);
      reference = `ordered-${b.start}`;
    }
    const instance = ++this.instance;
    const level = Math.min(depth, 8);
    const out: Paragraph[] = [];
    for (const item of b.items) {
      let first = true;
      for (const child of item) {
        if (child.type === 'list') {
          out.push(...this.list(child, depth + 1));
        } else if (child.type === 'paragraph' && first) {
          out.push(
            new Paragraph({
              style: 'ListParagraph',
              numbering: { reference, level, instance },
              children: this.inlines(child.children),
            }),
          );
          first = false;
        } else {
          // Further blocks of an item continue it, indented, without a new number.
          for (const p of this.block(child, depth + 1)) {
            if (p instanceof Paragraph) out.push(p);
          }
        }
      }
    }
    return out;
  }

  table(b: Extract<DocBlock, { type: 'table' }>): Array<Paragraph | Table> {
    const fixed: Record<string, number> = {
      Rank: 1300,
      Votes: 850,
      Score: 850,
      'Votes by sector': 3100,
      People: 1100,
      Organisations: 1600,
      'Cards written': 1500,
      // the actions table: "30 September 2026", "In progress"
      Due: 1850,
      Status: 1300,
    };
    const fixedTotal = b.head.reduce((n, h) => n + (fixed[h] ?? 0), 0);
    const flexible = b.head.filter((h) => fixed[h] === undefined).length || 1;
    const widths = b.head.map((h) => fixed[h] ?? Math.floor((CONTENT_WIDTH - fixedTotal) / flexible));
    const rule = { style: BorderStyle.SINGLE, size: 4, color: COLOUR.rule };
    const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
    const cell = (children: ParagraphChild[], i: number, header: boolean) =>
      new TableCell({
        width: { size: widths[i]!, type: WidthType.DXA },
        margins: { top: 60, bottom: 60, left: 0, right: 120 },
        borders: { top: none, left: none, right: none, bottom: header ? { ...rule, size: 12 } : rule },
        children: [
          new Paragraph({
            style: 'TableText',
            alignment: b.numeric[i] ? AlignmentType.RIGHT : AlignmentType.LEFT,
            children,
          }),
        ],
      });
    const rows = [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: b.head.map((h, i) => cell([new TextRun({ text: h, bold: true })], i, true)),
      }),
      ...b.rows.map(
        (row) =>
          new TableRow({
            cantSplit: true,
            children: row.map((c, i) => cell(this.inlines(c), i, false)),
          }),
      ),
    ];
    return [
      new Paragraph({ style: 'Caption', keepNext: true, children: [new TextRun(b.caption)] }),
      new Table({
        rows,
        width: { size: CONTENT_WIDTH, type: WidthType.DXA },
        columnWidths: widths,
        borders: { top: none, bottom: none, left: none, right: none, insideHorizontal: rule, insideVertical: none },
      }),
      new Paragraph({ style: 'AfterTable', children: [] }),
    ];
  }
}

function heading(size: number, before: number, after: number) {
  return {
    run: { font: FONT, size, bold: true, color: COLOUR.text },
    paragraph: { spacing: { before, after }, keepNext: true, keepLines: true },
  };
}

/** The brief as a .docx file. */
export async function renderDocx(brief: ChallengeBrief): Promise<Uint8Array> {
  const layout = layoutBrief(brief);
  const builder = new Builder(layout);
  const [title, ...rest] = layout.blocks;
  const children: Array<Paragraph | Table> = [];
  if (title?.type === 'heading') {
    children.push(new Paragraph({ style: 'Meta', children: [new TextRun({ text: 'Challenge brief', size: 26 })] }));
    children.push(...builder.block(title));
  }
  for (const block of title?.type === 'heading' ? rest : layout.blocks) children.push(...builder.block(block));

  const p = brief.provenance;
  const doc = new Document({
    title: `${layout.title}: challenge brief`,
    subject: layout.subject,
    creator: p.exportedBy.name,
    lastModifiedBy: p.exportedBy.name,
    description: `Challenge brief exported from Crossboard board ${p.boardId}, version ${p.boardVersion}.`,
    keywords: `challenge brief; Crossboard; board ${p.boardId}`,
    numbering: builder.numbering(),
    styles: {
      default: {
        document: {
          run: { font: FONT, size: 22, color: COLOUR.text, language: { value: 'en-GB' } },
          paragraph: { spacing: { after: 120, line: 288 } },
        },
        heading1: heading(40, 0, 240),
        heading2: heading(32, 480, 160),
        heading3: heading(27, 320, 120),
        heading4: heading(24, 240, 80),
        heading5: heading(22, 200, 60),
        heading6: { ...heading(22, 160, 60), run: { font: FONT, size: 22, bold: true, italics: true, color: COLOUR.text } },
        hyperlink: { run: { color: COLOUR.link, underline: {} } },
        caption: { run: { font: FONT, size: 22, bold: true, color: COLOUR.text }, paragraph: { spacing: { before: 120, after: 80 } } },
        listParagraph: { paragraph: { spacing: { after: 60 } } },
      },
      paragraphStyles: [
        { id: 'Lead', name: 'Lead', basedOn: 'Normal', run: { size: 28 }, paragraph: { spacing: { after: 200 } } },
        { id: 'Meta', name: 'Meta', basedOn: 'Normal', run: { color: COLOUR.secondary } },
        { id: 'Fact', name: 'Fact', basedOn: 'Normal', paragraph: { spacing: { after: 40 } } },
        { id: 'TableText', name: 'Table text', basedOn: 'Normal', run: { size: 20 }, paragraph: { spacing: { after: 0 } } },
        { id: 'AfterTable', name: 'After table', basedOn: 'Normal', paragraph: { spacing: { after: 120 } } },
        { id: 'Quote', name: 'Quote', basedOn: 'Normal', paragraph: { indent: { left: 400 }, border: { left: { style: BorderStyle.SINGLE, size: 24, color: COLOUR.rule, space: 10 } } } },
        { id: 'ContentsHeading', name: 'Contents heading', basedOn: 'Normal', next: 'Normal', run: { bold: true, size: 24 }, paragraph: { spacing: { before: 240, after: 80 }, keepNext: true } },
        { id: 'ContentsEntry', name: 'Contents entry', basedOn: 'Normal', paragraph: { spacing: { after: 40 } } },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 1134, bottom: 1134, left: 1134, right: 1134, footer: 567 },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.RIGHT,
                children: [
                  new TextRun({
                    size: 18,
                    color: COLOUR.secondary,
                    children: [`${layout.title}: challenge brief. Page `, PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES],
                  }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return stableDocx(new Uint8Array(await Packer.toBuffer(doc)), p.boardChangedAt);
}
