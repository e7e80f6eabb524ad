/**
 * The JSON logs. A real server on port 0 writes through the real pino logger into a capturing
 * destination while real clients drive every path a token could take into a line: HTTP with
 * good, wrong and wrong-board tokens in the query, the Authorization header and the path; sockets
 * refused and accepted; a garbage frame and a text frame carrying a token; an export; a link
 * rotation that closes sockets. No line may hold any token, and every line must be JSON with
 * level, time and msg.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLogger, scrubLogText, type LogLevel } from './log.ts';
import { addTextCards, boardText, connectProvider, rawClient, startServer, text, upgradeStatus, waitFor, whenSynced } from './test/harness.ts';
import type { RotateLinkResponse } from '../shared/api.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Line = { level: string; time: string; msg: string } & Record<string, unknown>;

/** The real logger, writing into memory: the raw text, and each line parsed (a line that is not JSON throws). */
function capturedLogger(level: LogLevel) {
  let raw = '';
  const logger = jsonLogger({ level, destination: { write: (chunk: string) => void (raw += chunk) } });
  return {
    logger,
    raw: () => raw,
    lines: (): Line[] =>
      raw
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line),
  };
}

describe('scrubLogText', () => {
  const token = 'Qw3rTyUiOpAsDfGhJkLzXcVbNm0123-_';

  it('strips query strings, credentials and token-shaped words', () => {
    expect(scrubLogText(`GET /b/abc?token=${token}&view=list`)).toBe('GET /b/abc');
    expect(scrubLogText(`fetch failed (http://h/ws/abc?token=${token} refused)`)).toBe('fetch failed (http://h/ws/abc refused)');
    expect(scrubLogText(`Authorization: Bearer not-token-shaped`)).toBe('Authorization: Bearer [redacted]');
    expect(scrubLogText('connect postgres://app:hunter2@db:5432/x failed')).toBe('connect postgres://app:[redacted]@db:5432/x failed');
    expect(scrubLogText(`/b/abc/${token}/brief`)).toBe('/b/abc/[redacted]/brief');
    expect(scrubLogText(`token was ${token}.`)).toBe('token was [redacted].');
  });

  it('keeps board ids, constants, UUIDs and sentences', () => {
    const boardId = 'Ab3dEf6hIj9kLm2nOp5qRs8t';
    const kept = [
      `board ${boardId} loaded`,
      'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      'closing connection: invalid update? (sync type 9)',
    ];
    for (const line of kept) expect(scrubLogText(line)).toBe(line);
  });

  it('scrubs nested fields, Error values and the message, shows bytes by size; redacts credential-named fields', () => {
    const { logger, lines } = capturedLogger('info');
    logger.error(`failed at /ws/x?token=${token}`, {
      url: `http://h/b/x?token=${token}`,
      nested: { list: [`Bearer ${token}`] },
      error: new Error(`bad ${token}`),
      tokenHash: new Uint8Array(32),
      token: 'short',
      headers: { authorization: 'Basic abc', cookie: 'sid=1' },
    });
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'error',
      msg: 'failed at /ws/x',
      url: 'http://h/b/x',
      nested: { list: ['Bearer [redacted]'] },
      error: 'Error: bad [redacted]',
      tokenHash: '[32 bytes]',
      token: '[redacted]',
      headers: { authorization: '[redacted]', cookie: '[redacted]' },
    });
  });
});

