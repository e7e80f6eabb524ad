/** Above the lanes once results may be seen: which round each lane shows, and sort by dots. */
import { useId } from 'react';
import { useSession } from './useSession.ts';
import { useFacilitation } from './context.ts';
import { roundsFor, sectorPrivacyNote, shownRound, VOTE_KINDS, type VoteKind } from './results.ts';

const LANE = { problem: 'Problem statements', idea: 'Ideas' } as const;

export function ResultsStrip() {
  const { store } = useFacilitation();
  const snap = useSession(store);
  const kinds = VOTE_KINDS.filter((k) => roundsFor(snap.results, k).length > 0);
  if (kinds.length === 0) return null;
  return (
    <section className="results-strip" aria-label="Vote results" data-testid="results-strip">
      {kinds.map((k) => (
        <LaneResults key={k} kind={k} />
      ))}
    </section>
  );
}

function LaneResults({ kind }: { kind: VoteKind }) {
  const { store, view, setView } = useFacilitation();
  const snap = useSession(store);
  const rounds = roundsFor(snap.results, kind);
  const shown = shownRound(snap.results, kind, view.round[kind]);
  const selectId = useId();
  const sortId = useId();
  if (!shown) return null;
  const privacy = sectorPrivacyNote(shown);
  return (
    <div className="results-strip__lane" data-testid={`results-${kind}`}>
      <p className="results-strip__what">
        <strong>{LANE[kind]}:</strong> results of round {shown.round}
        {shown.status === 'revealed' ? '' : ' (live)'} — {shown.voterCount} {shown.voterCount === 1 ? 'person' : 'people'} voted
      </p>
      {rounds.length > 1 && (
        <span className="results-strip__control">
          <label htmlFor={selectId}>Show round</label>
          <select
            id={selectId}
            className="select select--small"
            value={shown.round}
            onChange={(e) => {
              const round = Number(e.target.value);
              setView((v) => ({ ...v, round: { ...v.round, [kind]: round } }));
            }}
            data-testid={`round-switch-${kind}`}
          >
            {rounds.map((r) => (
              <option key={r.round} value={r.round}>
                Round {r.round}
              </option>
            ))}
          </select>
        </span>
      )}
      <span className="results-strip__control">
        <input
          id={sortId}
          type="checkbox"
          checked={view.sorted[kind]}
          onChange={(e) => {
            const on = e.target.checked;
            setView((v) => ({ ...v, sorted: { ...v.sorted, [kind]: on } }));
          }}
          data-testid={`sort-${kind}`}
        />
        <label htmlFor={sortId}>Sort {LANE[kind].toLowerCase()} by dots</label>
      </span>
      {privacy && (
        <p className="results-strip__note" data-testid={`sector-privacy-${kind}`}>
          {privacy}
        </p>
      )}
    </div>
  );
}
