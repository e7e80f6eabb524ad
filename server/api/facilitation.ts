/**
 * The facilitation API beside the WebSocket commands:
 *   GET  /api/boards/:id/votes                 vote results of every round, as far as they may be
 *                                              seen (any of the board's tokens; totals only once
 *                                              revealed, or live when not hidden)
 *   POST /api/boards/:id/links/:role/rotate    a new token for a role (facilitator token only);
 *                                              the old one stops working at once and the
 *                                              connections it opened are closed (4401)
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { rotateLinkResponse, votesResponse, type RotateLinkResponse, type VotesResponse } from '../../shared/api.ts';
import { ROLES, type Role } from '../../shared/schema.ts';
import type { Logger } from '../log.ts';
import type { FacilitationService } from '../facilitation/facilitationService.ts';
import type { Storage } from '../storage/storage.ts';
import { boardAuth } from './boardAuth.ts';
import { boardParams } from './boards.ts';
import { BOARD_AUTH_ERRORS, BOARD_TOKEN, describeRoute, errors, json } from './openapi.ts';

export type FacilitationApiDeps = {
  storage: Storage;
  facilitation: FacilitationService;
  logger: Logger;
  /** origin used in links; defaults to the request's own */
  publicUrl?: string;
};

export function createFacilitationApi(deps: FacilitationApiDeps): OpenAPIHono {
  const { storage, facilitation } = deps;
  const api = new OpenAPIHono();
  const auth = boardAuth(storage);

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/votes',
    summary: 'Vote results of every round, as far as anyone may see them',
    description: 'Totals appear only once revealed, or live in a round that does not hide them; the facilitator sees no more than anyone.',
    tags: ['facilitation'],
    security: BOARD_TOKEN,
    request: { params: boardParams },
    responses: { 200: json(votesResponse, 'every round, oldest first'), ...errors(BOARD_AUTH_ERRORS) },
  });
  api.get('/boards/:id/votes', auth, async (c) => {
    const id = c.req.param('id');
    // every role sees the same: nobody, the facilitator included, sees totals before the reveal
    const body: VotesResponse = { rounds: await facilitation.visibleVoteResults(id) };
    return c.json(body);
  });

  describeRoute(api, {
    method: 'post',
    path: '/boards/{id}/links/{role}/rotate',
    summary: "A new token for a role's link",
    description: 'The old token stops working at once and the connections it opened are closed (4401). Facilitator token only.',
    tags: ['facilitation'],
    security: BOARD_TOKEN,
    request: {
      params: boardParams.extend({ role: z.enum(ROLES).openapi({ param: { description: 'whose link to replace' } }) }),
    },
    responses: {
      200: json(rotateLinkResponse, 'the new token and the link that carries it'),
      ...errors({ 400: 'not a role', ...BOARD_AUTH_ERRORS, 403: 'only the facilitator link can rotate links' }),
    },
  });
  api.post('/boards/:id/links/:role/rotate', auth, async (c) => {
    const id = c.req.param('id');
    if (c.var.role !== 'facilitator') return c.json({ error: 'only the facilitator link can rotate links' }, 403);
    const role = c.req.param('role');
    if (!(ROLES as readonly string[]).includes(role)) {
      return c.json({ error: `role must be one of ${ROLES.join(', ')}` }, 400);
    }
    const { token, closeOld } = await facilitation.rotateLink(id, role as Role);
    closeOld();
    const origin = (deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    const body: RotateLinkResponse = { role: role as Role, token, link: `${origin}/b/${id}?token=${token}` };
    return c.json(body);
  });

  return api;
}
