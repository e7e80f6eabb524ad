/**
 * Saved versions: save, list, read, export, compare with now, copy into a new board, and the
 * encoded state for a read-only view. A real server on port 0; SQLite where persistence matters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addNote, addProblem, deleteCard, readBoard, updateCardTitle, type Author } from '../../shared/board/index.ts';
import type { ChallengeBriefJson } from '../../shared/brief/json.ts';
import { writeBody } from '../../shared/brief/testing.ts';
import { briefSchemaErrors } from '../../shared/brief/testingSchema.ts';
import { DEFAULT_VOTE_CONFIG, tallyVotes, type Dot, type VoteRoundResult } from '../../shared/votes.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import { startServer, waitFor, type TestProvider, type TestServer } from '../test/harness.ts';
import { creditOf, person } from '../test/session.ts';
import type {
  VersionComparisonResponse,
  VersionInfo,
  VersionListResponse,
  BoardInfoResponse,
  CreateBoardResponse,
} from '../../shared/api.ts';

const ORIGIN = { kind: 'local', participantId: 'p1' } as const;
const BEN = { name: 'Ben Okafor', organisation: 'Civic Data Co', sector: 'private sector' } as const;

let s: TestServer;
const providers: TestProvider[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await s?.close();
  for (const c of cleanups.splice(0)) c();
});

function api(board: { id: string }, rest: string): string {
  return `${s.url}/api/boards/${board.id}/${rest}`;
}

function request(method: string, href: string, token: string | null, body?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(href, { method, headers, ...(body === undefined ? {} : { body }) });
}

async function status(res: Response): Promise<{ status: number; error: unknown }> {
  const json = (await res.json()) as { error?: unknown };
  return { status: res.status, error: json.error };
}

async function saveVersion(board: CreateBoardResponse, name: string, by?: string): Promise<VersionInfo> {
  const res = await request('POST', api(board, 'versions'), board.tokens.facilitator, JSON.stringify({ name, by }));
  expect(res.status).toBe(201);
  return (await res.json()) as VersionInfo;
}

/** A contributor joined as Ben Okafor, and who the server credits their cards to (they must join to add any). */
async function joinedWriter(board: CreateBoardResponse): Promise<{ doc: Y.Doc; author: Author }> {
  const ben = await person(s, board, 'contributor', BEN.name, { organisation: BEN.organisation, sector: BEN.sector });
  providers.push(ben.provider);
  return { doc: ben.provider.doc, author: creditOf(ben) };
}

/** Waits until the server's room has applied what `p` wrote (it stores before it applies). */
async function serverHas(board: { id: string }, check: (doc: Y.Doc) => boolean) {
  await waitFor(() => {
    const room = s.rooms.peek(board.id);
    return room !== undefined && check(room.doc);
  }, 5000, 'the server to have the edit');
}

async function briefJson(board: CreateBoardResponse, file: string, query: Record<string, string> = {}) {
  const q = new URLSearchParams({ token: board.tokens.viewer, ...query });
  const res = await fetch(`${api(board, file)}?${q}`);
  expect(res.status).toBe(200);
  return { json: (await res.json()) as ChallengeBriefJson, boardVersion: res.headers.get('x-board-version') };
}

