/**
 * Who is on which connection: a connection joins as a participant (the model's record), and
 * everything that needs "this person's live connections" or "this connection's person" asks here
 * — their standing, the roster of who is present, closing someone's connections.
 */
import { CloseCode, CloseReason, type RosterEntry } from '../../shared/protocol.ts';
import type { Connection } from '../rooms/connection.ts';
import type { ParticipantRecord } from '../storage/storage.ts';
import type { FacilitationModel } from './model.ts';
import type { Role } from '../../shared/schema.ts';
import { standingOf, type Standing } from '../../shared/facilitation/index.ts';

const ROLE_RANK: Record<Role, number> = { viewer: 0, contributor: 1, facilitator: 2 };

/** The room's live connections: all this needs of a room. */
export type ConnectionList = { connectionList(): Connection[] };

export class People {
  private readonly joinedAs = new Map<Connection, string>();

  constructor(
    private readonly room: ConnectionList,
    private readonly model: FacilitationModel,
  ) {}

  /** Records that `conn` is `participantId` (already stored). */
  bind(conn: Connection, participantId: string): void {
    this.joinedAs.set(conn, participantId);
  }

  /** Forgets a connection that left; true if it had joined as someone. */
  leave(conn: Connection): boolean {
    return this.joinedAs.delete(conn);
  }

  participantOf(conn: Connection): ParticipantRecord | null {
    const id = this.joinedAs.get(conn);
    return id === undefined ? null : (this.model.participants.get(id) ?? null);
  }

  standingOf(conn: Connection): Standing {
    return standingOf(conn.role, this.joinedAs.get(conn) ?? null, this.model.state);
  }

  /** Everyone joined on some live connection, once each. */
  joinedIds(): Set<string> {
    return new Set(this.joinedAs.values());
  }

  connectionsOf(participantId: string): Connection[] {
    return this.room.connectionList().filter((c) => this.joinedAs.get(c) === participantId);
  }

  /** The highest link role any of a person's live connections has (null if none is live). */
  liveRole(participantId: string): Role | null {
    let best: Role | null = null;
    for (const conn of this.connectionsOf(participantId)) {
      if (best === null || ROLE_RANK[conn.role] > ROLE_RANK[best]) best = conn.role;
    }
    return best;
  }

  /** Who is here: one entry per person, with the highest role among their connections, by name. */
  roster(): RosterEntry[] {
    const byPerson = new Map<string, RosterEntry>();
    for (const conn of this.room.connectionList()) {
      const participant = this.participantOf(conn);
      if (!participant) continue;
      const seen = byPerson.get(participant.id);
      if (seen && ROLE_RANK[seen.role] >= ROLE_RANK[conn.role]) continue;
      byPerson.set(participant.id, {
        participantId: participant.id,
        name: participant.name,
        organisation: participant.organisation,
        sector: participant.sector,
        role: conn.role,
        standing: standingOf(conn.role, participant.id, this.model.state),
      });
    }
    return [...byPerson.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.participantId < b.participantId ? -1 : 1));
  }

  closeParticipant(participantId: string, code: number, reason: string): void {
    for (const conn of this.connectionsOf(participantId)) conn.close(code, reason);
  }

  /** Closes every connection of `role` that did not authenticate with the link's newest token. */
  closeRotated(role: Role): void {
    for (const conn of this.room.connectionList()) {
      if (conn.role !== role) continue;
      if (this.model.isLatest(role, conn.tokenHash)) continue;
      conn.close(CloseCode.linkRotated, CloseReason.linkRotated);
    }
  }
}
