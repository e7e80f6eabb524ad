/**
 * The session's rules on document writes, enforced in the room's write path before anything is
 * stored: a refused update is not applied, not stored and not broadcast; its sender is told why
 * and stays connected. Real server, unmodified y-websocket providers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addNote, addProblem, readBoard, updateCardTitle, type Author, type BoardOrigin } from '../../shared/board.ts';
import type { ErrorMessage } from '../../shared/protocol.ts';
import { LOCKED_MESSAGE } from '../../shared/session.ts';
import type { CreateBoardResponse } from '../api/boards.ts';
import type { Storage } from '../storage/storage.ts';
import { connectProvider, startServer, waitFor, whenSynced, type TestProvider, type TestServer } from '../test/harness.ts';
import { bytesAsText, ok, person, type Person } from '../test/session.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const author = (name: string): Author => ({ participantId: name.toLowerCase(), name, organisation: 'Org', sector: 'citizen' });
const origin = (name: string): BoardOrigin => ({ kind: 'local', participantId: name.toLowerCase() });

async function scene(template: 'hackathon' | 'open' = 'hackathon') {
  const s = await startServer();
  cleanups.push(() => s.close());
  const board = await s.createBoard({ title: 'Board', template });
  const fac = await person(s, board, 'facilitator', 'Fay');
  const amira = await person(s, board, 'contributor', 'Amira');
  const ben = await person(s, board, 'contributor', 'Ben');
  cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy(), () => ben.provider.destroy());
  return { s, board, fac, amira, ben };
}

/** The board as storage has it, rebuilt the way the server loads it. */
async function storedBoard(storage: Storage, boardId: string) {
  const stored = await storage.loadDocument(boardId);
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
  });
  return { board: readBoard(doc), bytes: bytesAsText([...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates]) };
}

function errorsOf(p: TestProvider): ErrorMessage[] {
  return p.control.filter((m): m is ErrorMessage => m.type === 'error');
}

async function refusedWrite(p: Person, write: () => void, message: string | RegExp): Promise<ErrorMessage> {
  const before = errorsOf(p.provider).length;
  write();
  await waitFor(() => errorsOf(p.provider).length > before, 5000, 'a refusal');
  const error = errorsOf(p.provider).at(-1)!;
  expect(error.code).toBe('update-refused');
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  return error;
}

/**
 * Waits until `others` have a note the facilitator writes now: document broadcasts keep their
 * order, so anything refused earlier would have arrived before it.
 */
async function afterMarker(fac: Person, others: TestProvider[]): Promise<void> {
  const id = addNote(fac.provider.doc, { title: `marker ${Math.random()}`, author: author('Fay'), ideaId: null }, origin('Fay'));
  await waitFor(() => others.every((o) => readBoard(o.doc).notes.some((n) => n.id === id)), 5000, 'marker');
}

