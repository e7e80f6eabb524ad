/**
 * The one check in front of everything under a board: `/api/boards/:id/...` and the board's
 * WebSocket. It resolves the caller's token to their role on the board and puts the role, the
 * board and the token's hash on the context, or answers the refusal itself:
 *   401 {error: 'missing token'}   no token, or not shaped like one
 *   404 {error: 'unknown board'}   no board with that id
 *   401 {error: 'invalid token'}   a token that is not one of the board's
 * Routes take it as route middleware (`api.get(path, auth, handler)`), so a path under a board
 * that no route serves stays a plain 404 without asking for a token.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { hashToken, isTokenShaped, roleForHash } from '../auth/tokens.ts';
import type { BoardRecord, Storage } from '../storage/storage.ts';
import type { Role } from '../../shared/schema.ts';

/** What `boardAuth` sets on the context, read by handlers as `c.var.role` and so on. */
export type BoardAuthEnv = {
  Variables: {
    role: Role;
    board: BoardRecord;
    /** the hash of the token the caller used (a link's identity, e.g. for per-link rate limits) */
    tokenHash: Uint8Array;
  };
};

/** Where a request carries its token. */
export type TokenSource = (c: Context) => string | undefined;

/** Bearer header first, then `?token=`: the API's way. */
export function tokenOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? c.req.query('token');
}

/** `?token=` only: a browser cannot set headers on a WebSocket. */
export const queryToken: TokenSource = (c) => c.req.query('token');

export type BoardAuthOptions = {
  /** the route parameter holding the board id (default `id`) */
  param?: string;
  /** where the token is read from (default `tokenOf`) */
  token?: TokenSource;
};

export function boardAuth(storage: Storage, options: BoardAuthOptions = {}) {
  const param = options.param ?? 'id';
  const readToken = options.token ?? tokenOf;
  return createMiddleware<BoardAuthEnv>(async (c, next) => {
    const token = readToken(c);
    if (!token || !isTokenShaped(token)) return c.json({ error: 'missing token' }, 401);
    const id = c.req.param(param) ?? '';
    const board = await storage.boards.getBoard(id);
    if (!board) return c.json({ error: 'unknown board' }, 404);
    const tokenHash = hashToken(token);
    // from the record just read: a second read per request (findRoleByTokenHash) was a second
    // storage round trip for every socket of a reconnect storm
    const role = roleForHash(board.tokenHashes, tokenHash);
    if (!role) return c.json({ error: 'invalid token' }, 401);
    c.set('role', role);
    c.set('board', board);
    c.set('tokenHash', tokenHash);
    await next();
  });
}
