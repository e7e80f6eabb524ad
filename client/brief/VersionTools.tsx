/**
 * Saved versions on the sponsor's page: the picker (the live board or a version the facilitator
 * saved), and "Compare with now" — what was added, removed and changed since that version.
 */
import { useEffect, useId, useState } from 'react';
import type { CardRef, MetaField, RoundChange } from '../../shared/brief/compare.ts';
import { fetchComparison } from './briefApi.ts';
import type { VersionComparisonResponse, VersionInfo } from '../../shared/api.ts';

const WHEN = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export function versionTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : WHEN.format(d);
}

export function VersionPicker(props: {
  versions: readonly VersionInfo[];
  value: string | null;
  onChange: (versionId: string | null) => void;
  onFocus: () => void;
}) {
  const id = useId();
  return (
    <div className="brief-tool brief-tool--version">
      <label htmlFor={id} className="brief-tool__label">
        Version
      </label>
      <select
        id={id}
        className="select brief-tool__select"
        value={props.value ?? ''}
        onFocus={props.onFocus}
        onChange={(e) => props.onChange(e.target.value || null)}
        data-testid="version-picker"
      >
        <option value="">Live board (updates as the team works)</option>
        {props.versions.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name} — saved {versionTime(v.createdAt)}
          </option>
        ))}
      </select>
    </div>
  );
}

const KIND: Record<CardRef['kind'], string> = { problem: 'Problem', idea: 'Idea', note: 'Prototype note' };
const FIELD: Record<MetaField, string> = {
  title: 'Title',
  challenge: 'Challenge',
  sponsor: 'Sponsor',
  summary: 'Summary',
  nextSteps: 'Next steps',
};
const STATUS = { open: 'open', closed: 'closed', revealed: 'revealed' } as const;

function cardLine(card: CardRef): string {
  return `${KIND[card.kind]}: ${card.title.trim() || 'Untitled'}`;
}

function roundLine(change: RoundChange): string {
  const lane = change.lane === 'ideas' ? 'ideas' : 'problem statements';
  const name = `Round ${change.round} (${lane})`;
  if (!change.before) return `${name}: started since this version`;
  if (!change.after) return `${name}: no longer on the board`;
  if (change.before.status !== change.after.status) {
    return `${name}: was ${STATUS[change.before.status]}, now ${STATUS[change.after.status]}`;
  }
  if (change.before.resultsVisible !== change.after.resultsVisible) return `${name}: results shown since`;
  return `${name}: votes changed`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The version the page shows, with the way back to the live brief and the comparison. */
export function VersionNotice(props: { boardId: string; token: string; version: VersionInfo; onLive: () => void }) {
  const [comparison, setComparison] = useState<VersionComparisonResponse | null>(null);
  const [state, setState] = useState<'idle' | 'loading' | 'error'>('idle');
  const [error, setError] = useState('');
  useEffect(() => {
    setComparison(null);
    setState('idle');
  }, [props.version.id]);

  const compare = async () => {
    setState('loading');
    try {
      setComparison(await fetchComparison(props.boardId, props.token, props.version.id));
      setState('idle');
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The comparison could not be made.');
      setState('error');
    }
  };

  return (
    <section className="brief-version" aria-labelledby="version-title" data-testid="version-notice">
      <h2 id="version-title" className="brief-version__title">
        You are reading the saved version “{props.version.name}”
      </h2>
      <p>
        Saved {versionTime(props.version.createdAt)}
        {props.version.createdBy.name ? ` by ${props.version.createdBy.name}` : ''}. It does not change as the team works.
      </p>
      <div className="button-row">
        <button type="button" className="button button--small" onClick={compare} disabled={state === 'loading'}>
          {state === 'loading' ? 'Comparing…' : comparison ? 'Compare again' : 'Compare with now'}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={props.onLive}>
          Back to the live brief
        </button>
      </div>
      {state === 'error' && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {comparison && <ComparisonView comparison={comparison} />}
    </section>
  );
}

const ACTION_CHANGE = { added: 'Added', removed: 'Removed', changed: 'Changed' } as const;

function ComparisonView({ comparison: response }: { comparison: VersionComparisonResponse }) {
  const c = response.comparison;
  const groups: Array<{ title: string; lines: string[] }> = [
    { title: `Added (${c.cards.added.length})`, lines: c.cards.added.map(cardLine) },
    { title: `Removed (${c.cards.removed.length})`, lines: c.cards.removed.map(cardLine) },
    {
      title: `Changed (${c.cards.changed.length})`,
      lines: c.cards.changed.map((ch) => {
        const what = ch.changed.map((w) => (w === 'title' ? `title (was “${ch.before.title.trim() || 'Untitled'}”)` : 'text'));
        return `${cardLine(ch)} — ${what.join(' and ')} changed`;
      }),
    },
    { title: 'Brief text', lines: c.meta.map((m) => `${FIELD[m.field]} changed`) },
    { title: 'Actions', lines: c.actions.map((x) => `${ACTION_CHANGE[x.change]}: ${x.title.trim() || 'Untitled action'}`) },
    {
      title: 'Votes',
      lines: c.votes.flatMap((r) => [
        roundLine(r),
        ...r.cards.map((v) => `${v.title.trim() || 'Untitled'}: ${plural(v.before, 'dot')} then, ${plural(v.after, 'dot')} now`),
      ]),
    },
  ];
  return (
    <div className="brief-compare" role="region" aria-labelledby="compare-title" data-testid="comparison">
      <h3 id="compare-title">Changes since this version</h3>
      <p className="brief-compare__when">Compared with the live board at {versionTime(response.comparedAt)}.</p>
      {c.unchanged ? (
        <p>Nothing has changed since this version was saved.</p>
      ) : (
        groups
          .filter((g) => g.lines.length > 0)
          .map((g) => (
            <div key={g.title} className="brief-compare__group">
              <h4>{g.title}</h4>
              <ul>
                {g.lines.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            </div>
          ))
      )}
    </div>
  );
}
