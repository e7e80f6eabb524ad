/**
 * For tests: docs/brief.schema.json compiled by ajv (JSON Schema 2020-12, strict, with formats
 * such as `date-time` checked), with docs/brief-action.schema.json, which it names for each of
 * `actions`; and the schemas' complaints about a JSON export, or about one action.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Schema = { $id: string; properties: Record<string, { const?: unknown }> };
const read = (name: string) => JSON.parse(readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')) as Schema;

export const BRIEF_SCHEMA = read('brief.schema.json');
export const BRIEF_ACTION_SCHEMA = read('brief-action.schema.json');

// strict: a misspelt keyword in the schema is an error here rather than a check that never runs
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
ajv.addSchema(BRIEF_ACTION_SCHEMA);
const validate = ajv.compile(BRIEF_SCHEMA);
const validateAction = ajv.getSchema(BRIEF_ACTION_SCHEMA.$id)!;

function errors(check: typeof validate, value: unknown): string[] {
  if (check(value)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** What the schema finds wrong with `value`, one line per error; [] when it follows the schema. */
export function briefSchemaErrors(value: unknown): string[] {
  return errors(validate, value);
}

/** The same for one action, against docs/brief-action.schema.json alone. */
export function actionSchemaErrors(value: unknown): string[] {
  return errors(validateAction, value);
}
