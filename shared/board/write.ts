/**
 * Writing a board: the named functions that change it. Every write runs in one `doc.transact`
 * with a typed origin (shared/origins.ts), so undo, persistence and the UI can tell whose change
 * it was.
 *
 * What deleting does to children (chosen so that no one's work disappears as a side effect):
 * - deleting a problem keeps its ideas, detached (`problemId: null`, shown as "Not linked to a problem");
 * - deleting an idea keeps its prototype notes, detached (`ideaId: null`);
 * - deleting a theme keeps its ideas, out of any theme (`themeId: null`).
 * A concurrent edit can leave the same dangling links (an idea added to a problem someone else
 * deleted), and `readBoard` repairs those the same way, so both paths look alike.
 */
import * as Y from 'yjs';
import {
  CARD,
  LIMITS,
  META,
  SCHEMA_VERSION,
  SECTORS,
  boardMaps,
  cardBody,
  createBody,
  findCard,
  laneMap,
  type CardKind,
  type Sector,
  type Template,
} from '../schema.ts';
import { isOrderKey, keyAfter, keyBetween } from '../order.ts';
import { textEdit } from '../textEdit.ts';
import { SERVER_ORIGIN, type BoardOrigin } from '../origins.ts';
import { newId } from '../ids.ts';
import { byOrder, readAuthor, readCoAuthors, records, str } from './read.ts';
import type { Author, BoardMeta } from './types.ts';

export { newId };

export class BoardWriteError extends Error {
  override name = 'BoardWriteError';
}

function cleanTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim().slice(0, LIMITS.title);
}

function cleanAuthor(author: Author): Author {
  if (!SECTORS.includes(author.sector as Sector)) {
    throw new BoardWriteError(`author.sector must be one of: ${SECTORS.join(', ')}`);
  }
  return readAuthor(author);
}

/** Writes the board's meta; used once when a board is created. */
export function initBoard(
  doc: Y.Doc,
  meta: { title: string; challenge?: string; sponsor?: string; template?: Template; createdAt?: number },
  origin: BoardOrigin = SERVER_ORIGIN,
): void {
  doc.transact(() => {
    const m = boardMaps(doc).meta;
    m.set(META.title, meta.title.trim().slice(0, LIMITS.metaTitle));
    m.set(META.challenge, (meta.challenge ?? '').trim().slice(0, LIMITS.challenge));
    m.set(META.sponsor, (meta.sponsor ?? '').trim().slice(0, LIMITS.sponsor));
    m.set(META.template, meta.template ?? 'open');
    m.set(META.schemaVersion, SCHEMA_VERSION);
    m.set(META.createdAt, meta.createdAt ?? Date.now());
    // Created up front, like card bodies: two peers creating them lazily would race and one
    // peer's text would be lost.
    m.set(META.summary, new Y.Text());
    m.set(META.nextSteps, new Y.Text());
  }, origin);
}

/**
 * Who wrote a template's starter cards: nobody in the room. Its sector is deliberately none of
 * SECTORS (it reads back as 'unknown'), so a brief can leave it out of "who took part" with
 * `isTemplateAuthor`.
 */
export const TEMPLATE_AUTHOR: Author = {
  participantId: 'crossboard-template',
  name: 'Crossboard template',
  organisation: '',
  sector: 'unknown',
};

export function isTemplateAuthor(author: Pick<Author, 'participantId'>): boolean {
  return author.participantId === TEMPLATE_AUTHOR.participantId;
}

/**
 * Puts a template's starter cards on a new board, in one transaction. `starter` comes from
 * shared/facilitation/templates.ts. Bodies are Markdown, written by `writeBody` (shared/richtext's
 * writeMarkdownToBody) so this module stays free of the editor; without it bodies stay empty.
 */
export function applyTemplate(
  doc: Y.Doc,
  starter: ReadonlyArray<{ kind: 'problem'; title: string; body: string }>,
  origin: BoardOrigin = SERVER_ORIGIN,
  writeBody?: (doc: Y.Doc, body: Y.XmlText, markdown: string, origin: BoardOrigin) => void,
): void {
  if (starter.length === 0) return;
  doc.transact(() => {
    for (const card of starter) {
      const id = newId();
      const order = placeAmong(siblingOrders(doc, card.kind, () => true), {});
      // not through addProblem: cleanAuthor accepts real sectors only
      const record = newCardRecord(id, card.title, TEMPLATE_AUTHOR, order, false);
      laneMap(doc, card.kind).set(id, record);
      const body = cardBody(record);
      if (writeBody && body && card.body) writeBody(doc, body, card.body, origin);
    }
  }, origin);
}

/** The rich-text body of a card by id (for writing Markdown into it), or undefined. */
export function cardBodyById(doc: Y.Doc, id: string): Y.XmlText | undefined {
  const found = findCard(doc, id);
  return found ? cardBody(found.record) : undefined;
}

