/**
 * A card's footer during and after a vote: your dots with buttons to place and take back one
 * (V / Shift+V on the focused card do the same), and once results may be seen, the card's total
 * with a small stacked bar of the sector breakdown — always with the same breakdown in words.
 */
import type { Card } from '../../shared/board/index.ts';
import { sectorStyle } from '../lib/sectors.ts';
import { useSession } from './useSession.ts';
import { useFacilitation } from './context.ts';
import { breakdownText, rankOf, sectorShares, shownRound } from './results.ts';
import { openVoteKind, voteEligibility } from '../../shared/facilitation/index.ts';

export function CardVotes({ card }: { card: Card }) {
  const { store, view, vote, voteError } = useFacilitation();
  const snap = useSession(store);
  if (card.kind === 'note') return null;
  const s = snap.session;
  const kind = card.kind;
  const voting = openVoteKind(s) === kind && voteEligibility(s, store.standing()).canVote;
  const mineNow = snap.myVotes && snap.myVotes.round === s?.vote?.round ? (snap.myVotes.dots[card.id] ?? 0) : 0;
  const result = shownRound(snap.results, kind, view.round[kind]);
  const tally = result?.tallies.find((t) => t.cardId === card.id);
  const error = voteError?.cardId === card.id ? voteError.message : null;
  if (!voting && !result && !error) return null;
  const title = card.title.trim() || 'this card';
  const rank = result ? rankOf(result, card.id) : null;

  return (
    <div className="card-votes" data-testid="card-votes">
      {voting && (
        <div className="dots" role="group" aria-label={`Your dots on ${title}`}>
          {mineNow > 0 && (
            <span className="dots__pips" aria-hidden="true">
              {Array.from({ length: mineNow }, (_, i) => (
                <span key={i} className="dots__pip" />
              ))}
            </span>
          )}
          <span className="dots__text" data-testid="my-dots" data-count={mineNow}>
            {mineNow === 0 ? 'No dots from you' : mineNow === 1 ? 'Your dot: 1' : `Your dots: ${mineNow}`}
          </span>
          <button type="button" className="dot-button" onClick={() => void vote(card.id, 'cast')} aria-keyshortcuts="V" data-testid="cast-dot">
            + Dot<span className="visually-hidden"> on {title}</span>
          </button>
          {mineNow > 0 && (
            <button
              type="button"
              className="dot-button dot-button--secondary"
              onClick={() => void vote(card.id, 'withdraw')}
              aria-keyshortcuts="Shift+V"
              data-testid="withdraw-dot"
            >
              − Take back<span className="visually-hidden"> a dot from {title}</span>
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="dots__error" role="alert" data-testid="vote-error">
          {error}
        </p>
      )}
      {result &&
        (tally ? (
          <div className="tally" data-testid="tally" data-total={tally.total}>
            <p className="tally__text">
              <strong>{breakdownText(tally)}</strong>
              {rank !== null && <span className="tally__rank"> · ranked&nbsp;{rank}</span>}
              {result.status !== 'revealed' && <span className="tally__live"> · live</span>}
            </p>
            <div className="tally__bar" aria-hidden="true">
              {sectorShares(tally).map((share) => (
                <span
                  key={share.sector}
                  className="tally__segment"
                  style={{ width: `${share.percent}%`, background: sectorStyle(share.sector).colour }}
                  title={`${sectorStyle(share.sector).label}: ${share.count}`}
                />
              ))}
            </div>
            {tally.voters && tally.voters.length > 0 && <p className="tally__voters">From {tally.voters.join(', ')}</p>}
          </div>
        ) : (
          <p className="tally tally--none" data-testid="tally" data-total="0">
            No dots in round {result.round}
          </p>
        ))}
    </div>
  );
}
