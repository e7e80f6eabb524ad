/**
 * Reads the objects of a PDF as pdfkit writes it (a classic cross-reference table, objects written
 * plainly, no object streams), for tests that follow references a viewer's API does not show:
 * an annotation's `/StructParent` through the parent tree to its structure element, that
 * element's `OBJR` back to the annotation and its page. Stream contents are not read.
 *
 * pdf.js resolves these internally but exposes only its own view of them, and no PDF object
 * library is installed; the syntax needed here is small (PDF 1.7, section 7.3).
 */

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  get key(): string {
    return `${this.num} ${this.gen} R`;
  }
}
export type PdfDict = Map<string, PdfValue>;
export type PdfValue = number | boolean | null | string | PdfName | PdfRef | PdfValue[] | PdfDict;

const DELIMITERS = new Set(['(', ')', '<', '>', '[', ']', '{', '}', '/', '%']);
const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\f' || c === '\0';

/** Text strings are UTF-16BE after a byte order mark, else PDFDocEncoding (Latin-1 for what is tested here). */
function decodeText(bytes: string): string {
  if (bytes.startsWith('\xfe\xff')) {
    return Buffer.from(bytes.slice(2), 'latin1').swap16().toString('utf16le');
  }
  return bytes;
}

class Parser {
  constructor(
    private readonly text: string,
    public at: number,
  ) {}

  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.at];
      if (isSpace(c)) this.at++;
      else if (c === '%') while (this.at < this.text.length && this.text[this.at] !== '\n') this.at++;
      else return;
    }
  }

  private word(): string {
    this.skipSpace();
    const start = this.at;
    while (this.at < this.text.length && !isSpace(this.text[this.at]) && !DELIMITERS.has(this.text[this.at]!)) this.at++;
    return this.text.slice(start, this.at);
  }

  value(): PdfValue {
    this.skipSpace();
    const c = this.text[this.at];
    const next = this.text[this.at + 1];
    if (c === '<' && next === '<') return this.dict();
    if (c === '<') return this.hexString();
    if (c === '[') return this.array();
    if (c === '(') return this.literalString();
    if (c === '/') return this.name();
    const word = this.word();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) throw new Error(`unexpected "${word || c}" at ${this.at}`);
    // `num gen R` is a reference
    const ref = /^\s+(\d+)\s+R(?=[\s/<>[\]()%]|$)/.exec(this.text.slice(this.at, this.at + 24));
    if (/^\d+$/.test(word) && ref) {
      this.at += ref[0].length;
      return new PdfRef(Number(word), Number(ref[1]));
    }
    return Number(word);
  }

  private dict(): PdfDict {
    this.at += 2;
    const out: PdfDict = new Map();
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('>>', this.at)) {
        this.at += 2;
        return out;
      }
      const key = this.name();
      out.set(key.name, this.value());
    }
  }

  private array(): PdfValue[] {
    this.at++;
    const out: PdfValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === ']') {
        this.at++;
        return out;
      }
      out.push(this.value());
    }
  }

  private name(): PdfName {
    this.skipSpace();
    if (this.text[this.at] !== '/') throw new Error(`expected a name at ${this.at}`);
    this.at++;
    const start = this.at;
    while (this.at < this.text.length && !isSpace(this.text[this.at]) && !DELIMITERS.has(this.text[this.at]!)) this.at++;
    return new PdfName(this.text.slice(start, this.at).replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }

  private hexString(): string {
    const end = this.text.indexOf('>', this.at);
    const hex = this.text.slice(this.at + 1, end).replace(/\s+/g, '');
    this.at = end + 1;
    return decodeText(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex').toString('latin1'));
  }

  private literalString(): string {
    const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
    let depth = 0;
    let out = '';
    for (this.at++; ; this.at++) {
      const c = this.text[this.at];
      if (c === undefined) throw new Error('unterminated string');
      if (c === '\\') {
        const e = this.text[++this.at]!;
        if (e in escapes) out += escapes[e];
        else if (/[0-7]/.test(e)) {
          const octal = /^[0-7]{1,3}/.exec(this.text.slice(this.at))![0];
          out += String.fromCharCode(parseInt(octal, 8));
          this.at += octal.length - 1;
        } else if (e === '\r' && this.text[this.at + 1] === '\n') this.at++;
        // a backslash before a line end continues the line; before anything else it is dropped
        continue;
      }
      if (c === '(') depth++;
      if (c === ')' && depth-- === 0) {
        this.at++;
        return decodeText(out);
      }
      out += c;
    }
  }
}

export type PdfObjects = {
  /** the object a reference points to */
  get(ref: PdfValue | undefined): PdfValue | undefined;
  /** the trailer's /Root */
  catalog: PdfDict;
  /** the trailer's /Info */
  info: PdfDict;
  /** each page's reference and dictionary, in page order */
  pages: Array<{ ref: PdfRef; dict: PdfDict }>;
};

/** Reads every object listed in the cross-reference table of `bytes`. */
export function readPdfObjects(bytes: Uint8Array): PdfObjects {
  const text = Buffer.from(bytes).toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!startxref) throw new Error('no startxref: not a PDF with a classic cross-reference table');
  const xref = new Parser(text, Number(startxref[1]));
  const table = /^xref\s+(\d+)\s+(\d+)\s+/.exec(text.slice(xref.at));
  if (!table) throw new Error('no cross-reference table where startxref points');
  const objects = new Map<number, PdfValue>();
  const first = Number(table[1]);
  const entries = text.slice(xref.at + table[0].length).split(/\r?\n|\r/).slice(0, Number(table[2]));
  entries.forEach((entry, i) => {
    const [offset, , kind] = entry.trim().split(/\s+/);
    if (kind !== 'n') return;
    const parser = new Parser(text, Number(offset));
    const header = /^(\d+)\s+(\d+)\s+obj/.exec(text.slice(parser.at, parser.at + 32));
    if (!header || Number(header[1]) !== first + i) throw new Error(`object ${first + i} is not at offset ${offset}`);
    parser.at += header[0].length;
    objects.set(first + i, parser.value());
  });
  const trailerAt = text.indexOf('trailer', xref.at);
  const trailer = new Parser(text, trailerAt + 'trailer'.length).value() as PdfDict;

  const get = (ref: PdfValue | undefined): PdfValue | undefined => (ref instanceof PdfRef ? objects.get(ref.num) : ref);
  const catalog = get(trailer.get('Root')) as PdfDict;
  const info = get(trailer.get('Info')) as PdfDict;
  const pages: PdfObjects['pages'] = [];
  const walk = (ref: PdfValue | undefined) => {
    const node = get(ref) as PdfDict;
    if ((node.get('Type') as PdfName).name === 'Page') pages.push({ ref: ref as PdfRef, dict: node });
    else for (const kid of node.get('Kids') as PdfValue[]) walk(kid);
  };
  walk(catalog.get('Pages'));
  return { get, catalog, info, pages };
}

/** The value of key `n` in a number tree (a parent tree), following /Kids. */
export function numberTreeGet(objects: PdfObjects, tree: PdfValue | undefined, n: number): PdfValue | undefined {
  const node = objects.get(tree) as PdfDict;
  const nums = node.get('Nums') as PdfValue[] | undefined;
  if (nums) {
    for (let i = 0; i < nums.length; i += 2) if (nums[i] === n) return nums[i + 1];
    return undefined;
  }
  for (const kid of (node.get('Kids') as PdfValue[] | undefined) ?? []) {
    const [low, high] = (objects.get(kid) as PdfDict).get('Limits') as [number, number];
    if (n >= low && n <= high) return numberTreeGet(objects, kid, n);
  }
  return undefined;
}
