/**
 * The session state as stored by the server, read back defensively (a database row is less
 * hostile than a CRDT, but a board created by an older server has none, and a template may have
 * lost phases since).
 */
import type { Template } from '../schema.ts';
import type { VoteConfig } from '../votes.ts';
import { initialSession, type SessionState, type SessionVote } from './phases.ts';
import { phasesOf } from './templates.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function ids(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A session state stored as JSON, read as `readSessionState` reads it; unreadable JSON gives a fresh session. */
export function parseSessionState(json: string | null, template: Template): SessionState {
  if (json === null) return initialSession(template);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return initialSession(template);
  }
  return readSessionState(raw, template);
}

/**
 * A stored session state, checked field by field: what is missing or of the wrong type takes its
 * fresh value, a phase index the template no longer has is clamped. Null gives a fresh session.
 */
export function readSessionState(raw: unknown, template: Template): SessionState {
  const fresh = initialSession(template);
  if (!isObject(raw)) return fresh;
  const phaseCount = phasesOf(template).length;
  const timer = isObject(raw.timer) ? raw.timer : {};
  const status = (['idle', 'running', 'paused', 'ended'] as const).find((s) => s === timer.status) ?? 'idle';
  let vote: SessionVote | null = null;
  if (isObject(raw.vote) && isObject(raw.vote.config)) {
    const v = raw.vote;
    const voteStatus = (['open', 'closed', 'revealed'] as const).find((s) => s === v.status) ?? 'closed';
    vote = {
      round: num(v.round, 1),
      config: v.config as VoteConfig,
      status: voteStatus,
      openedAt: num(v.openedAt, 0),
      closedAt: numOrNull(v.closedAt),
      revealedAt: numOrNull(v.revealedAt),
    };
  }
  return {
    phaseIndex: Math.min(Math.max(Math.trunc(num(raw.phaseIndex, 0)), 0), phaseCount - 1),
    round: Math.max(1, Math.trunc(num(raw.round, 1))),
    locked: raw.locked === true,
    privateMode: raw.privateMode === true,
    timer: {
      status,
      durationMs: num(timer.durationMs, 0),
      endsAt: numOrNull(timer.endsAt),
      remainingMs: numOrNull(timer.remainingMs),
    },
    vote,
    votesOpened: Math.max(vote?.round ?? 0, Math.trunc(num(raw.votesOpened, 0))),
    coFacilitators: ids(raw.coFacilitators),
    removed: ids(raw.removed),
    lockedAt: raw.locked === true ? numOrNull(raw.lockedAt) : null,
    phaseStartedAt: numOrNull(raw.phaseStartedAt),
  };
}
