/** Helpers shared by the rich-text tests. */
import * as Y from 'yjs';
import { addIdea, SEED_ORIGIN, type Author } from '../board.ts';
import { cardBody, findCard } from '../schema.ts';

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
