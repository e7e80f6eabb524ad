/**
 * The session's rules on document writes, enforced in the room's write path before anything is
 * stored: a refused change is not applied, not stored and not broadcast; its sender is told which
 * change and why (`refused`) and stays connected. Real server, unmodified y-websocket providers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addNote, addProblem, readBoard, updateCardTitle, type Author } from '../../shared/board/index.ts';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType, type RefusedChangeCode, type RefusedMessage } from '../../shared/protocol.ts';
import { LOCKED_MESSAGE } from '../../shared/facilitation/index.ts';
import type { Storage } from '../storage/storage.ts';
import { connectProvider, frame, startServer, waitFor, whenSynced, type TestProvider } from '../test/harness.ts';
import { barrier, bytesAsText, creditOf, ok, person, type Person } from '../test/session.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// cards are credited to whoever adds them: each person writes as what they joined as
const author = (p: Person): Author => creditOf(p);
const origin = (p: Person): BoardOrigin => ({ kind: 'local', participantId: p.me.participantId });

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
  const stored = await storage.documents.loadDocument(boardId);
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
  });
  return { board: readBoard(doc), bytes: bytesAsText([...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates]) };
}

function refusalsOf(p: TestProvider): RefusedMessage[] {
  return p.control.filter((m): m is RefusedMessage => m.type === 'refused');
}

/** `write` makes one change, which must be refused whole with `code` and `message`. */
async function refusedWrite(p: Person, write: () => void, code: RefusedChangeCode, message: string | RegExp): Promise<RefusedMessage> {
  const before = refusalsOf(p.provider).length;
  write();
  await waitFor(() => refusalsOf(p.provider).length > before, 5000, 'a refusal');
  const refused = refusalsOf(p.provider).at(-1)!;
  expect(refused.kept).toBe(false);
  expect(refused.changes).toEqual([
    expect.objectContaining({ code, message: typeof message === 'string' ? message : expect.stringMatching(message) }),
  ]);
  expect(p.provider.control.filter((m) => m.type === 'error')).toEqual([]);
  return refused;
}

/**
 * Waits until `others` have a note the facilitator writes now: document broadcasts keep their
 * order, so anything refused earlier would have arrived before it.
 */
async function afterMarker(fac: Person, others: TestProvider[]): Promise<void> {
  const id = addNote(fac.provider.doc, { title: `marker ${Math.random()}`, author: author(fac), ideaId: null }, origin(fac));
  await waitFor(() => others.every((o) => readBoard(o.doc).notes.some((n) => n.id === id)), 5000, 'marker');
}

