/**
 * GET /api/openapi.json against the real app: it describes every /api route the app serves and
 * nothing else, it is a valid OpenAPI 3.1 document, and real requests and answers fit it.
 *
 * Validity is checked with ajv against the official OpenAPI 3.1 schema, vendored beside this file
 * (openapi-3.1.schema.json: the OpenAPI Initiative's https://spec.openapis.org/oas/3.1/schema/2022-10-07,
 * Apache-2.0, unchanged). That schema leaves the Schema Objects inside the document to JSON Schema,
 * so each of them is also compiled by ajv's JSON Schema 2020-12 in strict mode.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIEF_FORMATS, type BriefFormat } from '../../shared/brief/formats.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';
import { startServer, type TestServer } from '../test/harness.ts';

/**
 * The official schema, with its `$dynamicRef: "#meta"` read as the `$ref` it resolves to. ajv does
 * not carry evaluated properties through a dynamic reference, so the schema's
 * `unevaluatedProperties: false` would refuse every Schema Object; the file declares no other
 * `meta` anchor, so the static reference lands on the same `$defs/schema`.
 */
const OFFICIAL_SCHEMA = JSON.parse(
  readFileSync(new URL('./openapi-3.1.schema.json', import.meta.url), 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'),
) as object;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** where the document's component schemas are registered with ajv */
const COMPONENTS_ID = 'https://crossboard.test/components';

type Schema = Record<string, unknown>;
type Operation = {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
};

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

async function openApi(server: TestServer): Promise<OpenApiDocument> {
  const res = await fetch(`${server.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as OpenApiDocument;
}

/** "GET /api/boards/{id}" for each route the app serves under /api: Hono's `:id` and `:file{regex}` written as `{id}`, `{file}`. */
function servedRoutes(server: TestServer): string[] {
  const served = server.app.routes
    // middleware (`use`) and the board API's catch-all 404 answer any method under a wildcard: they are not routes of their own
    .filter((r) => r.path.startsWith('/api/') && !(r.method === 'ALL' && r.path.endsWith('*')))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{(?:[^{}]|\{[^}]*\})*\})?/g, '{$1}')}`);
  return [...new Set(served)].sort();
}

function describedRoutes(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).filter((key) => HTTP_METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** ajv with the document's component schemas registered, so an operation's schema (and its `$ref`s) compiles as it stands. */
function ajvFor(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const rewritten = JSON.parse(JSON.stringify(doc).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`)) as OpenApiDocument;
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewritten.components.schemas });
  return {
    ajv,
    /** the validator of what `method path` answers with `status` as `mediaType` */
    response(method: string, path: string, status: number, mediaType = 'application/json') {
      const schema = rewritten.paths[path]?.[method]?.responses[String(status)]?.content?.[mediaType]?.schema;
      if (!schema) throw new Error(`the document has no ${mediaType} answer ${status} for ${method.toUpperCase()} ${path}`);
      return ajv.compile(schema);
    },
    /** the validator of the JSON body `method path` takes */
    request(method: string, path: string) {
      const schema = rewritten.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
      if (!schema) throw new Error(`the document has no JSON body for ${method.toUpperCase()} ${path}`);
      return ajv.compile(schema);
    },
  };
}

/** Fetches and checks the answer's status and that its JSON body fits what the document says it answers. */
async function expectFits(
  check: ReturnType<typeof ajvFor>,
  [method, path]: [string, string],
  status: number,
  res: Response,
): Promise<unknown> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as unknown;
  const validate = check.response(method, path, status);
  expect(validate(body) ? [] : validate.errors, `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(body)}`).toEqual([]);
  return body;
}

describe('the OpenAPI description', () => {
  it('describes every /api route the app serves (method and path), and none it does not', async () => {
    s = await startServer();
    const doc = await openApi(s);
    const served = servedRoutes(s);
    // the walk found the routes of every API file, the brief's regex route included
    expect(served).toEqual(expect.arrayContaining(['POST /api/boards', 'GET /api/boards/{id}/{file}', 'GET /api/ready', 'GET /api/openapi.json']));
    expect(describedRoutes(doc)).toEqual(served);
  });

  it('is valid OpenAPI 3.1 by the official schema, and every schema in it compiles as strict JSON Schema 2020-12', async () => {
    s = await startServer();
    const doc = await openApi(s);
    expect(doc.openapi).toBe('3.1.0');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // the one format of the official schema ajv-formats lacks: a media type, wildcards allowed
    ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+(\s*;.*)?$/);
    const validate = ajv.compile(OFFICIAL_SCHEMA);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    // and it does refuse a broken document: an answer without its description, a parameter without its place
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
    delete (broken.paths['/api/boards']!.post!.responses as Record<string, Record<string, unknown>>)['201']!.description;
    expect(validate(broken)).toBe(false);
    const unplaced = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
    unplaced.paths['/api/boards/{id}']!.get!.parameters = [{ name: 'id', schema: { type: 'string' } }];
    expect(validate(unplaced)).toBe(false);

    const check = ajvFor(doc);
    const compiled: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const mediaType of Object.keys(response.content ?? {})) {
            check.response(method, path, Number(status), mediaType);
            compiled.push(`${method} ${path} ${status} ${mediaType}`);
          }
        }
        if (operation.requestBody) check.request(method, path);
      }
    }
    expect(compiled.length).toBeGreaterThan(50);
  });

  it('says how the board token is sent (bearer or ?token=) on every route under a board, and which errors each answers', async () => {
    s = await startServer();
    const doc = await openApi(s);
    expect(doc.components.securitySchemes).toMatchObject({
      boardToken: { type: 'http', scheme: 'bearer' },
      boardTokenQuery: { type: 'apiKey', in: 'query', name: 'token' },
    });
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/boards/{id}')) continue;
      for (const [method, operation] of Object.entries(item)) {
        expect((operation as { security?: unknown }).security, `${method} ${path}`).toEqual([{ boardToken: [] }, { boardTokenQuery: [] }]);
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '404']));
        if (operation.requestBody) expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '413']));
      }
    }
    const create = doc.paths['/api/boards']!.post!;
    expect(Object.keys(create.responses)).toEqual(['201', '400', '401', '403', '413', '429']);
    // every export format is described with its media type
    const exported = Object.keys(doc.paths['/api/boards/{id}/{file}']!.get!.responses['200']!.content!);
    expect(exported.sort()).toEqual(Object.values(BRIEF_FORMATS).map((f) => f.contentType.split(';')[0]).sort());
  });

  it('real requests and answers fit it: boards, errors, votes, versions, comments, links, health', async () => {
    s = await startServer();
    const doc = await openApi(s);
    const check = ajvFor(doc);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${s.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });

    const createBody = { title: 'Safer streets', challenge: 'How might we light the park?', template: 'hackathon' };
    const validBody = check.request('post', '/api/boards');
    expect(validBody(createBody) ? [] : validBody.errors).toEqual([]);
    expect(validBody({ title: 'x', template: 'no such template' })).toBe(false);
    const board = (await expectFits(check, ['post', '/api/boards'], 201, await api('/api/boards', { method: 'POST', body: JSON.stringify(createBody) }))) as CreateBoardResponse;
    // the schemas do refuse: an answer without its tokens and links would not fit
    expect(check.response('post', '/api/boards', 201)({ id: board.id, title: board.title })).toBe(false);
    await expectFits(check, ['post', '/api/boards'], 400, await api('/api/boards', { method: 'POST', body: '{"title": 5}' }));

    const bearer = (role: keyof CreateBoardResponse['tokens']) => ({ authorization: `Bearer ${board.tokens[role]}` });
    const at = `/api/boards/${board.id}`;
    await expectFits(check, ['get', '/api/boards/{id}'], 200, await api(at, { headers: bearer('viewer') }));
    await expectFits(check, ['get', '/api/boards/{id}'], 401, await api(at));
    await expectFits(check, ['get', '/api/boards/{id}'], 404, await api(`/api/boards/nope?token=${board.tokens.viewer}`));
    await expectFits(check, ['get', '/api/boards/{id}/votes'], 200, await api(`${at}/votes?token=${board.tokens.contributor}`));

    const version = (await expectFits(
      check,
      ['post', '/api/boards/{id}/versions'],
      201,
      await api(`${at}/versions`, { method: 'POST', headers: bearer('facilitator'), body: JSON.stringify({ name: 'Before lunch', by: 'Amira' }) }),
    )) as { id: string };
    await expectFits(check, ['post', '/api/boards/{id}/versions'], 403, await api(`${at}/versions`, { method: 'POST', headers: bearer('viewer'), body: '{"name":"x"}' }));
    await expectFits(check, ['get', '/api/boards/{id}/versions'], 200, await api(`${at}/versions`, { headers: bearer('viewer') }));
    await expectFits(check, ['get', '/api/boards/{id}/versions/{vid}'], 200, await api(`${at}/versions/${version.id}`, { headers: bearer('viewer') }));
    await expectFits(check, ['get', '/api/boards/{id}/versions/{vid}'], 404, await api(`${at}/versions/nope`, { headers: bearer('viewer') }));
    await expectFits(check, ['get', '/api/boards/{id}/versions/{vid}/votes'], 200, await api(`${at}/versions/${version.id}/votes`, { headers: bearer('viewer') }));
    await expectFits(check, ['get', '/api/boards/{id}/versions/{vid}/compare'], 200, await api(`${at}/versions/${version.id}/compare`, { headers: bearer('viewer') }));
    await expectFits(
      check,
      ['post', '/api/boards/{id}/versions/{vid}/copy'],
      201,
      await api(`${at}/versions/${version.id}/copy`, { method: 'POST', headers: bearer('facilitator'), body: '' }),
    );

    const comment = { target: { kind: 'section', id: 'summary' }, text: 'Could the park stay open later?', author: { name: 'Amira' } };
    const validComment = check.request('post', '/api/boards/{id}/comments');
    expect(validComment(comment) ? [] : validComment.errors).toEqual([]);
    await expectFits(check, ['post', '/api/boards/{id}/comments'], 201, await api(`${at}/comments`, { method: 'POST', headers: bearer('viewer'), body: JSON.stringify(comment) }));
    await expectFits(check, ['get', '/api/boards/{id}/comments'], 200, await api(`${at}/comments`, { headers: bearer('viewer') }));

    await expectFits(check, ['post', '/api/boards/{id}/links/{role}/rotate'], 403, await api(`${at}/links/viewer/rotate`, { method: 'POST', headers: bearer('contributor') }));
    await expectFits(check, ['post', '/api/boards/{id}/links/{role}/rotate'], 200, await api(`${at}/links/viewer/rotate`, { method: 'POST', headers: bearer('facilitator') }));

    await expectFits(check, ['get', '/api/health'], 200, await api('/api/health'));
    await expectFits(check, ['get', '/api/ready'], 200, await api('/api/ready'));
  });

  it('the brief exports answer in the media types it lists for them', async () => {
    s = await startServer();
    const doc = await openApi(s);
    const board = await s.createBoard({ title: 'Safer streets' });
    const listed = Object.keys(doc.paths['/api/boards/{id}/{file}']!.get!.responses['200']!.content!);
    for (const format of Object.keys(BRIEF_FORMATS) as BriefFormat[]) {
      const res = await fetch(`${s.url}/api/boards/${board.id}/brief.${format}?token=${board.tokens.viewer}`);
      expect(res.status, format).toBe(200);
      expect(listed, format).toContain(res.headers.get('content-type')!.split(';')[0]);
      await res.arrayBuffer();
    }
  });
});
