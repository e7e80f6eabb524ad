/** Helpers shared by the rich-text tests. */
import { $createLinkNode } from '@lexical/link';
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical';
import * as Y from 'yjs';
import { addIdea, type Author } from '../board/index.ts';
import { cardBody, findCard } from '../schema.ts';
import { syncEditorToBody, withBodyEditor } from './bodyEditor.ts';
import { SEED_ORIGIN } from '../origins.ts';

export const AUTHOR: Author = {
  participantId: 'p1',
  name: 'Amira Khan',
  organisation: 'Department for Work and Pensions',
  sector: 'public sector',
};

/** A board document with one idea card; returns the doc and the card's body. */
export function docWithCard(id = 'card'): { doc: Y.Doc; body: Y.XmlText } {
  const doc = new Y.Doc();
  addIdea(doc, { id, title: 'A card', author: AUTHOR, problemId: null }, SEED_ORIGIN);
  return { doc, body: bodyOf(doc, id) };
}

export function bodyOf(doc: Y.Doc, id: string): Y.XmlText {
  const record = findCard(doc, id)?.record;
  const body = record && cardBody(record);
  if (!body) throw new Error(`no body for ${id}`);
  return body;
}

/** A plain, comparable picture of a body's Yjs structure (attributes, text, embedded types). */
export function dumpYjs(type: unknown): unknown {
  if (type instanceof Y.XmlText) {
    return {
      attributes: dumpYjs(type.getAttributes()),
      children: (type.toDelta() as Array<{ insert: unknown; attributes?: unknown }>).map((op) =>
        op.insert instanceof Y.AbstractType ? dumpYjs(op.insert) : op,
      ),
    };
  }
  if (type instanceof Y.Map) return { map: dumpYjs(Object.fromEntries(type.entries())) };
  if (type instanceof Y.AbstractType) return { type: type.constructor.name, json: type.toJSON() };
  if (type !== null && typeof type === 'object' && !Array.isArray(type)) {
    return Object.fromEntries(Object.entries(type).map(([k, v]) => [k, dumpYjs(v)]));
  }
  return type;
}

/** Sends each doc's missing updates to the other until both have everything. */
export function exchange(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
}

/**
 * Hostile hrefs and what each must become (null: no link at all). Shared by the link rule's own
 * test, every exporter's and the draft reveal's, so they all hold the same line.
 */
export const HOSTILE_HREFS: ReadonlyArray<[href: string, becomes: string | null]> = [
  ['//evil.example/x', 'https://evil.example/x'],
  ['\\\\evil.example\\share', 'https://evil.example/share'],
  ['/\\evil.example', 'https://evil.example/'],
  ['\\/evil.example', 'https://evil.example/'],
  ['///evil.example/x', 'https://evil.example/x'],
  ['https:evil.example', 'https://evil.example/'],
  ['http:\\\\evil.example', 'http://evil.example/'],
  ['HTTPS://Evil.Example', 'HTTPS://Evil.Example'],
  [' //evil.example', 'https://evil.example/'],
  ['\t//evil.example', 'https://evil.example/'],
  ['/\t/evil.example', 'https://evil.example/'],
  ['/\n/evil.example', 'https://evil.example/'],
  ['\u0000//evil.example', 'https://evil.example/'],
  ['\u001f\\\\evil.example', 'https://evil.example/'],
  ['//evil.example\u0001/x', null],
  ['javascript:alert(1)', null],
  [' JaVaScRiPt:alert(1)', null],
  ['java\tscript:alert(1)', null],
  ['java\nscript:alert(1)', null],
  ['\u0000javascript:alert(1)', null],
  ['data:text/html,<script>alert(1)</script>', null],
  ['vbscript:msgbox(1)', null],
  ['file:///etc/passwd', null],
  ['file://evil.example/share', null],
  ['//[bad', null],
];

/**
 * Writes links with any URL into a body, as a hostile peer's editor could (no check on the way):
 * one paragraph, each link labelled `link 0`, `link 1`, ...
 */
export function writeRawLinks(body: Y.XmlText, urls: readonly string[]): void {
  withBodyEditor(body, (session) => {
    const stop = syncEditorToBody(session);
    try {
      session.editor.update(
        () => {
          const paragraph = $createParagraphNode();
          urls.forEach((url, i) => {
            paragraph.append($createTextNode(' '), $createLinkNode(url).append($createTextNode(`link ${i}`)));
          });
          $getRoot().clear().append(paragraph);
        },
        { discrete: true },
      );
    } finally {
      stop();
    }
  });
}

/** Every link URL stored in a body's Yjs structure (Lexical keeps it as the `__url` attribute). */
export function storedLinkUrls(type: unknown): string[] {
  const out: string[] = [];
  const visit = (t: unknown): void => {
    if (t instanceof Y.XmlText) {
      const url = t.getAttribute('__url');
      if (typeof url === 'string') out.push(url);
      for (const op of t.toDelta() as Array<{ insert?: unknown }>) visit(op.insert);
    } else if (t instanceof Y.XmlElement) {
      const url = t.getAttribute('__url');
      if (typeof url === 'string') out.push(url);
      t.toArray().forEach(visit);
    } else if (t instanceof Y.Map) {
      t.forEach(visit);
    }
  };
  visit(type);
  return out;
}
