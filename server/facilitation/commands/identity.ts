/**
 * `join`: who a connection is. A first join gets a participantId and a secret (random; only its
 * hash is stored); a later join proves it is the same person with both. So a participantId alone,
 * which anyone on the board can see (cards carry it), is worth nothing: nobody can vote or draft
 * as someone else. And `ping`, which anyone may send to learn the connection is alive.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CloseCode, CloseReason, type JoinValue } from '../../../shared/protocol.ts';
import { generateToken, hashToken } from '../../auth/tokens.ts';
import type { ParticipantRecord } from '../../storage/storage.ts';
import { refuse, type CommandContext, type CommandGroup, type Facilitation, type Outcome } from '../command.ts';
import type { ParsedArgs } from '../parseCommand.ts';
import { standingOf } from '../../../shared/facilitation/index.ts';

/** Participant records a board keeps at most: joins are cheap to send, so their number is capped. */
export const MAX_PARTICIPANTS_PER_BOARD = 5000;

/** 96 random bits, URL-safe: unguessable, though it is not the secret. */
export function newParticipantId(): string {
  return randomBytes(12).toString('base64url');
}

function secretMatches(record: ParticipantRecord, secret: string): boolean {
  const hash = hashToken(secret);
  return hash.length === record.secretHash.length && timingSafeEqual(hash, record.secretHash);
}

async function join(f: Facilitation, ctx: CommandContext, args: ParsedArgs<'join'>): Promise<Outcome> {
  const { conn } = ctx;
  const current = ctx.participant;
  if (current && args.participantId !== undefined && args.participantId !== current.id) {
    return refuse('invalid-state', 'This connection has already joined as someone else. Reconnect to join as another person.');
  }
  const profile = { name: args.name, organisation: args.organisation, sector: args.sector, role: conn.role };
  let record: ParticipantRecord;
  let secret: string | undefined;
  const id = args.participantId ?? current?.id;
  if (id !== undefined) {
    const known = f.model.participants.get(id);
    if (!known) {
      return refuse(
        'unknown-participant',
        'There is no participant with that id on this board. Join without participantId and secret to get a new one.',
      );
    }
    // a connection that already proved who it is may change its name without the secret again
    if (!current) {
      if (args.secret === undefined) return refuse('bad-credentials', 'A participantId must come with the secret issued with it.');
      if (!secretMatches(known, args.secret)) {
        return refuse('bad-credentials', 'That participantId belongs to someone else: the secret does not match.');
      }
    }
    if (known.removed || f.model.state.removed.includes(id)) {
      return {
        ...refuse('removed', 'The facilitator removed you from this board.'),
        afterReply: () => conn.close(CloseCode.removed, CloseReason.removed),
      };
    }
    record = { ...known, ...profile };
  } else {
    if (f.model.participants.size >= MAX_PARTICIPANTS_PER_BOARD) {
      return refuse('too-many', `This board already has ${MAX_PARTICIPANTS_PER_BOARD} participants, the most it can hold.`);
    }
    secret = generateToken();
    record = {
      boardId: f.model.boardId,
      id: newParticipantId(),
      secretHash: hashToken(secret),
      ...profile,
      removed: false,
      joinedAt: ctx.now,
    };
  }
  await f.model.saveParticipant(record);
  f.people.bind(conn, record.id);
  f.publish.presenceChanged();
  f.publish.sendMyVotes(record.id, [conn]);
  f.publish.sendDrafts(record.id, [conn]);
  const value: JoinValue = {
    participantId: record.id,
    ...(secret === undefined ? {} : { secret }),
    name: record.name,
    organisation: record.organisation,
    sector: record.sector,
    role: conn.role,
    standing: standingOf(conn.role, record.id, f.model.state),
  };
  return { ok: true, value };
}

export const IDENTITY_COMMANDS: CommandGroup<'join' | 'ping'> = {
  join: { access: 'anyone', run: join },
  ping: { access: 'anyone', run: () => ({ ok: true }) },
};