export function updateMeta(
  doc: Y.Doc,
  patch: Partial<Pick<BoardMeta, 'title' | 'challenge' | 'sponsor'>>,
  origin: BoardOrigin,
): void {
  doc.transact(() => {
    const m = boardMaps(doc).meta;
    if (patch.title !== undefined) m.set(META.title, patch.title.trim().slice(0, LIMITS.metaTitle));
    if (patch.challenge !== undefined) m.set(META.challenge, patch.challenge.slice(0, LIMITS.challenge));
    if (patch.sponsor !== undefined) m.set(META.sponsor, patch.sponsor.trim().slice(0, LIMITS.sponsor));
  }, origin);
}

/** Order keys of the siblings a new or moved card is placed among, sorted. */
export function siblingOrders(
  doc: Y.Doc,
  kind: CardKind,
  sameGroup: (record: Y.Map<unknown>) => boolean,
  excludeId?: string,
): Array<{ id: string; order: string }> {
  const out: Array<{ id: string; order: string }> = [];
  for (const [id, record] of records(laneMap(doc, kind))) {
    if (id === excludeId || !sameGroup(record)) continue;
    const order = record.get(CARD.order);
    out.push({ id, order: isOrderKey(order) ? order : '' });
  }
  return out.sort(byOrder);
}

/**
 * Where to put a card among its siblings: right before `beforeId`, right after `afterId`, or at
 * the end. Unknown neighbours fall back to the end rather than failing a user's move.
 */
export function placeAmong(
  siblings: Array<{ id: string; order: string }>,
  position: { beforeId?: string | null; afterId?: string | null },
): string {
  const last = siblings.at(-1)?.order || null;
  if (position.beforeId) {
    const i = siblings.findIndex((s) => s.id === position.beforeId);
    if (i >= 0) return keyBetween(siblings[i - 1]?.order || null, siblings[i]!.order || null);
  }
  if (position.afterId) {
    const i = siblings.findIndex((s) => s.id === position.afterId);
    if (i >= 0) return keyBetween(siblings[i]!.order || null, siblings[i + 1]?.order || null);
  }
  return keyAfter(last);
}

export function groupOf(kind: CardKind, record: Y.Map<unknown>): string | null {
  if (kind === 'idea') return str(record.get(CARD.problemId)) ?? null;
  if (kind === 'note') return str(record.get(CARD.ideaId)) ?? null;
  return null;
}

function newCardRecord(id: string, title: string, author: Author, order: string, checkAuthor = true): Y.Map<unknown> {
  const now = Date.now();
  const record = new Y.Map<unknown>();
  const titleText = new Y.Text();
  titleText.insert(0, cleanTitle(title));
  record.set(CARD.id, id);
  record.set(CARD.title, titleText);
  record.set(CARD.body, createBody());
  record.set(CARD.author, checkAuthor ? cleanAuthor(author) : { ...author });
  record.set(CARD.createdAt, now);
  record.set(CARD.updatedAt, now);
  record.set(CARD.order, order);
  return record;
}

export type Placement = { beforeId?: string | null; afterId?: string | null };

const authoringHooks = new WeakMap<Y.Doc, (author: Author) => void>();

/**
 * Calls `hook` before each card or theme is written into `doc` with its author. Seeding a board
 * of many people's cards through one document uses it to give each author a Yjs client of their
 * own, so each person's cards can be sent by a connection joined as them (the server credits a
 * card to whoever adds it: e2e/seed.ts). Returns the function that removes the hook.
 */
export function onAuthoring(doc: Y.Doc, hook: (author: Author) => void): () => void {
  authoringHooks.set(doc, hook);
  return () => authoringHooks.delete(doc);
}

export function addProblem(
  doc: Y.Doc,
  input: { title: string; author: Author; id?: string } & Placement,
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  doc.transact(() => {
    const order = placeAmong(siblingOrders(doc, 'problem', () => true), input);
    laneMap(doc, 'problem').set(id, newCardRecord(id, input.title, input.author, order));
  }, origin);
  return id;
}

export function addIdea(
  doc: Y.Doc,
  input: { title: string; author: Author; problemId: string | null; themeId?: string | null; id?: string } & Placement,
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'idea', (r) => groupOf('idea', r) === input.problemId);
    const record = newCardRecord(id, input.title, input.author, placeAmong(siblings, input));
    record.set(CARD.problemId, input.problemId);
    record.set(CARD.themeId, input.themeId ?? null);
    // Created up front, like the body: two peers creating it lazily would race and lose a credit.
    record.set(CARD.coAuthors, new Y.Map<unknown>());
    laneMap(doc, 'idea').set(id, record);
  }, origin);
  return id;
}

