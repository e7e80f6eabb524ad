import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../test/harness.ts';
import type { BoardInfoResponse, CreateBoardResponse } from './boards.ts';

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
