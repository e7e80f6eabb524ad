/**
 * The facilitator's steps through the session: phases, rounds, the timer, the lock and private
 * mode. Each is one step of the pure phase machine in shared/facilitation/phases.ts, committed (stored, then
 * applied and published) by `applyStep`.
 */
import { applyStep, type CommandGroup } from '../command.ts';
import {
  extendTimer,
  goToPhaseById,
  nextPhase,
  pauseTimer,
  prevPhase,
  repeatRound,
  resumeTimer,
  setLocked,
  setPrivateMode,
  startTimer,
  stopTimer,
} from '../../../shared/facilitation/index.ts';

type PhaseCommand =
  | 'setPhase'
  | 'nextPhase'
  | 'prevPhase'
  | 'repeatRound'
  | 'timerStart'
  | 'timerPause'
  | 'timerResume'
  | 'timerExtend'
  | 'timerStop'
  | 'lock'
  | 'unlock'
  | 'setPrivateMode';

export const PHASE_COMMANDS: CommandGroup<PhaseCommand> = {
  setPhase: { access: 'runs-session', run: (f, c, a) => applyStep(f, goToPhaseById(f.model.state, f.model.template, a.phaseId, c.now)) },
  nextPhase: { access: 'runs-session', run: (f, c) => applyStep(f, nextPhase(f.model.state, f.model.template, c.now)) },
  prevPhase: { access: 'runs-session', run: (f, c) => applyStep(f, prevPhase(f.model.state, f.model.template, c.now)) },
  repeatRound: { access: 'runs-session', run: (f, c) => applyStep(f, repeatRound(f.model.state, c.now)) },

  timerStart: { access: 'runs-session', run: (f, c, a) => applyStep(f, startTimer(f.model.state, a.ms, c.now)) },
  timerPause: { access: 'runs-session', run: (f, c) => applyStep(f, pauseTimer(f.model.state, c.now)) },
  timerResume: { access: 'runs-session', run: (f, c) => applyStep(f, resumeTimer(f.model.state, c.now)) },
  timerExtend: { access: 'runs-session', run: (f, c, a) => applyStep(f, extendTimer(f.model.state, a.ms, c.now)) },
  timerStop: { access: 'runs-session', run: (f) => applyStep(f, stopTimer(f.model.state)) },

  lock: { access: 'runs-session', run: (f) => applyStep(f, setLocked(f.model.state, true)) },
  unlock: { access: 'runs-session', run: (f) => applyStep(f, setLocked(f.model.state, false)) },
  setPrivateMode: { access: 'runs-session', run: (f, _c, a) => applyStep(f, setPrivateMode(f.model.state, a.on)) },
};
