/**
 * Merging a duplicate idea into another: credits, body, notes, the record of where it went and the
 * deletion in one transaction. The records are read back by `readMerges` (read.ts), so votes and
 * actions can follow merged ideas.
 */
import * as Y from 'yjs';
import { CARD, LIMITS, MERGE, boardMaps, cardBody, createBody, createTextParagraph } from '../schema.ts';
import { keyAfter } from '../order.ts';
import type { BoardOrigin } from '../origins.ts';
import { copyXmlText } from '../richtext/yjsTree.ts';
import { UNKNOWN_AUTHOR, readAuthor, readCoAuthors, readText } from './read.ts';
import { BoardWriteError, groupOf, isTemplateAuthor, requireRecord, siblingOrders } from './write.ts';

/**
 * Merges a duplicate idea into another, in one transaction (so one undo restores both):
 * - the kept idea credits the merged idea's author and co-authors as co-authors;
 * - its body gains a paragraph "Merged from: <title>" and then the merged idea's blocks, copied
 *   as Yjs structure (what Lexical wrote, so formatting, lists and links survive as they were);
 * - the merged idea's prototype notes move to the kept idea, after its own;
 * - `merges` records that the merged idea went into the kept one, so the dots people placed on it
 *   count for the kept idea (the server lets the record in only with the deletion: see
 *   server/facilitation/writes/judgeUpdate.ts);
 * - the merged idea is deleted.
 * The kept idea keeps its own problem, theme and title. Edits that peers make to the merged idea
 * while the merge travels land in a deleted record and are dropped, exactly as for a delete;
 * a note added to it concurrently is kept, detached (see `readBoard`).
 */
export function mergeIdeas(
  doc: Y.Doc,
  ids: { keepId: string; mergeId: string },
  origin: BoardOrigin,
): void {
  if (ids.keepId === ids.mergeId) throw new BoardWriteError('cannot merge an idea into itself');
  const keep = requireRecord(doc, ids.keepId, 'idea');
  const merged = requireRecord(doc, ids.mergeId, 'idea');
  const maps = boardMaps(doc);
  doc.transact(() => {
    const author = readAuthor(keep.get(CARD.author));
    const mergedAuthor = readAuthor(merged.get(CARD.author));
    const credits = [mergedAuthor, ...readCoAuthors(merged.get(CARD.coAuthors), mergedAuthor)];
    let coAuthors = keep.get(CARD.coAuthors);
    if (!(coAuthors instanceof Y.Map)) {
      // An idea from before co-authors existed, or a peer wrote junk: start a map, keep what was valid.
      const existing = readCoAuthors(coAuthors, author);
      coAuthors = new Y.Map<unknown>();
      keep.set(CARD.coAuthors, coAuthors);
      credits.push(...existing);
    }
    const map = coAuthors as Y.Map<unknown>;
    for (const credit of credits) {
      const id = credit.participantId;
      if (id === author.participantId || id === UNKNOWN_AUTHOR.participantId || isTemplateAuthor(credit) || map.has(id)) continue;
      map.set(id, { ...credit });
    }

    let body = cardBody(keep);
    if (!body) {
      body = createBody();
      keep.set(CARD.body, body);
    }
    appendMergedBody(body, cardBody(merged), readText(merged.get(CARD.title), LIMITS.title).trim() || 'Untitled idea');

    let last = siblingOrders(doc, 'note', (r) => groupOf('note', r) === ids.keepId).at(-1)?.order || null;
    for (const { id } of siblingOrders(doc, 'note', (r) => groupOf('note', r) === ids.mergeId)) {
      const note = maps.notes.get(id) as Y.Map<unknown>;
      last = keyAfter(last);
      note.set(CARD.ideaId, ids.keepId);
      note.set(CARD.order, last);
    }
    const now = Date.now();
    keep.set(CARD.updatedAt, now);
    maps.merges.set(ids.mergeId, { [MERGE.into]: ids.keepId, [MERGE.at]: now });
    maps.ideas.delete(ids.mergeId);
  }, origin);
}

/**
 * Adds "Merged from: <title>" and copies of the source body's blocks to `target`, after its last
 * block with text in it: trailing empty paragraphs (a card nobody wrote in, or where someone's
 * caret waits on a new line) stay last, untouched, in case someone is typing in them.
 */
function appendMergedBody(target: Y.XmlText, source: Y.XmlText | undefined, title: string): void {
  const blocks = source ? bodyBlocks(source) : [];
  const copies = [createTextParagraph(`Merged from: ${title}`)];
  if (blocks.some((b) => !isEmptyBlock(b))) {
    for (const block of blocks) copies.push(copyXmlText(block));
  }
  let at = 0;
  let position = 0;
  for (const op of target.toDelta() as Array<{ insert?: unknown }>) {
    position += typeof op.insert === 'string' ? op.insert.length : 1;
    if (!(op.insert instanceof Y.XmlText) || !isEmptyBlock(op.insert)) at = position;
  }
  for (const copy of copies) target.insertEmbed(at++, copy);
}

/** The top-level blocks of a body (paragraphs, headings, lists, quotes): its embedded XmlTexts. */
function bodyBlocks(body: Y.XmlText): Y.XmlText[] {
  const out: Y.XmlText[] = [];
  for (const op of body.toDelta() as Array<{ insert?: unknown }>) {
    if (op.insert instanceof Y.XmlText) out.push(op.insert);
  }
  return out;
}

/** A block with no text anywhere in it (text lives in string runs; nested blocks are embeds). */
function isEmptyBlock(block: Y.XmlText): boolean {
  for (const op of block.toDelta() as Array<{ insert?: unknown }>) {
    if (typeof op.insert === 'string' && op.insert.length > 0) return false;
    if (op.insert instanceof Y.XmlText && !isEmptyBlock(op.insert)) return false;
  }
  return true;
}
