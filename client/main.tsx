/** Entry point: three routes (`/`, `/b/:id` and `/b/:id/brief`), no router library needed. */
import { createRoot } from 'react-dom/client';
import { LandingPage } from './landing/LandingPage.tsx';
import { BoardRoute } from './BoardRoute.tsx';
import { BriefRoute } from './brief/BriefRoute.tsx';
import { LinkProblemPage } from './lib/LinkPages.tsx';
import { badLinkProblem } from './lib/useBoardInfo.ts';
import { loadBoardInfo } from './lib/storage.ts';
import './styles.css';

/** A path segment as it was meant, or null when its `%` escapes are malformed (`%2`, `%E0%A4%A`). */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function App() {
  const { pathname, search } = window.location;
  const brief = /^\/b\/([^/]+)\/brief\/?$/.exec(pathname);
  const board = brief ? null : /^\/b\/([^/]+)\/?$/.exec(pathname);
  if (brief || board) {
    const noun = brief ? 'brief' : 'board';
    const boardId = decodeSegment((brief ?? board)![1]!);
    // a link mangled on its way here (a mail client, a chat app) is a bad link, not a blank page
    if (boardId === null) return <LinkProblemPage problem={badLinkProblem(noun)} offerNewBoard={noun === 'board'} />;
    // A link without a token (a brief's "continued on the board") opens the board this device
    // already has a link to: it remembers the token, as its list of recent boards does.
    const token = new URLSearchParams(search).get('token') ?? loadBoardInfo(boardId)?.token ?? '';
    return brief ? <BriefRoute boardId={boardId} token={token} /> : <BoardRoute boardId={boardId} token={token} />;
  }
  if (pathname === '/' || pathname === '/index.html') return <LandingPage />;
  return (
    <main className="page page--narrow" id="main">
      <a className="brand" href="/">
        Crossboard
      </a>
      <h1 className="page__title">Page not found</h1>
      <p className="lead">
        If you typed the address, check it is correct. <a href="/">Start or open a board</a>.
      </p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
