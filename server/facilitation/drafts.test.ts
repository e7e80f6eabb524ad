/**
 * Private writing over real sockets: a draft reaches its author's connections and nobody else's
 * (checked on every byte the others received), is kept server-side across reconnects, and on
 * reveal becomes a real card by its author, everyone's at once in one transaction.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addProblem, cardBodyById, readBoard, type Author } from '../../shared/board/index.ts';
import type { DraftsMessage } from '../../shared/protocol.ts';
import { bodyToMarkdown, bodyToPlainText } from '../../shared/richtext/index.ts';
import { linkTarget } from '../../shared/richtext/links.ts';
import { storedLinkUrls } from '../../shared/richtext/testHelpers.ts';
import { laneMap } from '../../shared/schema.ts';
import { connectProvider, startServer, waitFor, whenSynced, type TestServer } from '../test/harness.ts';
import {
  barrier,
  bytesAsText,
  connectRecordingProvider,
  last,
  ok,
  person,
  refused,
  until,
  type RecordingProvider,
} from '../test/session.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function jam(): Promise<{ s: TestServer; board: Awaited<ReturnType<TestServer['createBoard']>> }> {
  const s = await startServer();
  cleanups.push(() => s.close());
  const board = await s.createBoard({ title: 'Jam', template: 'lightning-decision-jam' });
  return { s, board };
}

async function storedLog(s: TestServer, boardId: string): Promise<string> {
  const stored = await s.storage.documents.loadDocument(boardId);
  return bytesAsText([...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates]);
}

describe('private drafts', () => {
  it('a draft never reaches another connection — not a byte — until the facilitator reveals it', async () => {
    const { s, board } = await jam();
    const fac = await person(s, board, 'facilitator', 'Fay');
    cleanups.push(() => fac.provider.destroy());
    await ok(fac.provider, 'setPhase', { phaseId: 'solutions' });
    await ok(fac.provider, 'setPrivateMode', { on: true });

    const connect = (token: string) => {
      const p = connectRecordingProvider(s, board.id, token);
      cleanups.push(() => p.destroy());
      return p;
    };
    const amira = connect(board.tokens.contributor);
    const amiraTab = connect(board.tokens.contributor);
    const ben = connect(board.tokens.contributor);
    const viewer = connect(board.tokens.viewer);
    const lurker = connect(board.tokens.contributor);
    const facEyes = connect(board.tokens.facilitator);
    await Promise.all([amira, amiraTab, ben, viewer, lurker, facEyes].map((p) => whenSynced(p)));
    const me = (await ok(amira, 'join', { name: 'Amira', organisation: 'Shelter', sector: 'voluntary and community' })) as {
      participantId: string;
      secret: string;
    };
    await ok(amiraTab, 'join', { name: 'Amira', organisation: 'Shelter', sector: 'voluntary and community', ...me });
    await ok(ben, 'join', { name: 'Ben', organisation: 'Acme', sector: 'private sector' });
    await ok(facEyes, 'join', { name: 'Fay', organisation: '', sector: 'public sector', participantId: fac.me.participantId, secret: fac.me.secret });

    const title = 'DRAFT-TITLE-SECRET-4242';
    const body = 'A plan with **BODY-SECRET-9191** in it.';
    const { draftId } = (await ok(amira, 'saveDraft', { title, body })) as { draftId: string };
    const mine = await until(amiraTab, 'drafts', (m) => m.drafts.length === 1);
    expect(mine.drafts[0]).toMatchObject({ draftId, kind: 'idea', title, body, problemId: null });

    const others: RecordingProvider[] = [ben, viewer, lurker, facEyes];
    for (const o of others) await barrier(o);
    for (const o of [...others]) {
      const seen = bytesAsText(o.received);
      expect(seen).not.toContain('DRAFT-TITLE-SECRET');
      expect(seen).not.toContain('BODY-SECRET');
      expect(o.control.filter((m) => m.type === 'drafts').every((m) => (m as DraftsMessage).drafts.length === 0)).toBe(true);
    }
    expect(fac.provider.control.some((m) => m.type === 'drafts' && m.drafts.length > 0)).toBe(false);
    // and it is not in the shared document's log either: drafts live apart from it
    expect(await storedLog(s, board.id)).not.toContain('DRAFT-TITLE-SECRET');

    // the reveal: a real idea by Amira, body and all, for everyone
    expect(await ok(fac.provider, 'revealDrafts')).toEqual({ revealed: 1 });
    for (const p of [ben, viewer, lurker, fac.provider]) {
      await waitFor(() => readBoard(p.doc).ideas.some((i) => i.title === title), 5000, 'revealed idea');
    }
    const idea = readBoard(ben.doc).ideas.find((i) => i.title === title)!;
    expect(idea.author).toEqual({ participantId: me.participantId, name: 'Amira', organisation: 'Shelter', sector: 'voluntary and community' });
    expect(bodyToPlainText(cardBodyById(ben.doc, idea.id)!)).toContain('BODY-SECRET-9191');
    await until(amira, 'drafts', (m) => m.drafts.length === 0);
    await until(amiraTab, 'drafts', (m) => m.drafts.length === 0);
    expect((await s.storage.sessions.loadSession(board.id)).drafts).toEqual([]);
  });

  it('everyone’s drafts appear at once, in one transaction, linked to their problem if it still exists', async () => {
    const { s, board } = await jam();
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    const ben = await person(s, board, 'contributor', 'Ben');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy(), () => ben.provider.destroy());
    const author: Author = { participantId: 'fay', name: 'Fay', organisation: '', sector: 'public sector' };
    const problem = addProblem(fac.provider.doc, { title: 'Missed rent', author }, { kind: 'local', participantId: 'fay' });
    await waitFor(() => laneMap(amira.provider.doc, 'problem').has(problem));
    await ok(fac.provider, 'setPhase', { phaseId: 'solutions' });
    await ok(fac.provider, 'setPrivateMode', { on: true });
    await ok(amira.provider, 'saveDraft', { title: 'Amira 1', problemId: problem });
    await ok(amira.provider, 'saveDraft', { title: 'Amira 2', problemId: 'gone' });
    await ok(ben.provider, 'saveDraft', { title: 'Ben 1', body: '- one\n- two' });

    const watcher = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => watcher.destroy());
    await whenSynced(watcher);
    const batches: number[] = [];
    laneMap(watcher.doc, 'idea').observe((event: Y.YMapEvent<unknown>) => batches.push(event.keysChanged.size));
    // the facilitator is told how many drafts are waiting (a count, never whose or what)
    await until(fac.provider, 'session', (m) => m.draftsWaiting === 3);
    expect(await ok(fac.provider, 'revealDrafts')).toEqual({ revealed: 3 });
    await waitFor(() => readBoard(watcher.doc).ideas.length === 3);
    expect(batches).toEqual([3]);
    // ... and then that none are waiting
    await until(fac.provider, 'session', (m) => m.draftsWaiting === 0);
    const ideas = readBoard(watcher.doc).ideas;
    expect(ideas.find((i) => i.title === 'Amira 1')!.problemId).toBe(problem);
    expect(ideas.find((i) => i.title === 'Amira 2')!.problemId).toBeNull();
    expect(ideas.find((i) => i.title === 'Ben 1')!.author.name).toBe('Ben');
    // the body is written through Lexical, which the server loads the first time it needs it
    const benBody = cardBodyById(watcher.doc, ideas.find((i) => i.title === 'Ben 1')!.id)!;
    expect(bodyToMarkdown(benBody)).toBe('- one\n- two');
    // nothing left to reveal
    expect(await ok(fac.provider, 'revealDrafts')).toEqual({ revealed: 0 });
  });

  it('a revealed draft’s body never puts an unsafe or scheme-less link into the document', async () => {
    const { s, board } = await jam();
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy());
    await ok(fac.provider, 'setPhase', { phaseId: 'solutions' });
    await ok(fac.provider, 'setPrivateMode', { on: true });
    const hrefs = ['//evil.example/x', '/\\evil.example', 'https:evil.example', 'javascript:document.cookie', 'data:text/html,x', 'file:///etc/passwd', 'https://ok.example/'];
    const body = hrefs.map((href, i) => `[link ${i}](${href})`).join(' and ');
    await ok(amira.provider, 'saveDraft', { title: 'Links', body });

    const watcher = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => watcher.destroy());
    await whenSynced(watcher);
    expect(await ok(fac.provider, 'revealDrafts')).toEqual({ revealed: 1 });
    await waitFor(() => readBoard(watcher.doc).ideas.length === 1);
    const idea = readBoard(watcher.doc).ideas[0]!;
    // what another client received, and what the server stored
    const received = storedLinkUrls(cardBodyById(watcher.doc, idea.id));
    expect(received).toEqual(['https://evil.example/x', 'https://evil.example/', 'https://evil.example/', 'https://ok.example/']);
    for (const url of received) expect(linkTarget(url)).toEqual({ kind: 'absolute', href: url });
    const stored = await storedLog(s, board.id);
    for (const raw of ['javascript:', 'data:text', 'file:']) expect(stored).not.toContain(raw);
    expect(stored).not.toMatch(/(?<!https:)\/\/evil\.example\/x/);
    expect(bodyToPlainText(cardBodyById(watcher.doc, idea.id)!)).toContain('link 3 and link 4 and link 5');
  });

  it('drafts need private mode and the phase’s lane; they are yours alone, kept across reconnects', async () => {
    const { s, board } = await jam();
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    const ben = await person(s, board, 'contributor', 'Ben');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy(), () => ben.provider.destroy());
    expect(await refused(amira.provider, 'saveDraft', { title: 'x', kind: 'problem' }, 'private-mode-off')).toBe(
      'Private mode is off: add your card to the board directly.',
    );
    await ok(fac.provider, 'setPrivateMode', { on: true });
    // the first phase, Problems, takes problem drafts, not ideas
    expect(await refused(amira.provider, 'saveDraft', { title: 'x', kind: 'idea' }, 'wrong-phase')).toMatch(/can’t write ideas during “Problems”/);
    const { draftId } = (await ok(amira.provider, 'saveDraft', { title: 'First', kind: 'problem' })) as { draftId: string };
    await ok(amira.provider, 'saveDraft', { draftId, title: 'First, better', kind: 'problem', body: 'More' });
    const second = (await ok(amira.provider, 'saveDraft', { title: 'Second', kind: 'problem' })) as { draftId: string };
    await ok(amira.provider, 'deleteDraft', { draftId: second.draftId });
    await refused(amira.provider, 'deleteDraft', { draftId: second.draftId }, 'not-found');
    // Ben can't touch hers, even knowing its id
    await refused(ben.provider, 'deleteDraft', { draftId }, 'not-found');
    expect(last(ben.provider, 'drafts')!.drafts).toEqual([]);
    await ok(ben.provider, 'saveDraft', { draftId, title: 'Ben’s own, same id', kind: 'problem' });

    // a new connection of Amira's gets her drafts back once she proves who she is
    amira.provider.destroy();
    const again = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => again.destroy());
    await whenSynced(again);
    expect(again.control.some((m) => m.type === 'drafts')).toBe(false);
    await ok(again, 'join', { name: 'Amira', organisation: '', sector: 'citizen', participantId: amira.me.participantId, secret: amira.me.secret });
    const drafts = await until(again, 'drafts', () => true);
    expect(drafts.drafts).toEqual([expect.objectContaining({ draftId, kind: 'problem', title: 'First, better', body: 'More' })]);
    // viewers write no drafts
    const viewer = await person(s, board, 'viewer', 'Vera');
    cleanups.push(() => viewer.provider.destroy());
    await refused(viewer.provider, 'saveDraft', { title: 'x', kind: 'problem' }, 'forbidden');
  });
});
