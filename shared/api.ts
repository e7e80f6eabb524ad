/**
 * The JSON shapes of the HTTP API (server/api), shared so the client and the server cannot drift
 * apart. Requests are validated on the server; these are what it answers.
 */
import type { Role } from './protocol.ts';

/** `POST /api/boards` → 201 */
export type CreateBoardResponse = {
  id: string;
  title: string;
  tokens: Record<Role, string>;
  links: Record<Role, string>;
};

/** `GET /api/boards/:id` with a token → 200 */
export type BoardInfoResponse = {
  id: string;
  title: string;
  challenge: string;
  sponsor: string;
  template: string;
  role: Role;
  /** ISO 8601 */
  createdAt: string;
};

/**
 * Every 4xx/5xx: a sentence a person can read, the offending field when there is one, and a code
 * when the client has something to do about it (see `ApiErrorCode`).
 */
export type ApiError = { error: string; field?: string; code?: ApiErrorCode };

/**
 * `POST /api/boards` on a server with CREATE_BOARD_TOKEN set: 401 'create-token-required' without
 * `Authorization: Bearer <token>`, 403 'create-token-invalid' with the wrong one. 429
 * 'rate-limited' (with Retry-After, in seconds) when one address creates boards too fast.
 */
export type ApiErrorCode = 'create-token-required' | 'create-token-invalid' | 'rate-limited';
