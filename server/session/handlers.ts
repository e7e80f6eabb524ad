/**
 * Every command: who may run it and what it does. Facilitator commands that are one step of the
 * phase machine are written inline; the rest live beside their subject (identity, voting,
 * drafts, facilitation).
 */
import type { CommandName } from '../../shared/protocol.ts';
import {
  closeVote,
  extendTimer,
  goToPhaseById,
  nextPhase,
  openVote,
  pauseTimer,
  prevPhase,
  repeatRound,
  resumeTimer,
  revealVote,
  setLocked,
  setPrivateMode,
  startTimer,
  stopTimer,
} from '../../shared/facilitation/index.ts';
import { refuse, type CommandSpec } from './boardSession.ts';
import { deleteDraft, revealDrafts, saveDraft } from './drafts.ts';
import { makeCoFacilitator, removeParticipant, rotateLink } from './facilitation.ts';
import { join } from './identity.ts';
import { vote } from './voting.ts';

export const COMMANDS: { [N in CommandName]: CommandSpec<N> } = {
  join: { access: 'anyone', run: join },

  setPhase: { access: 'runs-session', run: (s, c, a) => s.step(goToPhaseById(s.state, s.template, a.phaseId, c.now)) },
  ping: { access: 'anyone', run: () => ({ ok: true }) },
  nextPhase: { access: 'runs-session', run: (s, c) => s.step(nextPhase(s.state, s.template, c.now)) },
  prevPhase: { access: 'runs-session', run: (s, c) => s.step(prevPhase(s.state, s.template, c.now)) },
  repeatRound: { access: 'runs-session', run: (s, c) => s.step(repeatRound(s.state, c.now)) },

  timerStart: { access: 'runs-session', run: (s, c, a) => s.step(startTimer(s.state, a.ms, c.now)) },
  timerPause: { access: 'runs-session', run: (s, c) => s.step(pauseTimer(s.state, c.now)) },
  timerResume: { access: 'runs-session', run: (s, c) => s.step(resumeTimer(s.state, c.now)) },
  timerExtend: { access: 'runs-session', run: (s, c, a) => s.step(extendTimer(s.state, a.ms, c.now)) },
  timerStop: { access: 'runs-session', run: (s) => s.step(stopTimer(s.state)) },

  lock: { access: 'runs-session', run: (s) => s.step(setLocked(s.state, true)) },
  unlock: { access: 'runs-session', run: (s) => s.step(setLocked(s.state, false)) },
  setPrivateMode: { access: 'runs-session', run: (s, _c, a) => s.step(setPrivateMode(s.state, a.on)) },
  revealDrafts: { access: 'runs-session', run: (s) => revealDrafts(s) },

  openVote: {
    access: 'runs-session',
    run: (s, c, a) => {
      const step = openVote(s.state, s.template, a.config ?? {}, c.now);
      return s.step(step, step.ok ? { round: step.state.vote!.round } : undefined);
    },
  },
  closeVote: { access: 'runs-session', run: (s, c) => s.step(closeVote(s.state, c.now)) },
  revealVote: { access: 'runs-session', run: (s, c) => s.step(revealVote(s.state, c.now)) },

  removeParticipant: { access: 'runs-session', run: removeParticipant },
  makeCoFacilitator: { access: 'runs-session', run: makeCoFacilitator },
  rotateLink: {
    access: 'facilitator',
    run: (s, c, a) =>
      s.deps.rotateLink ? rotateLink(s, c, a, s.deps.rotateLink) : refuse('forbidden', 'Links can’t be rotated on this server.'),
  },

  castVote: { access: 'joined', run: (s, c, a) => vote(s, c, 'cast', a) },
  withdrawVote: { access: 'joined', run: (s, c, a) => vote(s, c, 'withdraw', a) },
  saveDraft: { access: 'joined', run: saveDraft },
  deleteDraft: { access: 'joined', run: deleteDraft },
};
