/**
 * The API's OpenAPI 3.1 description, generated from the zod schemas the routes validate requests
 * with (server/api/*.ts) and answer with (shared/api.ts). Each route describes itself beside its
 * handler (`describeRoute(api, {...})`) on the `OpenAPIHono` it is built on; `app.route('/api', …)`
 * gathers the descriptions under /api, and `serveOpenApi` publishes the document at
 * GET /api/openapi.json. openapi.test.ts checks that every route the app serves is described, and
 * nothing more.
 *
 * The routes keep their own validation (`readJsonBody`, `boardAuth`) rather than the validators
 * `app.openapi()` would add: those answer in another shape and refuse a body sent without a JSON
 * content type, which would change what clients already rely on.
 */
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { ZodType } from 'zod';
import { apiError } from '../../shared/api.ts';
import packageJson from '../../package.json' with { type: 'json' };

/** The board token, as `Authorization: Bearer <token>` or `?token=` (see boardAuth.ts): either will do. */
export const BOARD_TOKEN: RouteConfig['security'] = [{ boardToken: [] }, { boardTokenQuery: [] }];

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

/** What each refusal means wherever it is answered; a route may say it more precisely. */
const ERROR_MEANINGS: Record<ErrorStatus, string> = {
  400: 'the request was refused: `error` says why, `field` names the field',
  401: "no token, or not one of this board's",
  403: "the token's role may not do this",
  404: 'no board with this id',
  409: 'the board already holds as many as it may keep',
  413: 'the body is larger than the server accepts on /api',
  429: 'too many requests: wait the seconds in Retry-After',
  500: 'the server could not do it',
  503: 'the server is busy: try again after the seconds in Retry-After',
};

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' as const } } };

/** The error answers a route gives, as `ApiError` JSON; `true` keeps the usual meaning, a string says it for this route. */
export function errors(statuses: Partial<Record<ErrorStatus, true | string>>): RouteConfig['responses'] {
  return Object.fromEntries(
    Object.entries(statuses).map(([key, meaning]) => {
      const status = Number(key) as ErrorStatus;
      return [
        status,
        {
          description: meaning === true ? ERROR_MEANINGS[status] : meaning,
          ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
          content: { 'application/json': { schema: apiError } },
        },
      ];
    }),
  );
}

/** The refusals of `boardAuth`, in front of every route under a board. */
export const BOARD_AUTH_ERRORS = { 401: true, 404: true } as const;

/** A JSON answer. */
export function json(schema: ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body, required. */
export function jsonBody(schema: ZodType, description?: string) {
  return { description, required: true, content: { 'application/json': { schema } } };
}

/** Describes one route of `api` in the OpenAPI document; write it beside the route's handler. */
export function describeRoute(api: OpenAPIHono, route: RouteConfig): void {
  api.openAPIRegistry.registerPath(route);
}

/**
 * Publishes the description of every route described on `app` (and on the APIs routed into it) at
 * `path`. The document is generated on the first request, once every route is in place, and kept.
 */
export function serveOpenApi(app: OpenAPIHono, path = '/api/openapi.json'): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'boardToken', {
    type: 'http',
    scheme: 'bearer',
    description: "One of the board's three tokens (facilitator, contributor, viewer): the role is the token's.",
  });
  registry.registerComponent('securitySchemes', 'boardTokenQuery', {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'The same token in the query, as the board links carry it.',
  });
  registry.registerComponent('securitySchemes', 'createBoardToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'Only on servers started with CREATE_BOARD_TOKEN: that token.',
  });
  describeRoute(app, {
    method: 'get',
    path,
    summary: 'This document',
    tags: ['operations'],
    responses: { 200: { description: 'the OpenAPI 3.1 description of the API', content: { 'application/json': { schema: { type: 'object' } } } } },
  });
  let document: unknown;
  app.get(path, (c) => {
    document ??= openApiDocument(app);
    return c.json(document);
  });
}

/** The OpenAPI 3.1 document of every route described on `app`. */
export function openApiDocument(app: OpenAPIHono) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Crossboard API',
      version: packageJson.version,
      description:
        'Live ideation boards. Everything under a board needs one of its tokens; the role of the token decides what it may do. ' +
        'Boards sync over the y-websocket protocol at /ws/{boardId}?token=…, which is not HTTP and not described here.',
    },
    tags: [
      { name: 'boards', description: 'create and read boards' },
      { name: 'brief', description: 'the brief in every format, and saved versions' },
      { name: 'facilitation', description: 'vote results and links' },
      { name: 'comments', description: "sponsors' comments on the brief" },
      { name: 'operations', description: 'health, readiness and this document' },
    ],
  });
}
