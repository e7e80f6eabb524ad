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

/** Every 4xx/5xx: a sentence a person can read, and the offending field when there is one. */
export type ApiError = { error: string; field?: string };