describe('write rules on the document', () => {
  it('adding a problem during a vote phase is refused, not stored, not seen — and the sender stays connected', async () => {
    const { s, board, fac, amira, ben } = await scene();
    await ok(fac.provider, 'setPhase', { phaseId: 'vote' });
    await refusedWrite(
      amira,
      () => addProblem(amira.provider.doc, { title: 'SNEAKY-PROBLEM-7731', author: author('Amira') }, origin('Amira')),
      'You can’t add problem statements during “Vote”. Put your dots on the ideas your team should build.',
    );
    await afterMarker(fac, [ben.provider]);
    expect(readBoard(ben.provider.doc).problems.map((p) => p.title)).toEqual(['How might we …?']);
    const stored = await storedBoard(s.storage, board.id);
    expect(stored.board.problems.map((p) => p.title)).toEqual(['How might we …?']);
    expect(stored.bytes).not.toContain('SNEAKY-PROBLEM-7731');
    expect(amira.provider.wsconnected).toBe(true);

    // her document still has it, so whatever she writes next builds on it: refused too, until she resyncs
    const before = errorsOf(amira.provider).length;
    amira.provider.doc.getText('t').insert(0, 'harmless');
    await waitFor(() => errorsOf(amira.provider).length > before);
    expect(errorsOf(amira.provider).at(-1)).toMatchObject({ code: 'resync-needed', message: expect.stringMatching(/Reload the board/) });
    expect((await storedBoard(s.storage, board.id)).bytes).not.toContain('harmless');
    // a fresh copy of the board (what a client does on resync) works again
    const fresh = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => fresh.destroy());
    await whenSynced(fresh);
    fresh.doc.getText('t').insert(0, 'fine');
    await waitFor(() => ben.provider.doc.getText('t').toString() === 'fine');
  });

  it('the phase decides: ideas in Ideate, not problems; no edits while voting', async () => {
    const { s, board, fac, amira, ben } = await scene();
    await ok(fac.provider, 'setPhase', { phaseId: 'ideate' });
    const idea = addIdea(amira.provider.doc, { title: 'Allowed idea', author: author('Amira'), problemId: null }, origin('Amira'));
    await waitFor(() => readBoard(ben.provider.doc).ideas.some((i) => i.id === idea));
    updateCardTitle(amira.provider.doc, idea, 'Allowed idea, reworded', origin('Amira'));
    await waitFor(() => readBoard(ben.provider.doc).ideas.some((i) => i.title === 'Allowed idea, reworded'));
    await refusedWrite(
      ben,
      () => addProblem(ben.provider.doc, { title: 'Not now', author: author('Ben') }, origin('Ben')),
      /can’t add problem statements during “Ideate”/,
    );
    await ok(fac.provider, 'nextPhase');
    await refusedWrite(
      amira,
      () => updateCardTitle(amira.provider.doc, idea, 'Reworded mid-vote', origin('Amira')),
      'Cards can’t be changed during “Vote”. Put your dots on the ideas your team should build.',
    );
    await afterMarker(fac, [fac.provider]);
    expect((await storedBoard(s.storage, board.id)).board.ideas.map((i) => i.title)).toEqual(['Allowed idea, reworded']);
  });

  it('lock: contributors’ writes are refused with the facilitator’s words; facilitators and co-facilitators still write', async () => {
    const { s, board, fac, amira, ben } = await scene('open');
    await ok(fac.provider, 'lock');
    await refusedWrite(amira, () => addIdea(amira.provider.doc, { title: 'LOCKED-OUT-IDEA', author: author('Amira'), problemId: null }, origin('Amira')), LOCKED_MESSAGE);
    const facIdea = addIdea(fac.provider.doc, { title: 'Facilitator idea', author: author('Fay'), problemId: null }, origin('Fay'));
    await waitFor(() => readBoard(ben.provider.doc).ideas.some((i) => i.id === facIdea));
    // a co-facilitator runs the session too
    await ok(fac.provider, 'makeCoFacilitator', { participantId: ben.me.participantId });
    const benIdea = addIdea(ben.provider.doc, { title: 'Co-facilitator idea', author: author('Ben'), problemId: null }, origin('Ben'));
    await waitFor(() => readBoard(fac.provider.doc).ideas.some((i) => i.id === benIdea));
    const stored = await storedBoard(s.storage, board.id);
    expect(stored.board.ideas.map((i) => i.title).sort()).toEqual(['Co-facilitator idea', 'Facilitator idea']);
    expect(stored.bytes).not.toContain('LOCKED-OUT-IDEA');

    await ok(fac.provider, 'unlock');
    const carol = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => carol.destroy());
    await whenSynced(carol);
    const carolIdea = addIdea(carol.doc, { title: 'After unlock', author: author('Carol'), problemId: null }, origin('Carol'));
    await waitFor(() => readBoard(fac.provider.doc).ideas.some((i) => i.id === carolIdea));
  });

  it('private mode: ideas go to drafts, not straight onto the board', async () => {
    const { fac, amira } = await scene();
    await ok(fac.provider, 'setPhase', { phaseId: 'ideate' });
    await ok(fac.provider, 'setPrivateMode', { on: true });
    await refusedWrite(
      amira,
      () => addIdea(amira.provider.doc, { title: 'Too early', author: author('Amira'), problemId: null }, origin('Amira')),
      /Private mode is on: save your card as a draft/,
    );
  });

  it('a viewer can’t edit: its updates are neither applied nor stored', async () => {
    const { s, board, fac } = await scene('open');
    const viewer = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => viewer.destroy());
    await whenSynced(viewer);
    addIdea(viewer.doc, { title: 'VIEWER-WROTE-THIS', author: author('Vera'), problemId: null }, origin('Vera'));
    await afterMarker(fac, [fac.provider]);
    expect(readBoard(fac.provider.doc).ideas).toEqual([]);
    expect((await storedBoard(s.storage, board.id)).bytes).not.toContain('VIEWER-WROTE-THIS');
  });
});
