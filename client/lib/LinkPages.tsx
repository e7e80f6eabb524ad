/** The two pages a link shows before its board or brief is ready: why it can't open, and "opening". */
import type { LinkProblem } from './useBoardInfo.ts';

export function LinkProblemPage({ problem, offerNewBoard = false }: { problem: LinkProblem; offerNewBoard?: boolean }) {
  return (
    <main className="page page--narrow" id="main">
      <a className="brand" href="/">
        Crossboard
      </a>
      <h1 className="page__title">{problem.title}</h1>
      <p className="lead">{problem.text}</p>
      {offerNewBoard && (
        <p>
          <a href="/">Start a new board</a>
        </p>
      )}
    </main>
  );
}

export function OpeningPage({ what }: { what: 'board' | 'brief' }) {
  return (
    <main className="page page--narrow" id="main" aria-busy="true">
      <p className="loading">Opening the {what}…</p>
    </main>
  );
}
