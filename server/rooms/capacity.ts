/**
 * Who may open one more connection on a board. Each role has a share, so that no link holder
 * can take the capacity another role needs: viewers at most `maxViewerConnectionsPerBoard` of
 * `maxConnectionsPerBoard`, contributors whatever viewers left, and facilitators a reserve of
 * their own (`facilitatorConnectionsPerBoard`) that nobody else counts against, so a full board
 * never keeps out the person running the session. The socket route asks before the upgrade;
 * the room asks again at join, for connections that raced past together.
 */
import type { Limits } from '../config.ts';
import type { Role } from '../../shared/schema.ts';

export type OpenConnections = Record<Role, number>;

export type CapacityLimits = Pick<
  Limits,
  'maxConnectionsPerBoard' | 'maxViewerConnectionsPerBoard' | 'facilitatorConnectionsPerBoard'
>;

export function noConnections(): OpenConnections {
  return { facilitator: 0, contributor: 0, viewer: 0 };
}

export function hasRoomFor(role: Role, open: OpenConnections, limits: CapacityLimits): boolean {
  if (role === 'facilitator') return open.facilitator < limits.facilitatorConnectionsPerBoard;
  if (open.contributor + open.viewer >= limits.maxConnectionsPerBoard) return false;
  return role === 'contributor' || open.viewer < limits.maxViewerConnectionsPerBoard;
}