export function addNote(
  doc: Y.Doc,
  input: { title: string; author: Author; ideaId: string | null; id?: string } & Placement,
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'note', (r) => groupOf('note', r) === input.ideaId);
    const record = newCardRecord(id, input.title, input.author, placeAmong(siblings, input));
    record.set(CARD.ideaId, input.ideaId);
    laneMap(doc, 'note').set(id, record);
  }, origin);
  return id;
}

/** Adds a theme; `ideaIds` are grouped into it in the same transaction (one undo step). */
export function addTheme(
  doc: Y.Doc,
  input: { title: string; author: Author; id?: string; ideaIds?: readonly string[] },
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  const ideas = (input.ideaIds ?? []).map((ideaId) => requireRecord(doc, ideaId, 'idea'));
  doc.transact(() => {
    const themes = boardMaps(doc).themes;
    const siblings = records(themes).map(([tid, r]) => {
      const order = r.get(CARD.order);
      return { id: tid, order: isOrderKey(order) ? order : '' };
    });
    const record = new Y.Map<unknown>();
    const title = new Y.Text();
    title.insert(0, cleanTitle(input.title));
    record.set(CARD.id, id);
    record.set(CARD.title, title);
    record.set(CARD.author, cleanAuthor(input.author));
    record.set(CARD.createdAt, Date.now());
    record.set(CARD.order, keyAfter(siblings.sort(byOrder).at(-1)?.order || null));
    themes.set(id, record);
    for (const idea of ideas) idea.set(CARD.themeId, id);
  }, origin);
  return id;
}

export function requireRecord(doc: Y.Doc, id: string, kind?: CardKind): Y.Map<unknown> {
  const found = findCard(doc, id);
  if (!found || (kind && found.kind !== kind)) {
    throw new BoardWriteError(`no ${kind ?? 'card'} with id ${id}`);
  }
  return found.record;
}

/** A card's or theme's record by id, whatever the lane; undefined if there is none. */
export function findRecord(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const record = findCard(doc, id)?.record ?? boardMaps(doc).themes.get(id);
  return record instanceof Y.Map ? record : undefined;
}

/** Everyone a card or theme credits, as the document has them: its author, then its co-authors. */
export function recordCredits(record: Y.Map<unknown>): Author[] {
  const author = readAuthor(record.get(CARD.author));
  return [author, ...readCoAuthors(record.get(CARD.coAuthors), author)];
}

/** Whether an idea's co-authors are a map already (so a new one would replace what it holds). */
export function hasCoAuthorMap(record: Y.Map<unknown>): boolean {
  return record.get(CARD.coAuthors) instanceof Y.Map;
}

export function sameAuthor(a: Author, b: Author): boolean {
  return a.participantId === b.participantId && a.name === b.name && a.organisation === b.organisation && a.sector === b.sector;
}

/** Credits a card or theme to `author`: the server's correction when a client claimed someone else. */
export function setAuthor(doc: Y.Doc, id: string, author: Author, origin: BoardOrigin = SERVER_ORIGIN): void {
  const record = findRecord(doc, id);
  if (!record) return;
  doc.transact(() => {
    if (!sameAuthor(readAuthor(record.get(CARD.author)), readAuthor(author))) record.set(CARD.author, readAuthor(author));
  }, origin);
}

/**
 * Replaces a card's (or theme's) title with the smallest edit: common prefix and suffix are kept,
 * so two people fixing different words of one title at once both keep their change. `caret`, the
 * caret after the edit in the field it came from, places the edit where it was typed when the
 * title repeats letters around it (see textEdit).
 */
export function updateCardTitle(doc: Y.Doc, id: string, title: string, origin: BoardOrigin, caret?: number): void {
  const record = titleRecord(doc, id);
  if (!record) throw new BoardWriteError(`no card or theme with id ${id}`);
  const next = title.slice(0, LIMITS.title);
  doc.transact(() => {
    let text = record.get(CARD.title);
    if (!(text instanceof Y.Text)) {
      text = new Y.Text();
      record.set(CARD.title, text);
    }
    replaceText(text as Y.Text, next, caret);
    if (record.has(CARD.updatedAt)) record.set(CARD.updatedAt, Date.now());
  }, origin);
}

/**
 * The live Y.Text of a card's (or theme's) title, for a field that follows it character by
 * character (carets kept with relative positions), or null when there is none (yet).
 */
export function cardTitleText(doc: Y.Doc, id: string): Y.Text | null {
  const text = titleRecord(doc, id)?.get(CARD.title);
  return text instanceof Y.Text ? text : null;
}

function titleRecord(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  const record = findCard(doc, id)?.record ?? boardMaps(doc).themes.get(id);
  return record instanceof Y.Map ? record : null;
}