describe('JSON logs of a real server', () => {
  it('no line holds a token, and every line is JSON with level, time and msg', async () => {
    const createToken = 'create-secret-4711';
    const badToken = 'not-the-right-token-0815';
    const log = capturedLogger('debug');
    const s = await startServer({ logger: log.logger, createBoardToken: createToken });
    cleanups.push(() => s.close());
    const board = await s.createBoard();
    const other = await s.createBoard({ title: 'Another board' });
    await addTextCards(s, board.id);
    const secrets = [createToken, badToken, ...Object.values(board.tokens), ...Object.values(other.tokens)];
    const { contributor, viewer, facilitator } = board.tokens;
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers });

    // HTTP: good, bad and wrong-board tokens, in the query, the header, the path and the request id
    expect((await get(`/api/boards/${board.id}?token=${viewer}`)).status).toBe(200);
    expect((await get(`/api/boards/${board.id}`, { authorization: `Bearer ${contributor}` })).status).toBe(200);
    expect((await get(`/api/boards/${board.id}?token=${badToken}`)).status).toBe(401);
    expect((await get(`/api/boards/${board.id}`, { authorization: `Bearer ${badToken}` })).status).toBe(401);
    expect((await get(`/api/boards/${other.id}?token=${contributor}`)).status).toBe(401);
    expect((await get(`/b/${board.id}/${facilitator}?token=${facilitator}`)).status).toBe(404);
    expect((await get(`/api/boards/${board.id}?token=${viewer}`, { 'x-request-id': contributor })).status).toBe(200);

    // sockets: refused with a bad token and on the wrong board, then two that sync and write
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${badToken}`)).toBe(401);
    expect(await upgradeStatus(`${s.wsUrl}/${other.id}?token=${contributor}`)).toBe(401);
    const writer = connectProvider(s, board.id, contributor);
    const reader = connectProvider(s, board.id, viewer);
    cleanups.push(() => writer.destroy(), () => reader.destroy());
    await Promise.all([whenSynced(writer), whenSynced(reader)]);
    boardText(writer.doc).insert(0, `written with ${contributor}`);
    await waitFor(() => text(reader.doc).startsWith('written'), 5000, 'the write reaching the reader');

    // a garbage frame and a text frame holding a token: both closed, with a line each
    const garbage = await rawClient(s, board.id, contributor);
    garbage.send(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    const textFrame = await rawClient(s, board.id, contributor);
    textFrame.send(`token ${contributor}`);
    await waitFor(() => garbage.closed !== null && textFrame.closed !== null, 5000, 'both closed');

    // an export, with a token where a name goes
    const exported = await get(`/api/boards/${board.id}/brief.md?token=${viewer}&by=${facilitator}`);
    expect(exported.status).toBe(200);
    await exported.arrayBuffer();

    // a rotation: the old contributor link's sockets are closed, the new token works
    const rotated = await fetch(`${s.url}/api/boards/${board.id}/links/contributor/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${facilitator}` },
    });
    expect(rotated.status).toBe(200);
    const { token: newToken } = (await rotated.json()) as RotateLinkResponse;
    secrets.push(newToken);
    await waitFor(() => !writer.wsconnected || writer.shouldConnect === false, 5000, 'the old link closed');
    writer.destroy();
    expect(await upgradeStatus(`${s.wsUrl}/${board.id}?token=${newToken}`)).toBe(101);

    await s.close();
    const raw = log.raw();
    for (const secret of secrets) expect(raw).not.toContain(secret);

    const lines = log.lines();
    for (const line of lines) {
      expect(['debug', 'info', 'warn', 'error']).toContain(line.level);
      expect(new Date(line.time).toISOString()).toBe(line.time);
      expect(typeof line.msg).toBe('string');
    }
    // the lines that could have held the tokens are there, with what an operator needs instead
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.find((l) => l.path === `/api/boards/${board.id}` && l.status === 401)).toMatchObject({
      method: 'GET',
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(requests.some((l) => l.path === `/b/${board.id}/[redacted]`)).toBe(true);
    expect(requests.some((l) => l.requestId === '[redacted]')).toBe(true);
    expect(requests.some((l) => l.path === `/ws/${board.id}` && l.status === 401)).toBe(true);
    expect(requests.some((l) => l.path === `/ws/${board.id}` && l.status === 101)).toBe(true);
    expect(requests.every((l) => !String(l.path).includes('?'))).toBe(true);
    const opened = lines.filter((l) => l.msg === 'socket opened' && l.boardId === board.id);
    expect(opened.length).toBeGreaterThanOrEqual(4);
    for (const l of opened) expect(l).toMatchObject({ conn: expect.any(Number), role: expect.any(String), requestId: expect.any(String) });
    expect(lines.filter((l) => l.level === 'warn' && String(l.msg).startsWith('closing connection:') && l.boardId === board.id).length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.msg === 'brief exported' && l.format === 'md')).toBe(true);
    expect(lines.some((l) => l.msg === 'link rotated' && l.role === 'contributor')).toBe(true);
  }, 30_000);

  it('keeps a sane X-Request-Id and echoes it; replaces anything else', async () => {
    const s = await startServer();
    cleanups.push(() => s.close());
    const sane = await fetch(`${s.url}/api/boards/nope`, { headers: { 'x-request-id': 'trace-42' } });
    expect(sane.headers.get('x-request-id')).toBe('trace-42');
    for (const insane of ['has spaces in it', 'x'.repeat(65), 'semi;colon']) {
      const res = await fetch(`${s.url}/api/boards/nope`, { headers: { 'x-request-id': insane } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const fresh = await fetch(`${s.url}/api/boards/nope`);
    const id = fresh.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const logged = s.logs.filter((l) => l.message === 'request').map((l) => l.fields?.requestId);
    expect(logged).toContain('trace-42');
    expect(logged).toContain(id);
  });

  it('writes nothing below LOG_LEVEL; health probes are debug lines', async () => {
    const quiet = capturedLogger('warn');
    const chatty = capturedLogger('debug');
    for (const { logger } of [quiet, chatty]) {
      const s = await startServer({ logger });
      cleanups.push(() => s.close());
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
      await s.createBoard();
    }
    expect(quiet.raw()).toBe('');
    const levels = chatty.lines().map((l) => [l.level, l.msg, l.path]);
    expect(levels).toContainEqual(['debug', 'request', '/api/health']);
    expect(levels).toContainEqual(['info', 'request', '/api/boards']);
    expect(levels).toContainEqual(['info', 'board created', undefined]);
  });
});
