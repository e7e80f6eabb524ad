/**
 * Comments on the brief: any link may leave one, on a section or an idea; garbage is refused with
 * a 4xx that names the field; each link is rate-limited; every connection of the board gets the
 * comment at once. A real server on port 0 and real providers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addIdea, findRecord } from '../../shared/board/index.ts';
import type { SponsorComment } from '../../shared/brief/comments.ts';
import type { CommentsMessage } from '../../shared/protocol.ts';
import { cleanCommentText } from './comments.ts';
import { connectProvider, startServer, waitFor, whenSynced, type TestProvider, type TestServer } from '../test/harness.ts';
import { creditOf, person } from '../test/session.ts';
import type { CommentListResponse, CreateBoardResponse } from '../../shared/api.ts';

let s: TestServer;
const providers: TestProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await s?.close();
});

function post(board: { id: string }, token: string | null, body: unknown, raw = false) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${s.url}/api/boards/${board.id}/comments`, {
    method: 'POST',
    headers,
    body: raw ? (body as string) : JSON.stringify(body),
  });
}

async function list(board: CreateBoardResponse, token = board.tokens.viewer): Promise<SponsorComment[]> {
  const res = await fetch(`${s.url}/api/boards/${board.id}/comments?token=${token}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as CommentListResponse).comments;
}

async function provider(board: CreateBoardResponse, role: 'facilitator' | 'contributor' | 'viewer') {
  const p = connectProvider(s, board.id, board.tokens[role]);
  providers.push(p);
  await whenSynced(p);
  return p;
}

/** A board with one idea, written by a contributor through a provider (as the board page does). */
async function boardWithIdea(title = 'Text-message nudges'): Promise<{ board: CreateBoardResponse; ideaId: string }> {
  const board = await s.createBoard({ title: 'Comment board' });
  // a card is credited to whoever adds it, so the writer joins first
  const writer = await person(s, board, 'contributor', 'Ben Okafor', { organisation: 'Civic Data Co', sector: 'private sector' });
  providers.push(writer.provider);
  const ideaId = addIdea(writer.provider.doc, { title, author: creditOf(writer), problemId: null }, { kind: 'local', participantId: writer.me.participantId });
  await waitFor(() => {
    const room = s.rooms.peek(board.id);
    return room !== undefined && findRecord(room.doc, ideaId) !== undefined;
  }, 5000, 'the idea on the server');
  return { board, ideaId };
}

const comments = (p: TestProvider) =>
  p.control.filter((m): m is CommentsMessage => m.type === 'comments').flatMap((m) => m.comments);

