/**
 * For tests: a PDF opened with pdf.js and its text read page by page; its link annotations read
 * from its objects, with the structure element each /StructParent leads to; the PDF/UA check that
 * every one is tagged and says where it goes; and poppler's tools run on a file.
 */
import { spawnSync } from 'node:child_process';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { expect } from 'vitest';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import { inlineText, layoutBrief, type DocBlock } from '../../shared/brief/layout.ts';
import { numberTreeGet, PdfName, PdfRef, readPdfObjects, type PdfDict, type PdfValue } from './pdfObjects.ts';

type TextItem = { str: string; hasEOL: boolean };

export async function open(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  // pdf.js takes ownership of the buffer it is given: hand it a copy.
  return getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
}

/** Each page's text, one line per text line, spaces normalised. */
export async function pageTexts(pdf: PDFDocumentProxy): Promise<string[]> {
  const out: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    const text = (content.items as TextItem[]).map((item) => item.str + (item.hasEOL ? '\n' : '')).join('');
    out.push(text.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n'));
  }
  return out;
}

/** A link annotation as the file has it, and the structure element its /StructParent leads to. */
export type LinkAnnotation = {
  page: number;
  ref: PdfRef;
  contents: string | undefined;
  structParent: number | undefined;
  /** the object number of that element (a link that wraps has an annotation per line, all in one element) */
  element: number | undefined;
  /** the /S of the element the parent tree gives for /StructParent */
  role: string | undefined;
  /** that element's OBJR kids: each annotation it claims, and the page it says that annotation is on */
  objrs: Array<{ obj: number; page: number }>;
  /** the roles above that element, nearest first */
  ancestors: string[];
  goTo?: string;
  uri?: string;
};

export function linkAnnotations(bytes: Uint8Array): LinkAnnotation[] {
  const pdf = readPdfObjects(bytes);
  const dict = (v: PdfValue | undefined) => pdf.get(v) as PdfDict | undefined;
  const name = (v: PdfValue | undefined) => (pdf.get(v) instanceof PdfName ? (pdf.get(v) as PdfName).name : undefined);
  const pageNumber = new Map(pdf.pages.map((p, i) => [p.ref.num, i + 1]));
  const parentTree = dict(pdf.catalog.get('StructTreeRoot'))!.get('ParentTree');
  const out: LinkAnnotation[] = [];
  pdf.pages.forEach((page, i) => {
    for (const ref of (page.dict.get('Annots') as PdfRef[] | undefined) ?? []) {
      const annotation = dict(ref)!;
      if (name(annotation.get('Subtype')) !== 'Link') continue;
      const structParent = annotation.get('StructParent') as number | undefined;
      const elementRef = structParent === undefined ? undefined : numberTreeGet(pdf, parentTree, structParent);
      const element = dict(elementRef);
      const kids = element?.get('K');
      const objrs = (Array.isArray(kids) ? kids : [kids])
        .map((k) => dict(k))
        .filter((k): k is PdfDict => k instanceof Map && name(k.get('Type')) === 'OBJR')
        .map((k) => ({ obj: (k.get('Obj') as PdfRef).num, page: pageNumber.get((k.get('Pg') as PdfRef).num)! }));
      const ancestors: string[] = [];
      for (let up = dict(element?.get('P')); up && name(up.get('Type')) !== 'StructTreeRoot'; up = dict(up.get('P'))) ancestors.push(name(up.get('S'))!);
      const action = dict(annotation.get('A'));
      out.push({
        page: i + 1,
        ref,
        contents: annotation.get('Contents') as string | undefined,
        structParent,
        element: elementRef instanceof PdfRef ? elementRef.num : undefined,
        role: name(element?.get('S')),
        objrs,
        ancestors,
        ...(name(action?.get('S')) === 'GoTo' ? { goTo: action!.get('D') as string } : {}),
        ...(name(action?.get('S')) === 'URI' ? { uri: action!.get('URI') as string } : {}),
      });
    }
  });
  return out;
}

/** The first annotation of each Link element (one that wraps has an annotation per line). */
export function oneEach(links: readonly LinkAnnotation[]): LinkAnnotation[] {
  return links.filter((link, i) => links.findIndex((other) => other.element === link.element) === i);
}

/** Each heading id of the brief's layout with its title. */
function headingTitles(blocks: readonly DocBlock[], into = new Map<string, string>()): Map<string, string> {
  for (const b of blocks) {
    if (b.type === 'heading' && b.id) into.set(b.id, inlineText(b.children));
    if (b.type === 'list') b.items.forEach((item) => headingTitles(item, into));
  }
  return into;
}

/** Every link annotation is in the structure tree, on its own page, and says where it goes. */
export function expectEveryLinkTagged(brief: ChallengeBrief, links: readonly LinkAnnotation[]): void {
  const titles = headingTitles(layoutBrief(brief).blocks);
  for (const link of links) {
    const where = `link ${link.ref.key} on page ${link.page} (${link.goTo ?? link.uri})`;
    expect(link.structParent, where).toEqual(expect.any(Number));
    expect(link.role, where).toBe('Link');
    expect(link.objrs.filter((o) => o.obj === link.ref.num), where).toEqual([{ obj: link.ref.num, page: link.page }]);
    expect(link.contents, where).toBe(link.goTo !== undefined ? `Go to section: ${titles.get(link.goTo)}` : `Open ${link.uri}`);
  }
}

/** Runs a poppler tool on `file`: its standard output, and its standard error (which must stay empty). */
export function poppler(tool: string, file: string, ...args: string[]): { stdout: string; stderr: string } {
  const run = spawnSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
  if (run.error) throw run.error;
  expect(run.status, `${tool} exit status`).toBe(0);
  return { stdout: run.stdout, stderr: run.stderr };
}
