/**
 * Reading a JSON request body against a zod schema, with the API's one way of refusing it:
 * 400 `invalid JSON body` for text that is not JSON, 400 `<field>: <message>` (with `field`) for
 * the first field the schema refuses, or `body must be a JSON object` when there is no field to
 * blame (an array, a number).
 */
import type { Context } from 'hono';
import type { z } from 'zod';

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/** Reads and checks the body; an empty body reads as `{}` when `emptyOk`. */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S, options: { emptyOk?: boolean } = {}): Promise<BodyResult<z.infer<S>>> {
  const text = await c.req.text();
  let json: unknown;
  if (options.emptyOk && text.trim() === '') {
    json = {};
  } else {
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, response: c.json({ error: 'invalid JSON body' }, 400) };
    }
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
  return { ok: false, response: c.json(field ? { error: `${field}: ${issue.message}`, field } : { error: 'body must be a JSON object' }, 400) };
}