describe('POST /comments', () => {
  it('201 from a viewer on a section: the comment as stored, with the section title, role and server time', async () => {
    s = await startServer({ now: () => Date.UTC(2025, 10, 27, 17, 0) });
    const board = await s.createBoard();
    const res = await post(board, board.tokens.viewer, {
      target: { kind: 'section', id: 'what-we-propose' },
      text: '  Could the top two ideas be piloted together?  ',
      author: { name: ' Tom  Whitfield ', organisation: 'Leeds City Council' },
    });
    expect(res.status).toBe(201);
    const comment = (await res.json()) as SponsorComment;
    expect(comment).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      target: { kind: 'section', id: 'what-we-propose' },
      targetTitle: 'What we propose',
      text: 'Could the top two ideas be piloted together?',
      author: { name: 'Tom Whitfield', organisation: 'Leeds City Council' },
      role: 'viewer',
      createdAt: Date.UTC(2025, 10, 27, 17, 0),
    });
    expect(await list(board)).toEqual([comment]);
  });

  it('201 on an idea that is on the board, with its title; every role may comment; no author means null', async () => {
    s = await startServer();
    const { board, ideaId } = await boardWithIdea();
    for (const role of ['viewer', 'contributor', 'facilitator'] as const) {
      const res = await post(board, board.tokens[role], { target: { kind: 'idea', cardId: ideaId }, text: `From the ${role}` });
      expect(res.status).toBe(201);
    }
    const all = await list(board, board.tokens.contributor);
    expect(all.map((c) => [c.role, c.text, c.targetTitle, c.author])).toEqual([
      ['viewer', 'From the viewer', 'Text-message nudges', null],
      ['contributor', 'From the contributor', 'Text-message nudges', null],
      ['facilitator', 'From the facilitator', 'Text-message nudges', null],
    ]);
    expect(all.every((c) => c.target.kind === 'idea' && c.target.cardId === ideaId)).toBe(true);
  });

  it('an author with only an organisation is kept; control characters and bidi overrides are removed', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const res = await post(board, board.tokens.viewer, {
      target: { kind: 'section', id: 'summary' },
      text: 'First\u0000 line\r\n\r\n\r\n\r\nSecond \u202Eline\u202C',
      author: { organisation: 'Shelter\u0007 North' },
    });
    expect(res.status).toBe(201);
    const comment = (await res.json()) as SponsorComment;
    expect(comment.text).toBe('First line\n\nSecond line');
    expect(comment.author).toEqual({ name: '', organisation: 'Shelter North' });
  });

  it('refuses a missing or wrong token (401) and an unknown board (404)', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const body = { target: { kind: 'section', id: 'summary' }, text: 'Hello' };
    expect((await post(board, null, body)).status).toBe(401);
    expect((await post(board, 'x'.repeat(43), body)).status).toBe(401);
    const other = await s.createBoard();
    expect((await post(board, other.tokens.viewer, body)).status).toBe(401);
    expect((await post({ id: 'nosuchboard' }, board.tokens.viewer, body)).status).toBe(404);
    const get = await fetch(`${s.url}/api/boards/${board.id}/comments`);
    expect(get.status).toBe(401);
    expect(await list(board)).toEqual([]);
  });

  it('refuses garbage with a 400 that names the field, and stores nothing', async () => {
    s = await startServer({ comments: { rate: { perMinute: 6000, burst: 1000 } } });
    const { board, ideaId } = await boardWithIdea();
    const ok = { target: { kind: 'section', id: 'summary' }, text: 'Fine' };
    const cases: Array<[unknown, string | undefined, boolean?]> = [
      ['not json at all', undefined, true],
      ['{"target":', undefined, true],
      ['', undefined, true],
      [null, undefined],
      [42, undefined],
      ['a string', undefined],
      [[ok], undefined],
      [{}, 'target'],
      [{ text: 'no target' }, 'target'],
      [{ ...ok, target: 'summary' }, 'target'],
      [{ ...ok, target: { kind: 'card', id: 'summary' } }, 'target.kind'],
      [{ ...ok, target: { kind: 'section', id: 'nope' } }, 'target.id'],
      [{ ...ok, target: { kind: 'section', id: '__proto__' } }, 'target.id'],
      [{ ...ok, target: { kind: 'section' } }, 'target.id'],
      [{ ...ok, target: { kind: 'idea', cardId: 7 } }, 'target.cardId'],
      [{ ...ok, target: { kind: 'idea', cardId: 'a/b' } }, 'target.cardId'],
      [{ ...ok, target: { kind: 'idea', cardId: 'x'.repeat(101) } }, 'target.cardId'],
      [{ ...ok, target: { kind: 'idea', cardId: 'no-such-idea' } }, 'target.cardId'],
      [{ target: ok.target }, 'text'],
      [{ ...ok, text: '' }, 'text'],
      [{ ...ok, text: ' \n\t \u0000 ' }, 'text'],
      [{ ...ok, text: 'x'.repeat(2001) }, 'text'],
      [{ ...ok, text: ['a'] }, 'text'],
      [{ ...ok, author: 'Tom' }, 'author'],
      [{ ...ok, author: { name: 7 } }, 'author.name'],
      [{ ...ok, author: { name: 'x'.repeat(81) } }, 'author.name'],
      [{ ...ok, author: { organisation: 'x'.repeat(121) } }, 'author.organisation'],
    ];
    for (const [body, field, raw] of cases) {
      const res = await post(board, board.tokens.viewer, body, raw);
      const json = (await res.json()) as { error: string; field?: string };
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect({ body, field: json.field }).toEqual({ body, field });
      expect(typeof json.error).toBe('string');
    }
    expect(await list(board)).toEqual([]);
    // the longest allowed text is fine, and so is the idea that is there
    expect((await post(board, board.tokens.viewer, { ...ok, text: 'x'.repeat(2000) })).status).toBe(201);
    expect((await post(board, board.tokens.viewer, { ...ok, target: { kind: 'idea', cardId: ideaId } })).status).toBe(201);
  });

  it('refuses a body over the API limit with 413', async () => {
    s = await startServer({ limits: { maxApiBodyBytes: 1024 } });
    const board = await s.createBoard();
    const res = await post(board, board.tokens.viewer, { target: { kind: 'section', id: 'summary' }, text: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
  });

  it('rate-limits each link on its own: 429 with Retry-After, and the link recovers with time', async () => {
    let clock = 1_000_000;
    s = await startServer({ now: () => clock, comments: { rate: { perMinute: 6, burst: 2 } } });
    const board = await s.createBoard();
    const body = { target: { kind: 'section', id: 'summary' }, text: 'Hello' };
    expect((await post(board, board.tokens.viewer, body)).status).toBe(201);
    expect((await post(board, board.tokens.viewer, body)).status).toBe(201);
    const refused = await post(board, board.tokens.viewer, body);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    // garbage from the same link counts too, so it cannot be used to probe without limit
    expect((await post(board, board.tokens.viewer, 'garbage', true)).status).toBe(429);
    // another link of the same board is not affected
    expect((await post(board, board.tokens.contributor, body)).status).toBe(201);
    clock += 10_000;
    expect((await post(board, board.tokens.viewer, body)).status).toBe(201);
    expect(await list(board)).toHaveLength(4);
  });

  it('refuses comments over the per-board limit with 409', async () => {
    s = await startServer({ comments: { maxPerBoard: 2 } });
    const board = await s.createBoard();
    const body = { target: { kind: 'section', id: 'about' }, text: 'Hello' };
    expect((await post(board, board.tokens.viewer, body)).status).toBe(201);
    expect((await post(board, board.tokens.viewer, body)).status).toBe(201);
    const res = await post(board, board.tokens.viewer, body);
    expect(res.status).toBe(409);
    expect(await list(board)).toHaveLength(2);
  });
});

