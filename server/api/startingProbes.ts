/**
 * The health probes while the server starts. main.ts opens its port before the app loads
 * (listener.ts holds what arrives until it has), but a probe must not wait: a balancer or an
 * orchestrator asks with a timeout of its own, and "not yet" is the answer. So until the app is
 * attached, GET /api/ready answers 503 "starting" at once and GET /api/health 200 (the process is
 * alive; no board is loaded yet); anything else, other methods on these paths included, is held
 * for the app. From the moment the app is attached, health.ts answers both.
 *
 * Only Node built-ins and types are imported: this runs before anything else is loaded. These
 * answers are not in the request log (the logger is not loaded yet either).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthResponse, NotReadyResponse } from '../../shared/api.ts';
import { pathOf } from '../listener.ts';

/** The headers the app's /api/* responses carry that matter here (securityHeaders.ts API_HEADERS), and no caching. */
const HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const ANSWERS = new Map<string, { status: number; body: HealthResponse | NotReadyResponse }>([
  ['/api/health', { status: 200, body: { ok: true, rooms: 0 } }],
  ['/api/ready', { status: 503, body: { ready: false, reason: 'starting' } }],
]);

/** Answers `req` if it is a probe (true), or leaves it alone (false). */
export function answerProbesWhileStarting(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const answer = ANSWERS.get(pathOf(req));
  if (!answer) return false;
  // Node sends no body to a HEAD request, whatever end() is given
  res.writeHead(answer.status, HEADERS).end(JSON.stringify(answer.body));
  return true;
}
