/** The join step: name, organisation and sector, remembered on this device. */
import { useId, useState } from 'react';
import { SECTORS, type Sector, type Role } from '../../shared/schema.ts';
import { SECTOR_STYLE } from '../lib/sectors.ts';

export type JoinDetails = { name: string; organisation: string; sector: Sector };

const ROLE_LINE: Record<Role, string> = {
  facilitator: 'As facilitator you run the session: phases, timer, voting and the lock.',
  contributor: 'As a contributor you can add and edit cards with everyone else.',
  viewer: 'As a viewer you can watch the board live but not change it.',
};

export function JoinForm(props: {
  boardTitle: string;
  role: Role;
  initial: Partial<JoinDetails>;
  submitLabel?: string;
  onJoin: (details: JoinDetails) => void;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(props.initial.name ?? '');
  const [organisation, setOrganisation] = useState(props.initial.organisation ?? '');
  const [sector, setSector] = useState<Sector | ''>(props.initial.sector ?? '');
  const [errors, setErrors] = useState<{ name?: string; sector?: string }>({});
  const ids = { name: useId(), org: useId(), sector: useId(), summary: useId() };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const next: typeof errors = {};
    if (!name.trim()) next.name = 'Enter your name';
    if (!sector) next.sector = 'Select the sector you are here from';
    setErrors(next);
    if (next.name || next.sector) {
      requestAnimationFrame(() => document.getElementById(ids.summary)?.focus());
      return;
    }
    props.onJoin({ name: name.trim(), organisation: organisation.trim(), sector: sector as Sector });
  };

  const hasErrors = Boolean(errors.name || errors.sector);
  return (
    <main className="page page--narrow" id="main">
      <a className="brand" href="/">
        Crossboard
      </a>
      <h1 className="page__title">
        You are joining <span className="quote">{props.boardTitle}</span> as {props.role === 'facilitator' ? 'the' : 'a'} {props.role}
      </h1>
      <p className="lead">{ROLE_LINE[props.role]} No account needed: this device remembers you.</p>
      {hasErrors && (
        <div className="error-summary" id={ids.summary} tabIndex={-1} role="alert">
          <h2 className="error-summary__title">There is a problem</h2>
          <ul>
            {errors.name && (
              <li>
                <a href={`#${ids.name}`}>{errors.name}</a>
              </li>
            )}
            {errors.sector && (
              <li>
                <a href={`#${ids.sector}-0`}>{errors.sector}</a>
              </li>
            )}
          </ul>
        </div>
      )}
      <form onSubmit={submit} noValidate className="form" aria-label="Join board">
        <div className={`field ${errors.name ? 'field--error' : ''}`}>
          <label className="field__label" htmlFor={ids.name}>
            Your name
          </label>
          <p className="field__hint" id={`${ids.name}-hint`}>
            Shown beside your cards and your cursor.
          </p>
          {errors.name && (
            <p className="field__error" id={`${ids.name}-error`}>
              <span className="visually-hidden">Error:</span> {errors.name}
            </p>
          )}
          <input
            id={ids.name}
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="name"
            maxLength={80}
            aria-describedby={`${ids.name}-hint${errors.name ? ` ${ids.name}-error` : ''}`}
            aria-invalid={errors.name ? true : undefined}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.org}>
            Organisation <span className="field__optional">(optional)</span>
          </label>
          <input
            id={ids.org}
            className="input"
            value={organisation}
            onChange={(e) => setOrganisation(e.target.value)}
            autoComplete="organization"
            maxLength={120}
          />
        </div>
        <fieldset className={`field fieldset ${errors.sector ? 'field--error' : ''}`} aria-describedby={errors.sector ? `${ids.sector}-error` : undefined}>
          <legend className="field__label">Which sector are you here from?</legend>
          {errors.sector && (
            <p className="field__error" id={`${ids.sector}-error`}>
              <span className="visually-hidden">Error:</span> {errors.sector}
            </p>
          )}
          <div className="radios">
            {SECTORS.map((s, i) => {
              const style = SECTOR_STYLE[s];
              const id = `${ids.sector}-${i}`;
              return (
                <div className="radio" key={s}>
                  <input
                    type="radio"
                    id={id}
                    name="sector"
                    value={s}
                    checked={sector === s}
                    onChange={() => setSector(s)}
                    aria-describedby={`${id}-hint`}
                  />
                  <label htmlFor={id} className="radio__label">
                    <span className="sector-tag" style={{ background: style.colour }} aria-hidden="true">
                      {style.short}
                    </span>
                    {style.label}
                  </label>
                  <p className="radio__hint" id={`${id}-hint`}>
                    {style.describe}
                  </p>
                </div>
              );
            })}
          </div>
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button">
            {props.submitLabel ?? 'Join board'}
          </button>
          {props.onCancel && (
            <button type="button" className="button button--secondary" onClick={props.onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </main>
  );
}