describe('POST /versions', () => {
  it('201 with id, name, time, author and the board version; the name is trimmed, the author name cleaned', async () => {
    let clock = Date.UTC(2025, 10, 27, 17, 0);
    s = await startServer({ now: () => clock });
    const board = await s.createBoard();
    const version = await saveVersion(board, '  End of day 1 ', ' Amira\u0000 Khan ');
    expect(version).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      name: 'End of day 1',
      createdAt: '2025-11-27T17:00:00.000Z',
      createdBy: { role: 'facilitator', name: 'Amira Khan' },
      boardVersion: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    clock += 60_000;
    const again = await saveVersion(board, 'Same content');
    // nothing changed in between: the same fingerprint, a different version
    expect(again.boardVersion).toBe(version.boardVersion);
    expect(again.id).not.toBe(version.id);
    expect(again.createdBy).toEqual({ role: 'facilitator', name: '' });
  });

  it('refusals: no token 401, wrong token 401, contributor and viewer 403, unknown board 404', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const body = JSON.stringify({ name: 'v' });
    expect(await status(await request('POST', api(board, 'versions'), null, body))).toEqual({ status: 401, error: 'missing token' });
    expect(await status(await request('POST', api(board, 'versions'), 'wrong', body))).toEqual({ status: 401, error: 'invalid token' });
    for (const role of ['contributor', 'viewer'] as const) {
      expect(await status(await request('POST', api(board, 'versions'), board.tokens[role], body))).toEqual({
        status: 403,
        error: 'only the facilitator can save a version',
      });
    }
    expect(await status(await request('POST', api({ id: 'nope' }, 'versions'), board.tokens.facilitator, body))).toEqual({
      status: 404,
      error: 'unknown board',
    });
    expect(((await (await request('GET', api(board, 'versions'), board.tokens.viewer)).json()) as VersionListResponse).versions).toEqual([]);
  });

  it('400 for malformed JSON, a body that is not an object, a missing, empty, too long or non-string name; 413 for a huge body', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const post = (body: string) => request('POST', api(board, 'versions'), board.tokens.facilitator, body);
    expect(await status(await post('{"name": '))).toEqual({ status: 400, error: 'invalid JSON body' });
    expect(await status(await post(''))).toEqual({ status: 400, error: 'invalid JSON body' });
    expect(await status(await post('[1]'))).toEqual({ status: 400, error: 'body must be a JSON object' });
    const nameError = 'name: must be a non-empty string of at most 100 characters';
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 5 }]) {
      const res = await post(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: nameError, field: 'name' });
    }
    expect((await post(JSON.stringify({ name: 'x'.repeat(100) }))).status).toBe(201);
    expect((await post(JSON.stringify({ name: 'ok', by: 7 }))).status).toBe(400);
    const huge = await post(JSON.stringify({ name: 'v', padding: 'x'.repeat(100_000) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: string }).error).toMatch(/^body larger than \d+ bytes$/);
  });
});

describe('GET /versions and a version’s state', () => {
  it('lists versions newest first for any token; each can be read back and its state loaded read-only', async () => {
    let clock = Date.UTC(2025, 10, 27, 9, 0);
    s = await startServer({ now: () => clock });
    const board = await s.createBoard({ title: 'Versions' });
    const writer = await joinedWriter(board);
    addProblem(writer.doc, { id: 'pb1', title: 'First problem', author: writer.author }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).problems.length === 1);
    const first = await saveVersion(board, 'Morning', 'Amira');
    clock += 3_600_000;
    addProblem(writer.doc, { id: 'pb2', title: 'Second problem', author: writer.author }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).problems.length === 2);
    const second = await saveVersion(board, 'Afternoon');

    for (const role of ['facilitator', 'contributor', 'viewer'] as const) {
      const res = await request('GET', api(board, 'versions'), board.tokens[role]);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ versions: [second, first] });
    }
    const one = await request('GET', api(board, `versions/${first.id}`), board.tokens.viewer);
    expect(await one.json()).toEqual(first);

    const state = await fetch(`${api(board, `versions/${first.id}/state`)}?token=${board.tokens.viewer}`);
    expect(state.status).toBe(200);
    expect(state.headers.get('content-type')).toBe('application/octet-stream');
    expect(state.headers.get('x-board-version')).toBe(first.boardVersion);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await state.arrayBuffer()));
    expect(readBoard(doc).problems.map((p) => p.title)).toEqual(['First problem']);
  });

  it('refusals for list, read, state and compare: 401 without or with a wrong token, 404 unknown board or version', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const other = await s.createBoard();
    const version = await saveVersion(board, 'v');
    const otherVersion = await saveVersion(other, 'other');
    for (const rest of ['versions', `versions/${version.id}`, `versions/${version.id}/state`, `versions/${version.id}/compare`, `versions/${version.id}/brief.md`]) {
      expect(await status(await request('GET', api(board, rest), null))).toEqual({ status: 401, error: 'missing token' });
      expect(await status(await request('GET', api(board, rest), other.tokens.viewer))).toEqual({ status: 401, error: 'invalid token' });
      expect(await status(await request('GET', api({ id: 'nope' }, rest), board.tokens.viewer))).toEqual({ status: 404, error: 'unknown board' });
    }
    for (const rest of ['nope', otherVersion.id, 'a.b']) {
      for (const tail of ['', '/state', '/compare', '/brief.json']) {
        expect(await status(await request('GET', api(board, `versions/${rest}${tail}`), board.tokens.viewer)), `${rest}${tail}`).toEqual({
          status: 404,
          error: 'unknown version',
        });
      }
    }
    const badFormat = await request('GET', api(board, `versions/${version.id}/brief.txt`), board.tokens.viewer);
    expect(badFormat.status).toBe(404);
    expect(((await badFormat.json()) as { formats: string[] }).formats).toEqual(['md', 'html', 'pdf', 'docx', 'json']);
  });
});

