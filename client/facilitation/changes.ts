/**
 * What the facilitator just did, in one short sentence for everyone, worked out by comparing two
 * `session` messages (the server publishes state, not events). Pure: unit-tested in
 * changes.test.ts.
 */
import type { SessionMessage } from '../../shared/protocol.ts';
import { describeDuration } from './timer.ts';
import type { Role } from '../../shared/schema.ts';
import { LANE_WORDS, voteEligibility } from '../../shared/facilitation/index.ts';
import { VOTE_LANE_KIND } from '../../shared/votes.ts';

export type BannerTone = 'info' | 'success' | 'warning' | 'alert';
export type BannerText = { text: string; tone: BannerTone };

/** Who is reading: their link role and participant id (for "you" sentences). */
export type Viewer = { role: Role; participantId: string | null };

export function dots(n: number): string {
  return n === 1 ? '1 dot' : `${n} dots`;
}

export function describeSessionChange(prev: SessionMessage, next: SessionMessage, viewer: Viewer): BannerText[] {
  const out: BannerText[] = [];
  const phaseChanged = prev.phaseIndex !== next.phaseIndex;
  if (phaseChanged) {
    out.push({ text: `Now: ${next.phase.name} — ${next.phase.asks}`, tone: 'info' });
  } else if (next.round > prev.round) {
    out.push({ text: `${next.phase.name}, round ${next.round}: ${next.phase.asks}`, tone: 'info' });
  }

  if (prev.locked !== next.locked) {
    out.push(
      next.locked
        ? { text: 'The board is locked by the facilitator. You can read it, but not change it.', tone: 'warning' }
        : { text: 'The board is unlocked.', tone: 'success' },
    );
  }

  if (prev.privateMode !== next.privateMode) {
    out.push(
      next.privateMode
        ? { text: 'Private mode is on: new problems and ideas stay private until the facilitator reveals them.', tone: 'info' }
        : { text: 'Private mode is off: new cards go straight onto the board.', tone: 'info' },
    );
  }

  const a = prev.vote;
  const b = next.vote;
  if (b && (!a || a.round !== b.round) && b.status === 'open') {
    const lane = LANE_WORDS[VOTE_LANE_KIND[b.config.lane]];
    const standing = next.participants.find((p) => p.participantId === viewer.participantId)?.standing ?? viewer.role;
    const eligible = voteEligibility(next, standing);
    out.push({
      text: eligible.canVote
        ? `Voting is open on ${lane} — you have ${dots(b.config.votesPerPerson)}`
        : `Voting is open on ${lane}`,
      tone: 'success',
    });
  } else if (b && a && a.round === b.round && a.status !== b.status) {
    if (b.status === 'revealed') out.push({ text: `The results are in: every ${b.config.lane === 'ideas' ? 'idea' : 'problem statement'} now shows its dots.`, tone: 'success' });
    else if (b.status === 'closed') out.push({ text: 'Voting has closed.', tone: 'info' });
  } else if (b && (!a || a.round !== b.round) && b.status === 'revealed') {
    out.push({ text: 'The results are in.', tone: 'success' });
  }

  // The timer: a phase change stops it by itself, so only say what a facilitator did to it.
  const ta = prev.timer;
  const tb = next.timer;
  if (tb.status !== ta.status || tb.endsAt !== ta.endsAt || tb.durationMs !== ta.durationMs) {
    const added = tb.durationMs - ta.durationMs;
    if (tb.status === 'running' && (ta.status === 'idle' || ta.status === 'ended')) {
      out.push({ text: `Timer started: ${describeDuration(tb.durationMs)}.`, tone: 'info' });
    } else if (tb.status === 'running' && ta.status === 'running') {
      out.push(
        added > 0
          ? { text: `${describeDuration(added)} added to the timer.`, tone: 'info' }
          : { text: `Timer restarted: ${describeDuration(tb.durationMs)}.`, tone: 'info' },
      );
    } else if (tb.status === 'running' && ta.status === 'paused') {
      out.push({ text: 'Timer running again.', tone: 'info' });
    } else if (tb.status === 'paused' && ta.status === 'running') {
      out.push({ text: 'Timer paused.', tone: 'info' });
    } else if (tb.status === 'paused' && ta.status === 'paused' && added > 0) {
      out.push({ text: `${describeDuration(added)} added to the paused timer.`, tone: 'info' });
    } else if (tb.status === 'ended' && ta.status === 'running') {
      out.push({ text: 'Time is up.', tone: 'alert' });
    } else if (tb.status === 'idle' && ta.status !== 'idle' && !phaseChanged && next.round === prev.round) {
      out.push({ text: 'Timer stopped.', tone: 'info' });
    }
  }

  // People: promotions and demotions, said to the person concerned and to everyone else.
  const before = new Map(prev.participants.map((p) => [p.participantId, p.standing]));
  for (const p of next.participants) {
    const was = before.get(p.participantId);
    if (was === undefined || was === p.standing) continue;
    const you = p.participantId === viewer.participantId;
    if (p.standing === 'co-facilitator') {
      out.push({ text: you ? 'You are now a co-facilitator: the facilitator controls are at the bottom of the page.' : `${p.name} is now a co-facilitator.`, tone: 'info' });
    } else if (was === 'co-facilitator' && p.standing === 'contributor') {
      out.push({ text: you ? 'You are a contributor again.' : `${p.name} is no longer a co-facilitator.`, tone: 'info' });
    }
  }
  return out;
}
