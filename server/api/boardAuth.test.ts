import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { boardAuth, queryToken } from './boardAuth.ts';
import { apiBodyLimit } from './bodyLimit.ts';

const TOKENS = { facilitator: 'f'.repeat(32), contributor: 'c'.repeat(32), viewer: 'v'.repeat(32) };

async function withBoard() {
  const storage = new MemoryStorage();
  await storage.boards.createBoard(
    {
      id: 'board1',
      title: 'Board',
      challenge: '',
      sponsor: '',
      template: 'open',
      createdAt: 0,
      tokenHashes: {
        facilitator: hashToken(TOKENS.facilitator),
        contributor: hashToken(TOKENS.contributor),
        viewer: hashToken(TOKENS.viewer),
      },
    },
    new Uint8Array([0, 0]),
  );
  return storage;
}

describe('boardAuth', () => {
  it('sets role, board and token hash; refuses with the same answers every board route gives', async () => {
    const storage = await withBoard();
    const app = new Hono();
    app.get('/boards/:id/x', boardAuth(storage), (c) =>
      c.json({ role: c.var.role, board: c.var.board.id, hash: Buffer.from(c.var.tokenHash).toString('hex') }),
    );
    app.all('*', (c) => c.json({ error: 'not found' }, 404));

    const ok = await app.request('/boards/board1/x', { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ role: 'viewer', board: 'board1', hash: Buffer.from(hashToken(TOKENS.viewer)).toString('hex') });
    // the header wins over the query
    const both = await app.request(`/boards/board1/x?token=${TOKENS.viewer}`, { headers: { authorization: `Bearer ${TOKENS.facilitator}` } });
    expect(((await both.json()) as { role: string }).role).toBe('facilitator');

    const missing = await app.request('/boards/board1/x');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'missing token' });
    const unknown = await app.request(`/boards/nope/x?token=${TOKENS.viewer}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown board' });
    const invalid = await app.request(`/boards/board1/x?token=${'z'.repeat(32)}`);
    expect(invalid.status).toBe(401);
    expect(await invalid.json()).toEqual({ error: 'invalid token' });
    // a path under a board that no route serves is not asked for a token
    const other = await app.request('/boards/board1/other');
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: 'not found' });
  });

  it('reads another parameter and only the query when told to (the socket route)', async () => {
    const storage = await withBoard();
    const app = new Hono();
    app.get('/ws/:boardId', boardAuth(storage, { param: 'boardId', token: queryToken }), (c) => c.text(c.var.role));
    expect(await (await app.request(`/ws/board1?token=${TOKENS.contributor}`)).text()).toBe('contributor');
    const header = await app.request('/ws/board1', { headers: { authorization: `Bearer ${TOKENS.contributor}` } });
    expect(header.status).toBe(401);
    expect(await header.json()).toEqual({ error: 'missing token' });
  });
});

describe('apiBodyLimit', () => {
  it('413 with the limit in the error, for a declared length and for a streamed body', async () => {
    const app = new Hono();
    app.use('*', apiBodyLimit(10));
    app.post('/x', async (c) => c.text(await c.req.text()));
    const small = await app.request('/x', { method: 'POST', body: '0123456789' });
    expect(await small.text()).toBe('0123456789');
    const big = await app.request('/x', { method: 'POST', body: '01234567890' });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'body larger than 10 bytes' });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('012345'));
        controller.enqueue(new TextEncoder().encode('678901'));
        controller.close();
      },
    });
    const streamed = await app.request('/x', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toEqual({ error: 'body larger than 10 bytes' });
  });
});