describe('exporting a version', () => {
  it('the version’s brief shows the board as it was, names the version, and carries its board version', async () => {
    s = await startServer();
    const board = await s.createBoard({ title: 'Export a version' });
    const writer = await joinedWriter(board);
    addIdea(writer.doc, { id: 'old', title: 'Idea before saving', author: writer.author, problemId: null }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).ideas.length === 1);
    const version = await saveVersion(board, 'End of day 1');
    addIdea(writer.doc, { id: 'new', title: 'Idea after saving', author: writer.author, problemId: null }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).ideas.length === 2);

    const byPath = await briefJson(board, `versions/${version.id}/brief.json`);
    const byQuery = await briefJson(board, 'brief.json', { version: version.id });
    for (const { json, boardVersion } of [byPath, byQuery]) {
      expect(json.ideas.map((i) => i.title)).toEqual(['Idea before saving']);
      expect(json.provenance.savedVersion).toEqual({ id: version.id, name: 'End of day 1' });
      expect(json.provenance.boardVersion).toBe(version.boardVersion);
      expect(boardVersion).toBe(version.boardVersion);
      expect(briefSchemaErrors(json)).toEqual([]);
    }
    const live = await briefJson(board, 'brief.json');
    expect(live.json.ideas.map((i) => i.title).sort()).toEqual(['Idea after saving', 'Idea before saving']);
    expect(live.json.provenance.savedVersion).toBeNull();
    expect(briefSchemaErrors(live.json)).toEqual([]);
    expect(live.boardVersion).not.toBe(version.boardVersion);

    for (const format of ['md', 'html', 'pdf', 'docx']) {
      const res = await fetch(`${api(board, `versions/${version.id}/brief.${format}`)}?token=${board.tokens.contributor}`);
      expect(res.status, format).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="export-a-version-brief.${format}"`);
    }
    const md = await (await fetch(`${api(board, `versions/${version.id}/brief.md`)}?token=${board.tokens.viewer}`)).text();
    expect(md).toContain('End of day 1');
    expect(md).not.toContain('Idea after saving');
  });

  it('a version keeps the vote results of its moment', async () => {
    const rounds: VoteRoundResult[] = [];
    s = await startServer({ brief: { voteResults: () => rounds } });
    const board = await s.createBoard();
    const writer = await joinedWriter(board);
    addIdea(writer.doc, { id: 'i1', title: 'One', author: writer.author, problemId: null }, ORIGIN);
    addIdea(writer.doc, { id: 'i2', title: 'Two', author: writer.author, problemId: null }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).ideas.length === 2);
    const config = { ...DEFAULT_VOTE_CONFIG, hideUntilReveal: false };
    const dot = (p: string, cardId: string): Dot => ({ participantId: p, name: p, sector: 'academia', cardId });
    rounds.push({ round: 1, config, status: 'open', openedAt: 1, closedAt: null, voterCount: 1, tallies: tallyVotes([dot('a', 'i1')], config) });
    const version = await saveVersion(board, 'Mid-vote');
    rounds[0] = { ...rounds[0]!, voterCount: 2, tallies: tallyVotes([dot('a', 'i1'), dot('b', 'i2'), dot('b', 'i2')], config) };

    const then = await briefJson(board, `versions/${version.id}/brief.json`);
    expect(then.json.ideas.map((i) => [i.id, i.votes?.total ?? 0])).toEqual([['i1', 1], ['i2', 0]]);
    // the same results for a client that builds the version's brief itself (the sponsor's page)
    const saved = await request('GET', api(board, `versions/${version.id}/votes`), board.tokens.viewer);
    expect(saved.status).toBe(200);
    const { rounds: savedRounds } = (await saved.json()) as { rounds: VoteRoundResult[] };
    expect(savedRounds.map((r) => r.tallies.map((t) => [t.cardId, t.total]))).toEqual([[['i1', 1]]]);
    expect((await request('GET', api(board, 'versions/nope/votes'), board.tokens.viewer)).status).toBe(404);
    expect((await request('GET', api(board, `versions/${version.id}/votes`), null)).status).toBe(401);
    const now = await briefJson(board, 'brief.json');
    expect(now.json.ideas.map((i) => [i.id, i.votes?.total ?? 0])).toEqual([['i2', 2], ['i1', 1]]);

    const compare = await request('GET', api(board, `versions/${version.id}/compare`), board.tokens.viewer);
    const body = (await compare.json()) as VersionComparisonResponse;
    expect(body.comparison.votes).toEqual([
      {
        round: 1,
        lane: 'ideas',
        before: { status: 'open', resultsVisible: true },
        after: { status: 'open', resultsVisible: true },
        cards: [{ cardId: 'i2', title: 'Two', before: 0, after: 2 }],
      },
    ]);
  });
});

describe('comparing a version with now', () => {
  it('cards added, removed and changed (title or body), for any token', async () => {
    s = await startServer({ now: () => Date.UTC(2025, 10, 28, 9, 0) });
    const board = await s.createBoard({ title: 'Compare' });
    const writer = await joinedWriter(board);
    addProblem(writer.doc, { id: 'pb1', title: 'Reach people sooner', author: writer.author }, ORIGIN);
    addIdea(writer.doc, { id: 'i1', title: 'Text nudges', author: writer.author, problemId: 'pb1' }, ORIGIN);
    addIdea(writer.doc, { id: 'i2', title: 'Help points', author: writer.author, problemId: 'pb1' }, ORIGIN);
    addNote(writer.doc, { id: 'n1', title: 'Paper test', author: writer.author, ideaId: 'i1' }, ORIGIN);
    writeBody(writer.doc, 'i2', 'In GP surgeries.');
    await serverHas(board, (doc) => readBoard(doc).notes.length === 1);
    const version = await saveVersion(board, 'Before changes');
    const unchanged = (await (await request('GET', api(board, `versions/${version.id}/compare`), board.tokens.viewer)).json()) as VersionComparisonResponse;
    expect(unchanged.comparison.unchanged).toBe(true);

    addIdea(writer.doc, { id: 'i3', title: 'Weekend outreach', author: writer.author, problemId: 'pb1' }, ORIGIN);
    deleteCard(writer.doc, 'n1', ORIGIN);
    updateCardTitle(writer.doc, 'i1', 'Text-message nudges', ORIGIN);
    writeBody(writer.doc, 'i2', 'In GP surgeries and food banks.');
    await serverHas(board, (doc) => readBoard(doc).ideas.length === 3 && readBoard(doc).notes.length === 0);

    for (const role of ['contributor', 'viewer'] as const) {
      const res = await request('GET', api(board, `versions/${version.id}/compare`), board.tokens[role]);
      expect(res.status).toBe(200);
      const body = (await res.json()) as VersionComparisonResponse;
      expect(body.version).toEqual(version);
      expect(body.comparedAt).toBe('2025-11-28T09:00:00.000Z');
      const { comparison } = body;
      expect(comparison.unchanged).toBe(false);
      expect(comparison.before.boardVersion).toBe(version.boardVersion);
      expect(comparison.cards.added).toEqual([{ id: 'i3', kind: 'idea', title: 'Weekend outreach' }]);
      expect(comparison.cards.removed).toEqual([{ id: 'n1', kind: 'note', title: 'Paper test' }]);
      expect(comparison.cards.changed).toEqual([
        {
          id: 'i1',
          kind: 'idea',
          title: 'Text-message nudges',
          changed: ['title'],
          before: { title: 'Text nudges', body: '' },
          after: { title: 'Text-message nudges', body: '' },
        },
        {
          id: 'i2',
          kind: 'idea',
          title: 'Help points',
          changed: ['body'],
          before: { title: 'Help points', body: 'In GP surgeries.' },
          after: { title: 'Help points', body: 'In GP surgeries and food banks.' },
        },
      ]);
      expect(comparison.votes).toEqual([]);
    }
  });
});

describe('copying a version into a new board', () => {
  it('201 like POST /boards: new id and tokens, "Copy of …", the version’s content, openable by a provider', async () => {
    s = await startServer();
    const board = await s.createBoard({ title: 'Safer streets', challenge: 'Cut violent crime', sponsor: 'Police and crime commissioner' });
    const writer = await joinedWriter(board);
    addIdea(writer.doc, { id: 'kept', title: 'Kept idea', author: writer.author, problemId: null }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).ideas.length === 1);
    const version = await saveVersion(board, 'Day 1');
    addIdea(writer.doc, { id: 'later', title: 'Later idea', author: writer.author, problemId: null }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).ideas.length === 2);

    const res = await request('POST', api(board, `versions/${version.id}/copy`), board.tokens.facilitator);
    expect(res.status).toBe(201);
    const copy = (await res.json()) as CreateBoardResponse;
    expect(copy.id).not.toBe(board.id);
    expect(copy.title).toBe('Copy of Safer streets');
    for (const role of ['facilitator', 'contributor', 'viewer'] as const) {
      expect(copy.tokens[role]).not.toBe(board.tokens[role]);
      expect(copy.links[role]).toBe(`${s.url}/b/${copy.id}?token=${copy.tokens[role]}`);
    }
    const info = (await (await request('GET', `${s.url}/api/boards/${copy.id}`, copy.tokens.viewer)).json()) as BoardInfoResponse;
    expect(info).toMatchObject({ title: 'Copy of Safer streets', challenge: 'Cut violent crime', sponsor: 'Police and crime commissioner', role: 'viewer' });
    // the original's tokens open nothing on the copy
    expect((await request('GET', `${s.url}/api/boards/${copy.id}`, board.tokens.facilitator)).status).toBe(401);

    const reader = await joinedWriter(copy);
    expect(readBoard(reader.doc).ideas.map((i) => i.title)).toEqual(['Kept idea']);
    expect(readBoard(reader.doc).meta.title).toBe('Copy of Safer streets');
    // and it is a board like any other: an edit on it stays on it
    addIdea(reader.doc, { title: 'Only on the copy', author: reader.author, problemId: null }, ORIGIN);
    await serverHas({ id: copy.id }, (doc) => readBoard(doc).ideas.length === 2);
    expect(readBoard(s.rooms.peek(board.id)!.doc).ideas.map((i) => i.title).sort()).toEqual(['Kept idea', 'Later idea']);
    // the copy has no versions of its own yet
    expect(await (await request('GET', `${s.url}/api/boards/${copy.id}/versions`, copy.tokens.viewer)).json()).toEqual({ versions: [] });
  });

  it('a title may be given; long titles are cut to 200 characters', async () => {
    s = await startServer();
    const board = await s.createBoard({ title: 'x'.repeat(200) });
    const version = await saveVersion(board, 'v');
    const cut = (await (await request('POST', api(board, `versions/${version.id}/copy`), board.tokens.facilitator, '')).json()) as CreateBoardResponse;
    expect(cut.title).toBe(`Copy of ${'x'.repeat(192)}`);
    const named = await request('POST', api(board, `versions/${version.id}/copy`), board.tokens.facilitator, JSON.stringify({ title: ' Cohort 3 ' }));
    expect(((await named.json()) as CreateBoardResponse).title).toBe('Cohort 3');
  });

  it('refusals: 401, 403 for contributor and viewer, 404 unknown board or version, 400 bad body', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const version = await saveVersion(board, 'v');
    const href = api(board, `versions/${version.id}/copy`);
    expect(await status(await request('POST', href, null))).toEqual({ status: 401, error: 'missing token' });
    expect(await status(await request('POST', href, 'wrong-token'))).toEqual({ status: 401, error: 'invalid token' });
    for (const role of ['contributor', 'viewer'] as const) {
      expect(await status(await request('POST', href, board.tokens[role]))).toEqual({
        status: 403,
        error: 'only the facilitator can copy a version into a new board',
      });
    }
    expect(await status(await request('POST', api(board, 'versions/nope/copy'), board.tokens.facilitator))).toEqual({ status: 404, error: 'unknown version' });
    expect(await status(await request('POST', api({ id: 'nope' }, `versions/${version.id}/copy`), board.tokens.facilitator))).toEqual({
      status: 404,
      error: 'unknown board',
    });
    expect(await status(await request('POST', href, board.tokens.facilitator, '{'))).toEqual({ status: 400, error: 'invalid JSON body' });
    expect(await status(await request('POST', href, board.tokens.facilitator, JSON.stringify({ title: '' })))).toEqual({
      status: 400,
      error: 'title: must be a non-empty string of at most 200 characters',
    });
  });
});

describe('with SQLite', () => {
  it('versions outlive the server: listed, exported and copied after a restart on the same data', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-versions-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let storage = SqliteStorage.open(dir);
    s = await startServer({ storage });
    const board = await s.createBoard({ title: 'Durable' });
    const writer = await joinedWriter(board);
    addIdea(writer.doc, { title: 'Durable idea', author: writer.author, problemId: null }, ORIGIN);
    await serverHas(board, (doc) => readBoard(doc).ideas.length === 1);
    const version = await saveVersion(board, 'Before restart', 'Amira');
    providers.splice(0).forEach((p) => p.destroy());
    await s.close();
    storage.close();

    storage = SqliteStorage.open(dir);
    cleanups.unshift(() => storage.close());
    s = await startServer({ storage });
    expect(await (await request('GET', api(board, 'versions'), board.tokens.viewer)).json()).toEqual({ versions: [version] });
    const { json } = await briefJson(board, `versions/${version.id}/brief.json`);
    expect(json.ideas.map((i) => i.title)).toEqual(['Durable idea']);
    const copy = await request('POST', api(board, `versions/${version.id}/copy`), board.tokens.facilitator);
    expect(copy.status).toBe(201);
  });
});
