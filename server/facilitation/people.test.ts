/**
 * Participants and links over real sockets: removing someone closes their connections and
 * refuses their credentials; a co-facilitator runs the session but not the links; a rotated link
 * stops working at once and its open connections are closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import { hashToken } from '../auth/tokens.ts';
import { FakeSocket } from '../test/fakes.ts';
import { connectProvider, rawClient, startServer, upgradeStatus, waitFor, whenSynced, type RawClient, type TestServer } from '../test/harness.ts';
import { ok, person, rawControl, refused, until } from '../test/session.ts';
import type { RotateLinkResponse } from '../../shared/api.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<TestServer> {
  const s = await startServer();
  cleanups.push(() => s.close());
  return s;
}

async function raw(s: TestServer, boardId: string, token: string): Promise<RawClient> {
  const client = await rawClient(s, boardId, token);
  cleanups.push(() => client.ws.terminate());
  return client;
}

async function closedWith(client: RawClient, code: number, reason: string): Promise<void> {
  await waitFor(() => client.closed !== null, 5000, `close ${code}`);
  expect(client.closed).toEqual({ code, reason });
}

describe('participants', () => {
  it('removing someone closes all their connections (4403) and refuses their credentials from then on', async () => {
    const s = await server();
    const board = await s.createBoard();
    const fac = await person(s, board, 'facilitator', 'Fay');
    cleanups.push(() => fac.provider.destroy());
    const tab1 = await raw(s, board.id, board.tokens.contributor);
    const me = (await ok(tab1, 'join', { name: 'Troll', organisation: '', sector: 'citizen' })) as { participantId: string; secret: string };
    const tab2 = await raw(s, board.id, board.tokens.contributor);
    await ok(tab2, 'join', { name: 'Troll', organisation: '', sector: 'citizen', ...me });
    await until(fac.provider, 'session', (m) => m.participants.some((p) => p.name === 'Troll'));

    await ok(fac.provider, 'removeParticipant', { participantId: me.participantId });
    await closedWith(tab1, CloseCode.removed, CloseReason.removed);
    await closedWith(tab2, CloseCode.removed, CloseReason.removed);
    await until(fac.provider, 'session', (m) => !m.participants.some((p) => p.name === 'Troll'));

    const back = await raw(s, board.id, board.tokens.contributor);
    expect(await refused(back, 'join', { name: 'Troll', organisation: '', sector: 'citizen', ...me }, 'removed')).toBe(
      'The facilitator removed you from this board.',
    );
    await closedWith(back, CloseCode.removed, CloseReason.removed);
    expect((await s.storage.sessions.loadSession(board.id)).participants.find((p) => p.id === me.participantId)?.removed).toBe(true);
  });

  it('who may remove whom: not yourself, not as a contributor, and a co-facilitator never a facilitator', async () => {
    const s = await server();
    const board = await s.createBoard();
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    const ben = await person(s, board, 'contributor', 'Ben');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy(), () => ben.provider.destroy());
    await refused(fac.provider, 'removeParticipant', { participantId: fac.me.participantId }, 'invalid-state');
    await refused(amira.provider, 'removeParticipant', { participantId: ben.me.participantId }, 'forbidden');
    await refused(fac.provider, 'removeParticipant', { participantId: 'nobody' }, 'not-found');
    await ok(fac.provider, 'makeCoFacilitator', { participantId: amira.me.participantId });
    await until(ben.provider, 'session', (m) => m.participants.some((p) => p.name === 'Amira' && p.standing === 'co-facilitator'));
    expect(await refused(amira.provider, 'removeParticipant', { participantId: fac.me.participantId }, 'forbidden')).toBe(
      'Only a facilitator can remove a facilitator.',
    );
    await ok(amira.provider, 'removeParticipant', { participantId: ben.me.participantId });
    await waitFor(() => !ben.provider.wsconnected);
  });

  it('a co-facilitator runs the session — phases, timer, votes — but can’t rotate links; demoted, they can’t', async () => {
    const s = await server();
    const board = await s.createBoard({ title: 'Hack', template: 'hackathon' });
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    const vera = await person(s, board, 'viewer', 'Vera');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy(), () => vera.provider.destroy());
    await refused(amira.provider, 'nextPhase', {}, 'forbidden');
    await refused(amira.provider, 'makeCoFacilitator', { participantId: amira.me.participantId }, 'forbidden');
    expect(await refused(fac.provider, 'makeCoFacilitator', { participantId: vera.me.participantId }, 'invalid-state')).toMatch(/view-only link/);
    await ok(fac.provider, 'makeCoFacilitator', { participantId: amira.me.participantId });
    await ok(amira.provider, 'nextPhase');
    await ok(amira.provider, 'timerStart', { ms: 60_000 });
    await ok(amira.provider, 'nextPhase');
    await ok(amira.provider, 'openVote');
    expect(await refused(amira.provider, 'rotateLink', { role: 'viewer' }, 'forbidden')).toBe('Only the facilitator can do that.');
    await ok(fac.provider, 'makeCoFacilitator', { participantId: amira.me.participantId, on: false });
    await refused(amira.provider, 'closeVote', {}, 'forbidden');
  });
});

describe('links', () => {
  it('rotateLink: the old token’s connections close (4401), it is refused at once, and the new one works', async () => {
    const s = await server();
    const board = await s.createBoard();
    const fac = await person(s, board, 'facilitator', 'Fay');
    cleanups.push(() => fac.provider.destroy());
    const old1 = await raw(s, board.id, board.tokens.contributor);
    const old2 = await raw(s, board.id, board.tokens.contributor);
    const viewer = await raw(s, board.id, board.tokens.viewer);
    await ok(old1, 'join', { name: 'Amira', organisation: '', sector: 'citizen' });

    const value = (await ok(fac.provider, 'rotateLink', { role: 'contributor' })) as { role: string; token: string };
    expect(value.role).toBe('contributor');
    expect(value.token).not.toBe(board.tokens.contributor);
    await closedWith(old1, CloseCode.linkRotated, CloseReason.linkRotated);
    await closedWith(old2, CloseCode.linkRotated, CloseReason.linkRotated);
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${board.tokens.contributor}`)).toBe(401);
    expect((await fetch(`${s.url}/api/boards/${board.id}?token=${board.tokens.contributor}`)).status).toBe(401);
    // other roles are untouched, and the new link works
    expect(viewer.closed).toBeNull();
    expect(fac.provider.wsconnected).toBe(true);
    const fresh = connectProvider(s, board.id, value.token);
    cleanups.push(() => fresh.destroy());
    await whenSynced(fresh);
    expect(await ok(fresh, 'join', { name: 'Amira', organisation: '', sector: 'citizen' })).toMatchObject({ role: 'contributor' });
  });

  it('rotating the facilitator link: the asker gets the new token first, then its own connection closes', async () => {
    const s = await server();
    const board = await s.createBoard();
    const fac = await raw(s, board.id, board.tokens.facilitator);
    await ok(fac, 'join', { name: 'Fay', organisation: '', sector: 'public sector' });
    const value = (await ok(fac, 'rotateLink', { role: 'facilitator' })) as { token: string };
    await closedWith(fac, CloseCode.linkRotated, CloseReason.linkRotated);
    // the result came before the close
    expect(rawControl(fac).at(-1)).toMatchObject({ type: 'result', ok: true, value: { role: 'facilitator', token: value.token } });
    const back = await raw(s, board.id, value.token);
    expect(await ok(back, 'join', { name: 'Fay', organisation: '', sector: 'public sector' })).toMatchObject({ role: 'facilitator' });
  });

  it('POST /api/boards/:id/links/:role/rotate: facilitator token only; the old token stops working everywhere', async () => {
    const s = await server();
    const board = await s.createBoard();
    const old = await raw(s, board.id, board.tokens.viewer);
    const rotate = (role: string, token: string) =>
      fetch(`${s.url}/api/boards/${board.id}/links/${role}/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await rotate('viewer', board.tokens.contributor)).status).toBe(403);
    expect((await rotate('viewer', 'wrong')).status).toBe(401);
    expect((await rotate('janitor', board.tokens.facilitator)).status).toBe(400);
    expect(old.closed).toBeNull();
    const res = await rotate('viewer', board.tokens.facilitator);
    expect(res.status).toBe(200);
    const body = (await res.json()) as RotateLinkResponse;
    expect(body.link).toBe(`${s.url}/b/${board.id}?token=${body.token}`);
    await closedWith(old, CloseCode.linkRotated, CloseReason.linkRotated);
    expect((await fetch(`${s.url}/api/boards/${board.id}?token=${board.tokens.viewer}`)).status).toBe(401);
    expect((await fetch(`${s.url}/api/boards/${board.id}?token=${body.token}`)).status).toBe(200);
  });

  it('a connection that authenticated just before its link was rotated is kept out when it reaches the room', async () => {
    const s = await server();
    const board = await s.createBoard();
    const keepRoomLoaded = connectProvider(s, board.id, board.tokens.facilitator);
    cleanups.push(() => keepRoomLoaded.destroy());
    await whenSynced(keepRoomLoaded);
    await s.facilitation.rotateLink(board.id, 'contributor');
    // as the socket route would after checking the (then valid) old token
    const socket = new FakeSocket();
    s.rooms.connect(board.id, 'contributor', socket, hashToken(board.tokens.contributor));
    await waitFor(() => socket.closed !== null);
    expect(socket.closed).toEqual({ code: CloseCode.linkRotated, reason: CloseReason.linkRotated });
    expect(socket.sent).toEqual([]);
  });
});
