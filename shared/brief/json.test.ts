import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BRIEF_SCHEMA_VERSION } from './brief.ts';
import { BRIEF_JSON_FORMAT, BriefJsonError, parseBriefJson, renderJson } from './json.ts';
import { EXPECTED_RANKING, fixtureBrief } from './testing.ts';

describe('renderJson', () => {
  const brief = fixtureBrief();
  const text = renderJson(brief);
  const json = parseBriefJson(text);

  test('starts with the format name and schema version, and round-trips the brief', () => {
    expect(Object.keys(JSON.parse(text)).slice(0, 2)).toEqual(['format', 'schemaVersion']);
    expect(json.format).toBe(BRIEF_JSON_FORMAT);
    expect(json.schemaVersion).toBe(BRIEF_SCHEMA_VERSION);
    const { format: _format, provenance: { exportedAtIso, ...provenance }, ...rest } = json;
    expect({ ...rest, provenance }).toEqual(brief);
    expect(exportedAtIso).toBe('2025-11-28T09:30:00.000Z');
  });

  test('holds the ranking, totals and sector breakdown as numbers', () => {
    const ranking = json.rounds[0]!.ranking;
    expect(ranking.map((e) => [e.cardId, e.rank, e.total])).toEqual(EXPECTED_RANKING.map((e) => [e.id, e.rank, e.total]));
    expect(ranking[0]!.bySector).toEqual([
      { sector: 'public sector', votes: 3 },
      { sector: 'private sector', votes: 2 },
      { sector: 'academia', votes: 0 },
      { sector: 'voluntary and community', votes: 0 },
      { sector: 'citizen', votes: 0 },
    ]);
    expect(json.provenance.boardVersion).toMatch(/^[0-9a-f]{64}$/);
  });

  test('refuses what is not a brief, or a newer schema', () => {
    expect(() => parseBriefJson('nope')).toThrow(BriefJsonError);
    expect(() => parseBriefJson('{"format":"other"}')).toThrow(/not a Crossboard challenge brief/);
    expect(() => parseBriefJson(JSON.stringify({ format: BRIEF_JSON_FORMAT, schemaVersion: BRIEF_SCHEMA_VERSION + 1 }))).toThrow(
      /unsupported brief schema version/,
    );
  });

  test('docs/brief-json.md documents every field the JSON has', () => {
    const docs = readFileSync(new URL('../../docs/brief-json.md', import.meta.url), 'utf8');
    const fields = new Set<string>();
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          fields.add(k);
          walk(v);
        }
      }
    };
    walk(json);
    const missing = [...fields].filter((key) => !docs.includes(`\`${key}\``));
    expect(missing).toEqual([]);
    expect(docs).toContain(`\`${BRIEF_JSON_FORMAT}\``);
  });
});
