/** Entry point: three routes (`/`, `/b/:id` and `/b/:id/brief`), no router library needed. */
import { createRoot } from 'react-dom/client';
import { LandingPage } from './landing/LandingPage.tsx';
import { BoardRoute } from './BoardRoute.tsx';
import { BriefRoute } from './brief/BriefRoute.tsx';
import './styles.css';

function App() {
  const { pathname, search } = window.location;
  const brief = /^\/b\/([^/]+)\/brief\/?$/.exec(pathname);
  if (brief) {
    const token = new URLSearchParams(search).get('token') ?? '';
    return <BriefRoute boardId={decodeURIComponent(brief[1]!)} token={token} />;
  }
  const match = /^\/b\/([^/]+)\/?$/.exec(pathname);
  if (match) {
    const token = new URLSearchParams(search).get('token') ?? '';
    return <BoardRoute boardId={decodeURIComponent(match[1]!)} token={token} />;
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
