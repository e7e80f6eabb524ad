/**
 * The brief as JSON: the `ChallengeBrief` itself, with the JSON Schema it follows, a format name
 * and schema version first so a reader can tell what it holds, and the export time also as an
 * ISO 8601 string. The schema is docs/brief.schema.json (JSON Schema 2020-12), documented field by
 * field in docs/brief-json.md; bump BRIEF_SCHEMA_VERSION on any change that could break a reader
 * (removing or renaming a field, changing its meaning or type), and give the schema the new $id.
 */
import { BRIEF_SCHEMA_VERSION, type BriefProvenance, type ChallengeBrief } from './brief.ts';

export const BRIEF_JSON_FORMAT = 'crossboard.challenge-brief';

/**
 * The `$id` of docs/brief.schema.json, one per schema version. An identifier, not an address:
 * `.example` names never resolve, so no reader fetches it, and it cannot be taken by anyone else.
 */
export const BRIEF_JSON_SCHEMA_ID = `https://crossboard.example/schemas/challenge-brief/${BRIEF_SCHEMA_VERSION}.json`;

export type ChallengeBriefJson = Omit<ChallengeBrief, 'provenance'> & {
  $schema: typeof BRIEF_JSON_SCHEMA_ID;
  format: typeof BRIEF_JSON_FORMAT;
  provenance: BriefProvenance & { exportedAtIso: string };
};

export function briefToJson(brief: ChallengeBrief): ChallengeBriefJson {
  const { schemaVersion, provenance, ...rest } = brief;
  return {
    $schema: BRIEF_JSON_SCHEMA_ID,
    format: BRIEF_JSON_FORMAT,
    schemaVersion,
    ...rest,
    provenance: { ...provenance, exportedAtIso: new Date(provenance.exportedAt).toISOString() },
  };
}

/** The brief as pretty-printed JSON (UTF-8, two-space indent, trailing newline). */
export function renderJson(brief: ChallengeBrief): string {
  return `${JSON.stringify(briefToJson(brief), null, 2)}\n`;
}

export class BriefJsonError extends Error {
  override name = 'BriefJsonError';
}

/**
 * Reads a brief written by `renderJson`. Checks the format name and schema version (a newer
 * schema is refused rather than misread); does not re-validate every field.
 */
export function parseBriefJson(text: string): ChallengeBriefJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BriefJsonError('not JSON');
  }
  const v = value as Partial<ChallengeBriefJson> | null;
  if (typeof v !== 'object' || v === null || v.format !== BRIEF_JSON_FORMAT) {
    throw new BriefJsonError(`not a Crossboard challenge brief (format must be "${BRIEF_JSON_FORMAT}")`);
  }
  if (typeof v.schemaVersion !== 'number' || v.schemaVersion > BRIEF_SCHEMA_VERSION) {
    throw new BriefJsonError(`unsupported brief schema version ${String(v.schemaVersion)}`);
  }
  return v as ChallengeBriefJson;
}