describe('write rules on the document', () => {
  it('adding a problem during a vote phase is refused, not stored, not seen — and the sender stays connected', async () => {
    const { s, board, fac, amira, ben } = await scene();
    await ok(fac.provider, 'setPhase', { phaseId: 'vote' });
    const sneaky = await refusedWrite(
      amira,
      () => addProblem(amira.provider.doc, { title: 'SNEAKY-PROBLEM-7731', author: author(amira) }, origin(amira)),
      'wrong-phase',
      'You can’t add problem statements during “Vote”. Put your dots on the ideas your team should build.',
    );
    expect(sneaky.changes[0]).toMatchObject({ target: { kind: 'card', lane: 'problem' }, change: 'add' });
    await afterMarker(fac, [ben.provider]);
    expect(readBoard(ben.provider.doc).problems.map((p) => p.title)).toEqual(['How might we …?']);
    const stored = await storedBoard(s.storage, board.id);
    expect(stored.board.problems.map((p) => p.title)).toEqual(['How might we …?']);
    expect(stored.bytes).not.toContain('SNEAKY-PROBLEM-7731');
    expect(amira.provider.wsconnected).toBe(true);

    // her page keeps the refused card for her and syncs a fresh copy of the board (the protocol's
    // advice on `refused`): once the phase allows problems, that copy's problem is everyone's
    await ok(fac.provider, 'setPhase', { phaseId: 'frame' });
    const fresh = await person(s, board, 'contributor', 'Amira');
    cleanups.push(() => fresh.provider.destroy());
    const allowed = addProblem(fresh.provider.doc, { title: 'Allowed in Frame', author: author(fresh) }, origin(fresh));
    await waitFor(() => readBoard(ben.provider.doc).problems.some((p) => p.id === allowed), 5000, 'the fresh copy’s problem at Ben');
    expect((await storedBoard(s.storage, board.id)).board.problems.map((p) => p.title).sort()).toEqual(['Allowed in Frame', 'How might we …?']);
    expect(refusalsOf(fresh.provider)).toEqual([]);
  });

  // KNOWN LIMIT: a change refused whole is not stored, so a
  // page that keeps writing without resyncing (a stock client) leaves a gap and its later updates
  // wait as pending. Storing placeholders fixes this but loses the change when the refusal notice
  // is lost with the connection; the fix is a refusal ledger replayed on the next sync.
  it.fails('after a change refused whole, the same page’s next allowed change still reaches everyone', async () => {
    const { fac, amira, ben } = await scene();
    await ok(fac.provider, 'setPhase', { phaseId: 'vote' });
    await refusedWrite(
      amira,
      () => addProblem(amira.provider.doc, { title: 'Refused in Vote', author: author(amira) }, origin(amira)),
      'wrong-phase',
      /during “Vote”/,
    );
    await ok(fac.provider, 'setPhase', { phaseId: 'frame' });
    const later = addProblem(amira.provider.doc, { title: 'Allowed in Frame', author: author(amira) }, origin(amira));
    await waitFor(() => readBoard(ben.provider.doc).problems.some((p) => p.id === later), 5000, 'the later problem at Ben');
    expect(readBoard(ben.provider.doc).problems.map((p) => p.title)).not.toContain('Refused in Vote');
  });

  // A page that wrote offline while the phase moved on sends each change on its own once its
  // socket carries frames again: a new idea (refused whole, so nothing of it is stored), the title
  // typed into it, then a rename that Build allows.
  it('changes arriving one by one after a card refused whole: its title is refused as that card, and the rename that follows reaches everyone once the page sends its changes again', async () => {
    const { s, board, fac, amira, ben } = await scene();
    const existing = addIdea(fac.provider.doc, { title: 'Text nudges', author: author(fac), problemId: null }, origin(fac));
    await waitFor(() => readBoard(amira.provider.doc).ideas.some((i) => i.id === existing), 5000, 'the idea at Amira');
    await ok(fac.provider, 'setPhase', { phaseId: 'build' });

    const card = addIdea(amira.provider.doc, { title: '', author: author(amira), problemId: null }, origin(amira));
    updateCardTitle(amira.provider.doc, card, 'REFUSED-CALENDAR', origin(amira));
    updateCardTitle(amira.provider.doc, existing, 'Text nudges a week ahead', origin(amira));
    await barrier(amira.provider);
    // one refused card, for one reason: her "Not sent" has one entry, not a second "change outside the board"
    const refusedChanges = refusalsOf(amira.provider).flatMap((m) => m.changes);
    expect(refusedChanges.length).toBeGreaterThan(0);
    for (const change of refusedChanges) {
      expect(change).toMatchObject({ target: { kind: 'card', lane: 'idea', id: card }, code: 'wrong-phase' });
    }

    // On `refused` her page sends its own changes again, in one update (client/facilitation/layer.tsx):
    // the rename, which waited on the refused card, is kept; the card is refused again.
    const others = Y.encodeStateVector(amira.provider.doc);
    const sv = Y.decodeStateVector(others);
    sv.delete(amira.provider.doc.clientID);
    const own = Y.encodeStateAsUpdate(amira.provider.doc, Y.encodeStateVector(sv));
    amira.provider.ws!.send(frame((e) => {
      encoding.writeVarUint(e, MessageType.sync);
      syncProtocol.writeUpdate(e, own);
    }));
    await waitFor(() => readBoard(ben.provider.doc).ideas.some((i) => i.title === 'Text nudges a week ahead'), 5000, 'the rename at Ben');
    expect(readBoard(ben.provider.doc).ideas.map((i) => i.id)).toEqual([existing]);
    const stored = await storedBoard(s.storage, board.id);
    expect(stored.board.ideas.map((i) => i.title)).toEqual(['Text nudges a week ahead']);
    expect(stored.bytes).not.toContain('REFUSED-CALENDAR');
  });

  it('the phase decides: ideas in Ideate, not problems; no edits while voting', async () => {
    const { s, board, fac, amira, ben } = await scene();
    await ok(fac.provider, 'setPhase', { phaseId: 'ideate' });
    const idea = addIdea(amira.provider.doc, { title: 'Allowed idea', author: author(amira), problemId: null }, origin(amira));
    await waitFor(() => readBoard(ben.provider.doc).ideas.some((i) => i.id === idea));
    updateCardTitle(amira.provider.doc, idea, 'Allowed idea, reworded', origin(amira));
    await waitFor(() => readBoard(ben.provider.doc).ideas.some((i) => i.title === 'Allowed idea, reworded'));
    await refusedWrite(
      ben,
      () => addProblem(ben.provider.doc, { title: 'Not now', author: author(ben) }, origin(ben)),
      'wrong-phase',
      /can’t add problem statements during “Ideate”/,
    );
    await ok(fac.provider, 'nextPhase');
    const reworded = await refusedWrite(
      amira,
      () => updateCardTitle(amira.provider.doc, idea, 'Reworded mid-vote', origin(amira)),
      'wrong-phase',
      'Cards can’t be changed during “Vote”. Put your dots on the ideas your team should build.',
    );
    expect(reworded.changes[0]).toMatchObject({ target: { kind: 'card', lane: 'idea', id: idea }, change: 'edit' });
    await afterMarker(fac, [fac.provider]);
    expect((await storedBoard(s.storage, board.id)).board.ideas.map((i) => i.title)).toEqual(['Allowed idea, reworded']);
  });

  it('lock: contributors’ writes are refused with the facilitator’s words; facilitators and co-facilitators still write', async () => {
    const { s, board, fac, amira, ben } = await scene('open');
    await ok(fac.provider, 'lock');
    await refusedWrite(
      amira,
      () => addIdea(amira.provider.doc, { title: 'LOCKED-OUT-IDEA', author: author(amira), problemId: null }, origin(amira)),
      'locked',
      LOCKED_MESSAGE,
    );
    const facIdea = addIdea(fac.provider.doc, { title: 'Facilitator idea', author: author(fac), problemId: null }, origin(fac));
    await waitFor(() => readBoard(ben.provider.doc).ideas.some((i) => i.id === facIdea));
    // a co-facilitator runs the session too
    await ok(fac.provider, 'makeCoFacilitator', { participantId: ben.me.participantId });
    const benIdea = addIdea(ben.provider.doc, { title: 'Co-facilitator idea', author: author(ben), problemId: null }, origin(ben));
    await waitFor(() => readBoard(fac.provider.doc).ideas.some((i) => i.id === benIdea));
    const stored = await storedBoard(s.storage, board.id);
    expect(stored.board.ideas.map((i) => i.title).sort()).toEqual(['Co-facilitator idea', 'Facilitator idea']);
    expect(stored.bytes).not.toContain('LOCKED-OUT-IDEA');

    await ok(fac.provider, 'unlock');
    const carol = await person(s, board, 'contributor', 'Carol');
    cleanups.push(() => carol.provider.destroy());
    const carolIdea = addIdea(carol.provider.doc, { title: 'After unlock', author: author(carol), problemId: null }, origin(carol));
    await waitFor(() => readBoard(fac.provider.doc).ideas.some((i) => i.id === carolIdea));
  });

  it('private mode: ideas go to drafts, not straight onto the board', async () => {
    const { fac, amira } = await scene();
    await ok(fac.provider, 'setPhase', { phaseId: 'ideate' });
    await ok(fac.provider, 'setPrivateMode', { on: true });
    await refusedWrite(
      amira,
      () => addIdea(amira.provider.doc, { title: 'Too early', author: author(amira), problemId: null }, origin(amira)),
      'private-mode',
      /Private mode is on: save your card as a draft/,
    );
  });

  it('a viewer can’t edit: its updates are neither applied nor stored', async () => {
    const { s, board, fac } = await scene('open');
    const viewer = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => viewer.destroy());
    await whenSynced(viewer);
    const vera: Author = { participantId: 'vera', name: 'Vera', organisation: 'Org', sector: 'citizen' };
    addIdea(viewer.doc, { title: 'VIEWER-WROTE-THIS', author: vera, problemId: null }, { kind: 'local', participantId: 'vera' });
    await afterMarker(fac, [fac.provider]);
    expect(readBoard(fac.provider.doc).ideas).toEqual([]);
    expect((await storedBoard(s.storage, board.id)).bytes).not.toContain('VIEWER-WROTE-THIS');
  });
});
