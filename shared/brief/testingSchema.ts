/**
 * For tests: docs/brief.schema.json compiled by ajv (JSON Schema 2020-12, strict, with formats
 * such as `date-time` checked), and the schema's complaints about a JSON export.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const BRIEF_SCHEMA = JSON.parse(readFileSync(new URL('../../docs/brief.schema.json', import.meta.url), 'utf8')) as {
  $id: string;
  properties: Record<string, { const?: unknown }>;
};

// strict: a misspelt keyword in the schema is an error here rather than a check that never runs
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(BRIEF_SCHEMA);

/** What the schema finds wrong with `value`, one line per error; [] when it follows the schema. */
export function briefSchemaErrors(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
