/**
 * Saved versions of a board, as the API describes them (server/api/brief.ts) and the sponsor's
 * page lists them. The state itself is fetched separately (`/versions/:vid/state`).
 */
import type { Role } from '../protocol.ts';
import type { BoardComparison } from './compare.ts';

/** Longest version name, in characters ("End of day 1"). */
export const VERSION_NAME_MAX = 100;

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

/** GET /api/boards/:id/versions — newest first. */
export type VersionListResponse = { versions: VersionInfo[] };

/** GET /api/boards/:id/versions/:vid/compare — the version (before) against the live board (after). */
export type VersionComparisonResponse = {
  version: VersionInfo;
  /** ISO 8601: when "now" was read */
  comparedAt: string;
  comparison: BoardComparison;
};
