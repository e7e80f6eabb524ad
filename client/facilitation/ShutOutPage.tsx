/** The whole page when this link or person has been shut out (close 4401 or 4403). */
import { useEffect, useRef } from 'react';
import type { ShutOut } from './sessionStore.ts';

export function ShutOutPage({ shutOut }: { shutOut: ShutOut }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <main className="page page--narrow" id="main" data-testid="shut-out" data-code={shutOut.code}>
      <a className="brand" href="/">
        Crossboard
      </a>
      <h1 className="page__title" tabIndex={-1} ref={ref}>
        {shutOut.title}
      </h1>
      <p className="lead">{shutOut.message}</p>
      <p>Nothing more is sent from this page, and it will not reconnect by itself.</p>
      <p>
        <a href="/">Go to the start page</a>
      </p>
    </main>
  );
}
