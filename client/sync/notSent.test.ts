import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addProblem, initBoard, readBoard, updateBriefText, type Author } from '../../shared/board/index.ts';
import type { RefusedChange } from '../../shared/protocol.ts';
import { bodyToMarkdown } from '../../shared/richtext/readThroughLexical.ts';
import { writeMarkdownToBody } from '../../shared/richtext/writeMarkdownToBody.ts';
import { META, cardBody, findCard } from '../../shared/schema.ts';
import { captureNotSent, describeEntry, entryText, reapplyEntry, reasonText } from './notSent.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

const me: Author = { participantId: 'p1', name: 'Amira', organisation: 'Council', sector: 'public sector' };
const origin: BoardOrigin = { kind: 'local', participantId: 'p1' };
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

function board() {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Board' });
  const problemId = addProblem(doc, { title: 'Missed rent', author: me }, origin);
  const ideaId = addIdea(doc, { title: 'Text nudges', author: me, problemId }, origin);
  writeMarkdownToBody(doc, cardBody(findCard(doc, ideaId)!.record)!, 'Send a **text** a week before.', origin);
  updateBriefText(doc, 'summary', 'Our summary', origin);
  return { doc, problemId, ideaId };
}

const refused = (target: RefusedChange['target'], change: RefusedChange['change'], code: RefusedChange['code'] = 'locked', since: number | null = Date.UTC(2026, 11, 3, 14, 32)): RefusedChange => ({
  target,
  change,
  code,
  message: 'The board is locked by the facilitator',
  since,
});

describe('captureNotSent', () => {
  it('keeps which card, what text (title and Markdown body), where it belonged and why', async () => {
    const { doc, problemId, ideaId } = board();
    const [entry] = await captureNotSent(doc, 'b1', [refused({ kind: 'card', lane: 'idea', id: ideaId }, 'edit')], 1);
    expect(entry).toMatchObject({ id: `b1/card/${ideaId}`, title: 'Text nudges', body: 'Send a **text** a week before.', group: problemId, code: 'locked' });
    expect(entryText(entry!)).toBe('Text nudges\n\nSend a **text** a week before.\n');
    expect(describeEntry(entry!, readBoard(doc))).toBe('Idea “Text nudges” (edited)');
    expect(reasonText(entry!, hhmm)).toBe('The facilitator locked the board at 14:32.');
  });

  it('one entry per card however often it was refused; the meta field’s own text', async () => {
    const { doc, ideaId } = board();
    const entries = await captureNotSent(doc, 'b1', [
      refused({ kind: 'card', lane: 'idea', id: ideaId }, 'edit'),
      refused({ kind: 'card', lane: 'idea', id: ideaId }, 'edit'),
      refused({ kind: 'meta', field: META.summary }, 'edit', 'forbidden', null),
    ], 1);
    expect(entries.map((e) => e.title)).toEqual(['Text nudges', 'Our summary']);
    expect(reasonText(entries[1]!, hhmm)).toBe('The board is locked by the facilitator.');
  });

  it('a phase refusal says when the phase changed', async () => {
    const { doc, ideaId } = board();
    const [entry] = await captureNotSent(doc, 'b1', [{ ...refused({ kind: 'card', lane: 'idea', id: ideaId }, 'add', 'wrong-phase'), message: 'You can’t add ideas during “Build”.' }], 1);
    expect(reasonText(entry!, hhmm)).toBe('You can’t add ideas during “Build” (the phase changed at 14:32).');
  });

  it('keeps the body as it was when refused, though the Markdown code loads after the copy has changed', async () => {
    const { doc, ideaId } = board();
    const capturing = captureNotSent(doc, 'b1', [refused({ kind: 'card', lane: 'idea', id: ideaId }, 'edit')], 1);
    writeMarkdownToBody(doc, cardBody(findCard(doc, ideaId)!.record)!, 'Changed after the refusal', origin);
    const [entry] = await capturing;
    expect(entry!.body).toBe('Send a **text** a week before.');
  });
});

describe('reapplyEntry', () => {
  it('a refused new card is added back with its body; a refused edit sets title and body on the card still there', async () => {
    const { doc, ideaId } = board();
    const [added] = await captureNotSent(doc, 'b1', [refused({ kind: 'card', lane: 'idea', id: ideaId }, 'add')], 1);
    const fresh = new Y.Doc();
    initBoard(fresh, { title: 'Board' });
    await reapplyEntry(fresh, added!, me, origin);
    const idea = readBoard(fresh).ideas[0]!;
    expect(idea.title).toBe('Text nudges');
    expect(idea.problemId).toBeNull(); // its problem is not on this board
    expect(bodyToMarkdown(cardBody(findCard(fresh, idea.id)!.record)!)).toBe('Send a **text** a week before.');

    const [edited] = await captureNotSent(doc, 'b1', [refused({ kind: 'card', lane: 'idea', id: ideaId }, 'edit')], 1);
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc));
    const record = findCard(server, ideaId)!.record;
    writeMarkdownToBody(server, cardBody(record)!, 'Old body', origin);
    await reapplyEntry(server, { ...edited!, title: 'Text nudges, weekly' }, me, origin);
    expect(readBoard(server).ideas.map((i) => i.title)).toEqual(['Text nudges, weekly']);
    expect(bodyToMarkdown(cardBody(findCard(server, ideaId)!.record)!)).toBe('Send a **text** a week before.');
  });

  it('a refused delete deletes again; a meta field is set again', async () => {
    const { doc, problemId } = board();
    const [removed] = await captureNotSent(doc, 'b1', [refused({ kind: 'card', lane: 'problem', id: problemId }, 'remove')], 1);
    const [summary] = await captureNotSent(doc, 'b1', [refused({ kind: 'meta', field: META.summary }, 'edit')], 1);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    updateBriefText(other, 'summary', 'Someone else’s', origin);
    await reapplyEntry(other, removed!, me, origin);
    await reapplyEntry(other, summary!, me, origin);
    expect(readBoard(other).problems).toEqual([]);
    expect(readBoard(other).meta.summary).toBe('Our summary');
  });
});
