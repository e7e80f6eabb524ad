import { afterEach, describe, expect, it } from 'vitest';
import { startServer, upgradeStatus, type TestServer } from '../test/harness.ts';
import type { BoardInfoResponse, CreateBoardResponse } from '../../shared/api.ts';

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${s.url}/api/boards`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/boards', () => {
  it('201 with id, title, three tokens and three absolute links', async () => {
    s = await startServer();
    const { status, body } = await post(
      JSON.stringify({ title: '  Prevent homelessness ', challenge: 'Spot risk early', sponsor: 'Council', template: 'hackathon' }),
    );
    expect(status).toBe(201);
    const created = body as unknown as CreateBoardResponse;
    expect(created.title).toBe('Prevent homelessness');
    // at least 128 bits of entropy: 18 and 24 random bytes
    expect(Buffer.from(created.id, 'base64url').length).toBeGreaterThanOrEqual(16);
    for (const role of ['facilitator', 'contributor', 'viewer'] as const) {
      expect(Buffer.from(created.tokens[role], 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(created.links[role]).toBe(`${s.url}/b/${created.id}?token=${created.tokens[role]}`);
    }
    expect(new Set(Object.values(created.tokens)).size).toBe(3);
  });

  it('links use PUBLIC_URL when given', async () => {
    s = await startServer({ publicUrl: 'https://crossboard.example/' });
    const created = await s.createBoard();
    expect(created.links.viewer).toBe(`https://crossboard.example/b/${created.id}?token=${created.tokens.viewer}`);
  });

  it('400 "invalid JSON body" for malformed JSON', async () => {
    s = await startServer();
    expect(await post('{"title": ')).toEqual({ status: 400, body: { error: 'invalid JSON body' } });
  });

  it('400 naming title when it is missing, empty or too long', async () => {
    s = await startServer();
    for (const body of [{}, { title: '   ' }, { title: 'x'.repeat(201) }, { title: 7 }]) {
      const res = await post(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('title');
      expect(res.body.error).toMatch(/^title: must be a non-empty string of at most 200 characters/);
    }
  });

  it('400 naming the field for wrong types and values of optional fields', async () => {
    s = await startServer();
    expect((await post(JSON.stringify({ title: 't', challenge: 5 }))).body.field).toBe('challenge');
    expect((await post(JSON.stringify({ title: 't', sponsor: 'x'.repeat(201) }))).body.field).toBe('sponsor');
    const template = await post(JSON.stringify({ title: 't', template: 'waterfall' }));
    expect(template.status).toBe(400);
    expect(template.body.field).toBe('template');
    expect(template.body.error).toContain('lightning-decision-jam');
    const notObject = await post(JSON.stringify(['title']));
    expect(notObject.status).toBe(400);
    expect(notObject.body.error).toBeTruthy();
  });

  it('413 for a body over the limit', async () => {
    s = await startServer({ limits: { maxApiBodyBytes: 1024 } });
    const res = await post(JSON.stringify({ title: 't', challenge: 'x'.repeat(2000) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/larger than 1024/);
  });
});

describe('GET /api/boards/:id', () => {
  it('returns metadata and the role for a bearer token and for ?token=', async () => {
    s = await startServer();
    const created = await s.createBoard({ title: 'Cut crime', challenge: 'In X', sponsor: 'Police', template: 'design-sprint' });
    const bearer = await fetch(`${s.url}/api/boards/${created.id}`, {
      headers: { authorization: `Bearer ${created.tokens.facilitator}` },
    });
    expect(bearer.status).toBe(200);
    const info = (await bearer.json()) as BoardInfoResponse;
    expect(info).toMatchObject({
      id: created.id,
      title: 'Cut crime',
      challenge: 'In X',
      sponsor: 'Police',
      template: 'design-sprint',
      role: 'facilitator',
    });
    expect(Number.isNaN(Date.parse(info.createdAt))).toBe(false);
    const query = await fetch(`${s.url}/api/boards/${created.id}?token=${created.tokens.viewer}`);
    expect(((await query.json()) as BoardInfoResponse).role).toBe('viewer');
  });

  it('401 without or with a wrong token, 404 for an unknown board', async () => {
    s = await startServer();
    const created = await s.createBoard();
    const none = await fetch(`${s.url}/api/boards/${created.id}`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBeTruthy();
    expect((await fetch(`${s.url}/api/boards/${created.id}?token=wrong`)).status).toBe(401);
    const unknown = await fetch(`${s.url}/api/boards/nope?token=${created.tokens.viewer}`);
    expect(unknown.status).toBe(404);
  });
});

describe('other API paths', () => {
  it('GET /api/health is ok', async () => {
    s = await startServer();
    const res = await fetch(`${s.url}/api/health`);
    expect(await res.json()).toEqual({ ok: true, rooms: 0 });
  });

  it('unknown /api paths are JSON 404s', async () => {
    s = await startServer();
    const res = await fetch(`${s.url}/api/nothing/here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });
});

describe('POST /api/boards limits', () => {
  const create = (headers: Record<string, string> = {}) =>
    fetch(`${s.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ title: 'Flood' }),
    });

  it('1,000 creations at once from one address: the default burst is created, the rest get 429 with Retry-After; boards already made still work', async () => {
    s = await startServer();
    const existing = await s.createBoard();
    const statuses: number[] = [];
    let refusal: Response | null = null;
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(Array.from({ length: 100 }, () => create()));
      for (const res of responses) {
        statuses.push(res.status);
        if (res.status === 429 && !refusal) refusal = res;
        else await res.body?.cancel();
      }
    }
    const created = statuses.filter((code) => code === 201).length;
    // the burst, less the one made above, plus whatever refilled at 2 a minute meanwhile
    expect(created).toBeGreaterThanOrEqual(s.limits.boardCreationBurstPerAddress - 1);
    expect(created).toBeLessThanOrEqual(s.limits.boardCreationBurstPerAddress + 1);
    expect(statuses.filter((code) => code === 429)).toHaveLength(1000 - created);
    const retryAfter = Number(refusal!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(await refusal!.json()).toEqual({ error: `Too many boards started from this address. Try again in ${retryAfter} s.`, code: 'rate-limited' });
    // the flood takes nothing from boards that exist: their API and sockets carry on
    const info = await fetch(`${s.url}/api/boards/${existing.id}`, { headers: { authorization: `Bearer ${existing.tokens.viewer}` } });
    expect(info.status).toBe(200);
    expect(await upgradeStatus(`${s.wsUrl}/${existing.id}?token=${existing.tokens.contributor}`)).toBe(101);
  });

  it('a refused body does not count against the rate', async () => {
    s = await startServer({ limits: { boardCreationBurstPerAddress: 1, boardsPerMinutePerAddress: 0 } });
    for (let i = 0; i < 3; i++) expect((await post('{"title": ')).status).toBe(400);
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(429);
  });

  it('with CREATE_BOARD_TOKEN: 401 without it, 403 with another, 201 with it as bearer', async () => {
    s = await startServer({ createBoardToken: 'closed-deployment-secret' });
    const missing = await create();
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: 'This server needs a board creation token to start a board. Ask whoever runs it for the token.',
      code: 'create-token-required',
    });
    const wrong = await create({ authorization: 'Bearer closed-deployment-secreT' });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: 'That board creation token is not the right one.', code: 'create-token-invalid' });
    const right = await create({ authorization: 'Bearer closed-deployment-secret' });
    expect(right.status).toBe(201);
    // the links it returns work as ever: the creation token guards creation only
    const board = (await right.json()) as CreateBoardResponse;
    const info = await fetch(`${s.url}/api/boards/${board.id}?token=${board.tokens.contributor}`);
    expect(info.status).toBe(200);
  });
});
