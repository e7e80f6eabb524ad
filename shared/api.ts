/**
 * The JSON shapes of the HTTP API (server/api), shared so the client and the server cannot drift
 * apart: every response type is here. Requests are validated on the server; these are what it
 * answers. Like protocol.ts this is a top-layer module: nothing else in shared/ imports it.
 */
import type { BoardComparison } from './brief/compare.ts';
import type { SponsorComment } from './brief/comments.ts';
import type { Role } from './schema.ts';
import type { VoteRoundResult } from './votes.ts';

/** `GET /api/health` → 200: the server is up, with how many boards it has loaded. */
export type HealthResponse = { ok: true; rooms: number };

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

/**
 * `GET /api/boards/:id/votes` → 200: every round as anyone may see it (hidden results carry no
 * tallies). `GET /api/boards/:id/versions/:vid/votes` answers the same shape: the rounds saved
 * with the version (its state itself is `GET /api/boards/:id/versions/:vid/state`, binary).
 */
export type VotesResponse = { rounds: VoteRoundResult[] };

/** `POST /api/boards/:id/links/:role/rotate` → 200: the role's new token, and a link carrying it. */
export type RotateLinkResponse = { role: Role; token: string; link: string };

/** A saved version of a board (`POST /api/boards/:id/versions` → 201 answers one). */
export type VersionInfo = {
  id: string;
  name: string;
  /** ISO 8601 */
  createdAt: string;
  /** who saved it: always a facilitator; name as they gave it ('' when not given) */
  createdBy: { role: Role; name: string };
  /** the board version (fingerprint) of the saved state, as a brief made from it shows */
  boardVersion: string;
};

/** `GET /api/boards/:id/versions` → 200, newest first. */
export type VersionListResponse = { versions: VersionInfo[] };

/** `GET /api/boards/:id/versions/:vid/compare` → 200: the version (before) against the live board (after). */
export type VersionComparisonResponse = {
  version: VersionInfo;
  /** ISO 8601: when "now" was read */
  comparedAt: string;
  comparison: BoardComparison;
};

/** `GET /api/boards/:id/comments` → 200, oldest first. `POST` answers 201 with one `SponsorComment`. */
export type CommentListResponse = { comments: SponsorComment[] };