/**
 * Turns `text` into `next` with the smallest edit: the common prefix and suffix are kept, so two
 * people changing different words at once both keep their change.
 */
function replaceText(text: Y.Text, next: string, caret?: number): void {
  const edit = textEdit(text.toString(), next, caret);
  if (!edit) return;
  if (edit.remove > 0) text.delete(edit.index, edit.remove);
  if (edit.insert) text.insert(edit.index, edit.insert);
}

/** Edits the brief's summary or next steps (collaboratively, like a title). */
export function updateBriefText(doc: Y.Doc, field: 'summary' | 'nextSteps', value: string, origin: BoardOrigin): void {
  doc.transact(() => {
    const meta = boardMaps(doc).meta;
    let text = meta.get(META[field]);
    if (!(text instanceof Y.Text)) {
      text = new Y.Text();
      meta.set(META[field], text);
    }
    replaceText(text as Y.Text, value.slice(0, LIMITS.summary));
  }, origin);
}

/** Marks a card as changed now (called when its body is edited). */
export function touchCard(doc: Y.Doc, id: string, origin: BoardOrigin): void {
  const record = findCard(doc, id)?.record;
  if (!record) return;
  doc.transact(() => record.set(CARD.updatedAt, Date.now()), origin);
}

/** Moves a card within its own group (problems: the lane; ideas: their problem; notes: their idea). */
export function reorderCard(doc: Y.Doc, id: string, placement: Placement, origin: BoardOrigin): void {
  const found = findCard(doc, id);
  if (!found) throw new BoardWriteError(`no card with id ${id}`);
  const group = groupOf(found.kind, found.record);
  doc.transact(() => {
    const siblings = siblingOrders(doc, found.kind, (r) => groupOf(found.kind, r) === group, id);
    found.record.set(CARD.order, placeAmong(siblings, placement));
  }, origin);
}

/** Moves an idea to another problem (or detaches it with null), optionally into a theme. */
export function moveIdea(
  doc: Y.Doc,
  ideaId: string,
  target: { problemId: string | null; themeId?: string | null } & Placement,
  origin: BoardOrigin,
): void {
  const record = requireRecord(doc, ideaId, 'idea');
  if (target.problemId !== null) requireRecord(doc, target.problemId, 'problem');
  if (target.themeId && !boardMaps(doc).themes.has(target.themeId)) {
    throw new BoardWriteError(`no theme with id ${target.themeId}`);
  }
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'idea', (r) => groupOf('idea', r) === target.problemId, ideaId);
    record.set(CARD.problemId, target.problemId);
    if (target.themeId !== undefined) record.set(CARD.themeId, target.themeId);
    record.set(CARD.order, placeAmong(siblings, target));
  }, origin);
}

/** Moves a prototype note to another idea (or detaches it with null). */
export function moveNote(
  doc: Y.Doc,
  noteId: string,
  target: { ideaId: string | null } & Placement,
  origin: BoardOrigin,
): void {
  const record = requireRecord(doc, noteId, 'note');
  if (target.ideaId !== null) requireRecord(doc, target.ideaId, 'idea');
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'note', (r) => groupOf('note', r) === target.ideaId, noteId);
    record.set(CARD.ideaId, target.ideaId);
    record.set(CARD.order, placeAmong(siblings, target));
  }, origin);
}

/** Puts an idea into a theme, or out of any theme with null. */
export function setIdeaTheme(doc: Y.Doc, ideaId: string, themeId: string | null, origin: BoardOrigin): void {
  const record = requireRecord(doc, ideaId, 'idea');
  if (themeId !== null && !boardMaps(doc).themes.has(themeId)) {
    throw new BoardWriteError(`no theme with id ${themeId}`);
  }
  doc.transact(() => record.set(CARD.themeId, themeId), origin);
}

/**
 * Deletes a card or theme. Children are kept and detached (see the module comment), all in the
 * same transaction, so one undo restores the card and every link it had.
 */
export function deleteCard(doc: Y.Doc, id: string, origin: BoardOrigin): void {
  const maps = boardMaps(doc);
  const found = findCard(doc, id);
  const isTheme = !found && maps.themes.has(id);
  if (!found && !isTheme) throw new BoardWriteError(`no card or theme with id ${id}`);
  doc.transact(() => {
    const detach = (lane: Y.Map<unknown>, key: string) => {
      for (const [, record] of records(lane)) {
        if (record.get(key) === id) record.set(key, null);
      }
    };
    if (isTheme) {
      detach(maps.ideas, CARD.themeId);
      maps.themes.delete(id);
      return;
    }
    if (found!.kind === 'problem') detach(maps.ideas, CARD.problemId);
    if (found!.kind === 'idea') detach(maps.notes, CARD.ideaId);
    laneMap(doc, found!.kind).delete(id);
  }, origin);
}