describe('live push', () => {
  it('every connection of the board gets the new comment as a type-100 `comments` message; other boards get nothing', async () => {
    s = await startServer();
    const { board, ideaId } = await boardWithIdea();
    const others = await s.createBoard({ title: 'Another board' });
    const team = [await provider(board, 'facilitator'), await provider(board, 'contributor'), await provider(board, 'viewer')];
    const elsewhere = connectProvider(s, others.id, others.tokens.contributor);
    providers.push(elsewhere);
    await whenSynced(elsewhere);

    const res = await post(board, board.tokens.viewer, {
      target: { kind: 'idea', cardId: ideaId },
      text: 'Who would send the texts?',
      author: { name: 'Tom Whitfield', organisation: 'Leeds City Council' },
    });
    const stored = (await res.json()) as SponsorComment;
    for (const p of team) {
      await waitFor(() => comments(p).length > 0, 5000, 'the comment to arrive');
      expect(comments(p)).toEqual([stored]);
    }
    // a round trip on the other board's socket: anything sent to it before now has arrived
    const before = elsewhere.control.length;
    await fetch(`${s.url}/api/boards/${others.id}/comments?token=${others.tokens.viewer}`);
    expect(elsewhere.control.slice(before).some((m) => m.type === 'comments')).toBe(false);
    expect(comments(elsewhere)).toEqual([]);
  });

  it('a comment on a board nobody has open is stored, and is in the list when someone opens it', async () => {
    s = await startServer();
    const board = await s.createBoard();
    expect(s.rooms.peek(board.id)).toBeUndefined();
    expect((await post(board, board.tokens.viewer, { target: { kind: 'section', id: 'challenge' }, text: 'Clear.' })).status).toBe(201);
    const p = await provider(board, 'contributor');
    expect(comments(p)).toEqual([]);
    expect((await list(board, board.tokens.contributor)).map((c) => c.text)).toEqual(['Clear.']);
  });
});

describe('cleanCommentText', () => {
  it('keeps paragraphs and tabs, trims lines, removes other control characters', () => {
    expect(cleanCommentText('a  \n\n\n\nb\tc\u0008\u2066d\u2069 ')).toBe('a\n\nb\tcd');
  });
});
