/**
 * A smoke check of Crossboard behind a proxy or load balancer: through one base URL, the health
 * check answers, a board is created, and `rounds` pairs of fresh y-websocket clients (a writer and
 * a reader, each a new connection, so a round-robin proxy spreads them over its processes) sync
 * the writer's text to the reader.
 *
 *   npx tsx bench/proxySmoke.ts http://127.0.0.1:8080 [rounds]
 *
 * The board's links must name the proxy's origin (the Host header passed through, or PUBLIC_URL).
 * Prints one line per step; exits 0 when every step passed, 1 at the first that did not.
 */
import type { CreateBoardResponse, HealthResponse } from '../shared/api.ts';
import { boardText, connectProvider, text, waitFor, whenSynced } from '../server/test/harness.ts';
import { addTextCardsOverSocket } from '../server/test/session.ts';

async function main(): Promise<void> {
  const base = (process.argv[2] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const rounds = Number(process.argv[3] ?? 6);
  const target = { wsUrl: base.replace(/^http/, 'ws') + '/ws' };

  const health = await fetch(`${base}/api/health`);
  const body = (await health.json()) as HealthResponse;
  if (health.status !== 200 || body.ok !== true) throw new Error(`GET /api/health: ${health.status} ${JSON.stringify(body)}`);
  console.log(`GET /api/health: ${health.status} ${JSON.stringify(body)}`);

  const created = await fetch(`${base}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Proxy smoke check' }),
  });
  if (created.status !== 201) throw new Error(`POST /api/boards: ${created.status} ${await created.text()}`);
  const board = (await created.json()) as CreateBoardResponse;
  // the links must name the proxy, not the process behind it (the Host header passed through)
  if (!board.links.viewer.startsWith(`${base}/b/${board.id}?`)) throw new Error(`POST /api/boards: a link names another origin than ${base}`);
  console.log(`POST /api/boards: ${created.status}, board ${board.id}, links on ${base}`);
  await addTextCardsOverSocket(target, board);

  for (let round = 1; round <= rounds; round++) {
    const writer = connectProvider(target, board.id, board.tokens.contributor);
    const reader = connectProvider(target, board.id, board.tokens.viewer);
    try {
      await Promise.all([whenSynced(writer), whenSynced(reader)]);
      const line = `round ${round};`;
      boardText(writer.doc).insert(boardText(writer.doc).length, line);
      const startedAt = performance.now();
      await waitFor(() => text(reader.doc).endsWith(line), 5000, `round ${round} reaching the reader`);
      console.log(`WebSocket sync round ${round}: the reader had the writer's text after ${(performance.now() - startedAt).toFixed(1)} ms`);
    } finally {
      writer.destroy();
      reader.destroy();
    }
  }
  console.log(`OK: ${rounds} rounds through ${base}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
