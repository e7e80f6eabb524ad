/**
 * The session in the board header: the phase and what it asks, the timer on the server's clock,
 * the lock, private mode and your dots — then the short banners everyone sees when the facilitator
 * does something, and the end-of-time signal (visible always, audible if you allowed it).
 */
import { useEffect, useId, useState } from 'react';
import { describeTimer, timerRemainingMs } from './timer.ts';
import { useNow, useSession } from './useSession.ts';
import { loadSoundPreference, playTimeUp, saveSoundPreference, unlockSound } from './sound.ts';
import { useFacilitation } from './context.ts';
import { LANE_WORDS, openVoteKind, voteEligibility } from '../../shared/facilitation/index.ts';
import './facilitation.css';

export function SessionStatus({ editBlocked }: { editBlocked: string | null }) {
  const { store } = useFacilitation();
  const snap = useSession(store);
  const s = snap.session;
  const running = s?.timer.status === 'running';
  const now = useNow(running);
  if (!s) {
    return (
      <div className="session-row" data-testid="session-status">
        <p className="phase phase--waiting">{snap.shutOut ? '' : 'Joining the session…'}</p>
        <SoundToggle />
      </div>
    );
  }
  const remaining = snap.clock ? timerRemainingMs(s.timer, snap.clock, now) : s.timer.remainingMs;
  const timerText = describeTimer(s.timer, remaining);
  const voteKind = openVoteKind(s);
  const eligible = voteEligibility(s, store.standing()).canVote;
  const mine = snap.myVotes;
  const urgent = s.timer.status === 'running' && remaining <= 30_000;
  return (
    <div className="session-row" data-testid="session-status" data-phase={s.phase.id}>
      <p className="phase">
        <span className="phase__step">
          Phase {s.phaseIndex + 1} of {s.phaseCount}
          {s.round > 1 ? `, round ${s.round}` : ''}
          <span className="visually-hidden">:</span>
        </span>{' '}
        <strong className="phase__name" data-testid="phase-name">
          {s.phase.name}
        </strong>
        : <span className="phase__asks">{s.phase.asks}</span>
        {timerText && (
          <>
            {' '}
            <span aria-hidden="true">—</span>{' '}
            <span
              className={`timer timer--${s.timer.status}${urgent ? ' timer--urgent' : ''}`}
              role="timer"
              data-testid="timer"
              data-status={s.timer.status}
              data-remaining-ms={Math.round(remaining)}
            >
              {timerText}
            </span>
          </>
        )}
      </p>
      <ul className="session-flags" aria-label="Session">
        {s.locked && (
          <li className="flag flag--locked" data-testid="lock-indicator">
            Board locked
          </li>
        )}
        {s.privateMode && (
          <li className="flag flag--private" data-testid="private-indicator">
            Private mode
          </li>
        )}
        {voteKind && eligible && mine && mine.round === s.vote?.round && (
          <li className="flag flag--dots" data-testid="dots-left">
            {mine.remaining} of {mine.budget} dots left
          </li>
        )}
        {voteKind && !eligible && (
          <li className="flag flag--vote" data-testid="vote-open">
            Voting on {LANE_WORDS[voteKind]}
          </li>
        )}
      </ul>
      <SoundToggle />
      {editBlocked && (
        <p className="session-note" data-testid="read-only-note">
          <strong>Cards are read-only for now.</strong> {/[.!?]$/.test(editBlocked) ? editBlocked : `${editBlocked}.`}
        </p>
      )}
    </div>
  );
}

/** "Sound when time is up": off unless the person turns it on (the click also unlocks audio). */
function SoundToggle() {
  const { store } = useFacilitation();
  const [on, setOn] = useState(loadSoundPreference);
  const id = useId();
  useEffect(() => {
    if (!on) return;
    // A remembered "on" still needs one gesture on this page before the browser allows sound.
    const unlock = () => unlockSound();
    document.addEventListener('pointerdown', unlock, { once: true });
    document.addEventListener('keydown', unlock, { once: true });
    const off = store.onTimeUp(() => playTimeUp());
    return () => {
      document.removeEventListener('pointerdown', unlock);
      document.removeEventListener('keydown', unlock);
      off();
    };
  }, [on, store]);
  return (
    <span className="sound-toggle">
      <input
        id={id}
        type="checkbox"
        data-preference="sound"
        checked={on}
        onChange={(e) => {
          const next = e.target.checked;
          if (next) unlockSound();
          saveSoundPreference(next);
          setOn(next);
        }}
      />
      <label htmlFor={id}>Sound when time is up</label>
    </span>
  );
}

/** Short banners under the header; one polite live region so screen readers hear each once. */
export function Banners() {
  const { store } = useFacilitation();
  const { banners } = useSession(store);
  return (
    <div className="fac-banners" role="status" aria-live="polite" data-testid="banners">
      {banners.map((b) => (
        <p key={b.id} className={`fac-banner fac-banner--${b.tone}`} data-testid="banner" data-tone={b.tone}>
          <span>{b.text}</span>
          <button type="button" className="fac-banner__close" onClick={() => store.dismissBanner(b.id)}>
            <span aria-hidden="true">×</span>
            <span className="visually-hidden">Dismiss</span>
          </button>
        </p>
      ))}
    </div>
  );
}
