/**
 * The facilitator bar, docked at the bottom for facilitators and co-facilitators: phases, timer,
 * private mode, votes, the lock, people, links and saved versions. Every button is one command;
 * what it changes reaches everyone as a `session` message (and a banner), so the bar keeps no
 * state of its own beyond which dialog is open.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { SessionMessage } from '../../shared/protocol.ts';
import { runsSession } from '../../shared/facilitation/index.ts';
import { useSession } from './useSession.ts';
import { useFacilitation } from './context.ts';
import { LinksDialog, PeopleDialog, SaveVersionDialog, VoteDialog } from './Dialogs.tsx';
import { useRun } from './useRun.ts';
import './facilitation.css';

const MINUTE = 60_000;
const PRESETS = [1, 3, 5, 10];
const COLLAPSE_KEY = 'crossboard.facilitatorBar.collapsed';

type Open = null | 'vote' | 'people' | 'links' | 'version';

export function FacilitatorBar() {
  const { store, role } = useFacilitation();
  const snap = useSession(store);
  const standing = store.standing();
  const [collapsed, setCollapsed] = useState(() => {
    try {
      const saved = sessionStorage.getItem(COLLAPSE_KEY);
      // on a phone the bar starts folded away: the board needs the room
      return saved === null ? window.matchMedia('(max-width: 760px)').matches : saved === '1';
    } catch {
      return false;
    }
  });
  const [open, setOpen] = useState<Open>(null);
  const ref = useRef<HTMLElement>(null);

  // The lanes leave room for the bar: its height, as a CSS variable the board's layout reads.
  useLayoutEffect(() => {
    const el = ref.current;
    const root = document.documentElement;
    if (!el) return;
    const apply = () => root.style.setProperty('--fac-bar-height', `${el.offsetHeight}px`);
    apply();
    const observer = new ResizeObserver(apply);
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--fac-bar-height');
    };
  });

  if (!runsSession(standing) || snap.shutOut) return null;
  const s = snap.session;
  const toggle = () => {
    const next = !collapsed;
    setCollapsed(next);
    try {
      sessionStorage.setItem(COLLAPSE_KEY, next ? '1' : '0');
    } catch {
      // not remembered
    }
  };

  return (
    <aside
      ref={ref}
      className={`fbar${collapsed ? ' fbar--collapsed' : ''}`}
      aria-label="Facilitator controls"
      data-testid="facilitator-bar"
    >
      <div className="fbar__top">
        <h2 className="fbar__title">{standing === 'co-facilitator' ? 'Co-facilitator controls' : 'Facilitator controls'}</h2>
        <button type="button" className="fbar__collapse" aria-expanded={!collapsed} onClick={toggle} data-testid="facilitator-bar-toggle">
          {collapsed ? 'Show controls' : 'Hide controls'}
        </button>
      </div>
      {!collapsed &&
        (s ? (
          <div className="fbar__body">
            <PhaseControls s={s} />
            <TimerControls s={s} />
            <PrivateControls s={s} />
            <VoteControls s={s} onStart={() => setOpen('vote')} />
            <div className="fbar__group" role="group" aria-label="Board">
              <span className="fbar__label" aria-hidden="true">
                Board
              </span>
              <LockButton s={s} />
              <button type="button" className="fbtn" onClick={() => setOpen('people')} data-testid="open-people">
                Participants ({s.participants.length})
              </button>
              {role === 'facilitator' && (
                <>
                  <button type="button" className="fbtn" onClick={() => setOpen('links')} data-testid="open-links">
                    Links
                  </button>
                  <button type="button" className="fbtn" onClick={() => setOpen('version')} data-testid="open-save-version">
                    Save version
                  </button>
                </>
              )}
            </div>
          </div>
        ) : (
          <p className="fbar__waiting">Connecting to the session…</p>
        ))}
      {open === 'vote' && s && <VoteDialog s={s} onClose={() => setOpen(null)} />}
      {open === 'people' && s && <PeopleDialog s={s} onClose={() => setOpen(null)} />}
      {open === 'links' && <LinksDialog onClose={() => setOpen(null)} />}
      {open === 'version' && s && <SaveVersionDialog s={s} onClose={() => setOpen(null)} />}
    </aside>
  );
}

function PhaseControls({ s }: { s: SessionMessage }) {
  const { store } = useFacilitation();
  const { busy, run } = useRun();
  const prev = s.phases[s.phaseIndex - 1];
  const next = s.phases[s.phaseIndex + 1];
  return (
    <div className="fbar__group" role="group" aria-label="Phase">
      <span className="fbar__label" aria-hidden="true">
        Phase
      </span>
      <button
        type="button"
        className="fbtn"
        disabled={!prev || busy !== null}
        onClick={() => void run('prev', () => store.command('prevPhase', {}))}
        data-testid="phase-back"
      >
        <span aria-hidden="true">← </span>Back{prev ? <span className="visually-hidden"> to {prev.name}</span> : null}
      </button>
      <span className="fbar__phase" data-testid="bar-phase">
        {s.phaseIndex + 1} of {s.phaseCount}: <strong>{s.phase.name}</strong>
        {s.round > 1 ? ` (round ${s.round})` : ''}
      </span>
      <button
        type="button"
        className="fbtn fbtn--primary"
        disabled={!next || busy !== null}
        onClick={() => void run('next', () => store.command('nextPhase', {}))}
        data-testid="phase-next"
      >
        {next ? `Next: ${next.name}` : 'Last phase'}
        <span aria-hidden="true"> →</span>
      </button>
      <button
        type="button"
        className="fbtn"
        disabled={busy !== null}
        onClick={() => void run('repeat', () => store.command('repeatRound', {}))}
        data-testid="phase-repeat"
      >
        Repeat round
      </button>
    </div>
  );
}

function TimerControls({ s }: { s: SessionMessage }) {
  const { store } = useFacilitation();
  const { busy, run } = useRun();
  const [custom, setCustom] = useState(false);
  const [minutes, setMinutes] = useState('15');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = useId();
  const customRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (custom) customRef.current?.focus();
  }, [custom]);
  const status = s.timer.status;
  const start = (ms: number) => run('start', () => store.command('timerStart', { ms }));
  const startCustom = () => {
    const n = Number(minutes.replace(',', '.'));
    if (!Number.isFinite(n) || n <= 0 || n > 24 * 60) {
      setError('Enter a number of minutes from 1 to 1440');
      customRef.current?.focus();
      return;
    }
    setError(null);
    void start(Math.max(1000, Math.round(n * MINUTE))).then(() => setCustom(false));
  };
  const live = status === 'running' || status === 'paused';
  return (
    <div className="fbar__group" role="group" aria-label="Timer">
      <span className="fbar__label" aria-hidden="true">
        Timer
      </span>
      {!live &&
        !custom &&
        PRESETS.map((m) => (
          <button
            key={m}
            type="button"
            className="fbtn"
            disabled={busy !== null}
            onClick={() => void start(m * MINUTE)}
            aria-label={`Start a ${m}-minute timer`}
            data-testid={`timer-${m}`}
          >
            {m} min
          </button>
        ))}
      {!live && !custom && (
        <button type="button" className="fbtn" onClick={() => setCustom(true)} data-testid="timer-custom">
          Custom…
        </button>
      )}
      {!live && custom && (
        <span className="fbar__custom">
          <label htmlFor={inputId}>Minutes</label>
          <input
            id={inputId}
            ref={customRef}
            className="input fbar__minutes"
            inputMode="decimal"
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') startCustom();
              if (e.key === 'Escape') setCustom(false);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
          />
          <button type="button" className="fbtn fbtn--primary" onClick={startCustom} disabled={busy !== null}>
            Start
          </button>
          <button type="button" className="fbtn" onClick={() => setCustom(false)}>
            Cancel
          </button>
          {error && (
            <span className="fbar__error" id={errorId} role="alert">
              {error}
            </span>
          )}
        </span>
      )}
      {status === 'running' && (
        <button type="button" className="fbtn" disabled={busy !== null} onClick={() => void run('pause', () => store.command('timerPause', {}))} data-testid="timer-pause">
          Pause
        </button>
      )}
      {status === 'paused' && (
        <button type="button" className="fbtn fbtn--primary" disabled={busy !== null} onClick={() => void run('resume', () => store.command('timerResume', {}))} data-testid="timer-resume">
          Resume
        </button>
      )}
      {(live || status === 'ended') && (
        <button type="button" className="fbtn" disabled={busy !== null} onClick={() => void run('extend', () => store.command('timerExtend', { ms: MINUTE }))} data-testid="timer-extend">
          +1 min
        </button>
      )}
      {(live || status === 'ended') && (
        <button type="button" className="fbtn" disabled={busy !== null} onClick={() => void run('stop', () => store.command('timerStop', {}))} data-testid="timer-stop">
          Stop
        </button>
      )}
    </div>
  );
}

function PrivateControls({ s }: { s: SessionMessage }) {
  const { store } = useFacilitation();
  const { busy, run } = useRun();
  const waiting = s.draftsWaiting;
  const suggested = s.phase.allows.privateModeSuggested && !s.privateMode;
  return (
    <div className="fbar__group" role="group" aria-label="Private writing">
      <span className="fbar__label" aria-hidden="true">
        Drafts
      </span>
      <button
        type="button"
        className={`fbtn fbtn--toggle${s.privateMode ? ' fbtn--on' : ''}`}
        aria-pressed={s.privateMode}
        disabled={busy !== null}
        onClick={() => void run('private', () => store.command('setPrivateMode', { on: !s.privateMode }))}
        data-testid="private-mode"
      >
        Private mode{suggested ? <span className="fbar__hint"> (suggested)</span> : null}
      </button>
      <button
        type="button"
        className="fbtn"
        disabled={busy !== null || waiting === 0}
        onClick={() =>
          void run('reveal', () => store.command('revealDrafts', {}), {
            done: (v) => (v.revealed === 0 ? 'There were no drafts to reveal.' : `Revealed ${v.revealed} ${v.revealed === 1 ? 'draft' : 'drafts'}: they are on the board for everyone now.`),
          })
        }
        data-testid="reveal-drafts"
      >
        Reveal all{waiting === undefined ? ' drafts' : ` (${waiting} waiting)`}
      </button>
    </div>
  );
}

function VoteControls({ s, onStart }: { s: SessionMessage; onStart: () => void }) {
  const { store } = useFacilitation();
  const { busy, run } = useRun();
  const vote = s.vote;
  const canOpen = s.phase.allows.vote.length > 0 && vote?.status !== 'open';
  return (
    <div className="fbar__group" role="group" aria-label="Voting">
      <span className="fbar__label" aria-hidden="true">
        Vote
      </span>
      {canOpen && (
        <button type="button" className="fbtn fbtn--primary" onClick={onStart} data-testid="start-vote">
          Start vote…
        </button>
      )}
      {!canOpen && vote?.status !== 'open' && <span className="fbar__note">No vote in this phase</span>}
      {vote?.status === 'open' && (
        <>
          <span className="fbar__note" data-testid="vote-progress">
            Vote {vote.round} open: {vote.voterCount} {vote.voterCount === 1 ? 'person has' : 'people have'} voted
          </span>
          <button type="button" className="fbtn" disabled={busy !== null} onClick={() => void run('close', () => store.command('closeVote', {}))} data-testid="close-vote">
            Close vote
          </button>
        </>
      )}
      {vote && vote.status !== 'revealed' && (
        <button type="button" className="fbtn" disabled={busy !== null} onClick={() => void run('revealVote', () => store.command('revealVote', {}))} data-testid="reveal-vote">
          Reveal results
        </button>
      )}
    </div>
  );
}

function LockButton({ s }: { s: SessionMessage }) {
  const { store } = useFacilitation();
  const { busy, run } = useRun();
  return (
    <button
      type="button"
      className={`fbtn${s.locked ? ' fbtn--on' : ''}`}
      disabled={busy !== null}
      onClick={() => void run('lock', () => store.command(s.locked ? 'unlock' : 'lock', {}))}
      data-testid="lock-board"
    >
      {s.locked ? 'Unlock board' : 'Lock board'}
    </button>
  );
}
