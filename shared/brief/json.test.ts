import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addIdea, deleteCard, initBoard } from '../board/index.ts';
import { SEED_ORIGIN } from '../origins.ts';
import { boardMaps, CARD } from '../schema.ts';
import { DEFAULT_VOTE_CONFIG, tallyRound, tallyVotes, withCheckedSectors, type VoteRoundResult } from '../votes.ts';
import { BRIEF_SCHEMA_VERSION, buildBrief, type ChallengeBrief } from './brief.ts';
import { BRIEF_JSON_FORMAT, BRIEF_JSON_SCHEMA_ID, BriefJsonError, parseBriefJson, renderJson } from './json.ts';
import { actionsDoc, BOARD_URL, EXPECTED_RANKING, fixtureBrief, fixtureDoc, fixtureDots, fixtureRound, hostileBrief, OPENED_AT } from './testing.ts';
import { BRIEF_SCHEMA, briefSchemaErrors } from './testingSchema.ts';

describe('renderJson', () => {
  const brief = fixtureBrief();
  const text = renderJson(brief);
  const json = parseBriefJson(text);

  test('starts with its schema, the format name and schema version, and round-trips the brief', () => {
    expect(Object.keys(JSON.parse(text)).slice(0, 3)).toEqual(['$schema', 'format', 'schemaVersion']);
    expect(json.$schema).toBe(BRIEF_JSON_SCHEMA_ID);
    expect(json.format).toBe(BRIEF_JSON_FORMAT);
    expect(json.schemaVersion).toBe(BRIEF_SCHEMA_VERSION);
    const { $schema: _schema, format: _format, provenance: { exportedAtIso, ...provenance }, ...rest } = json;
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

  test('docs/brief-json.md documents every field the JSON has, those of actions and merged ideas too', () => {
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
    walk(JSON.parse(renderJson(fixtureBrief({ doc: actionsDoc(''), boardUrl: BOARD_URL }))));
    const missing = [...fields].filter((key) => !docs.includes(`\`${key}\``));
    expect(missing).toEqual([]);
    expect(docs).toContain(`\`${BRIEF_JSON_FORMAT}\``);
  });
});

describe('docs/brief.schema.json', () => {
  test('is the schema the export names, at this schema version', () => {
    expect(BRIEF_SCHEMA.$id).toBe(BRIEF_JSON_SCHEMA_ID);
    expect(BRIEF_SCHEMA.properties.$schema!.const).toBe(BRIEF_JSON_SCHEMA_ID);
    expect(BRIEF_SCHEMA.properties.format!.const).toBe(BRIEF_JSON_FORMAT);
    expect(BRIEF_SCHEMA.properties.schemaVersion!.const).toBe(BRIEF_SCHEMA_VERSION);
  });

  /** An anonymous round of the fixture's votes with a threshold of 3 voters: four sectors are too small. */
  function anonymousRound(): VoteRoundResult {
    const config = { anonymous: true, sectorWeighting: false };
    return fixtureRound({ config, ...tallyRound(fixtureDots(), config, 3) });
  }

  function emptyBoard(): Y.Doc {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Empty', createdAt: 0 }, SEED_ORIGIN);
    return doc;
  }

  /** A board a peer has damaged: an author that is not one, a body that is not text, odd numbers. */
  function damagedBoard(): Y.Doc {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Odd board', createdAt: 0 }, SEED_ORIGIN);
    addIdea(doc, { id: 'i', title: 'I', author: { participantId: 'x', name: 'Ana', organisation: '', sector: 'citizen' }, problemId: null }, SEED_ORIGIN);
    doc.transact(() => {
      const idea = boardMaps(doc).ideas.get('i') as Y.Map<unknown>;
      idea.set(CARD.author, { sector: 'aliens' });
      idea.set(CARD.body, 'not rich text');
      idea.set(CARD.createdAt, 1.5);
      idea.set(CARD.updatedAt, 2.5);
      boardMaps(doc).meta.set('schemaVersion', 1.25);
    });
    return doc;
  }

  const deleted = fixtureDoc();
  deleteCard(deleted, 'i1', SEED_ORIGIN);
  const weighted = { anonymous: false, sectorWeighting: true };
  const problemsConfig = { ...DEFAULT_VOTE_CONFIG, lane: 'problems' as const };
  const problemsRound: VoteRoundResult = {
    round: 2,
    status: 'open',
    openedAt: OPENED_AT,
    closedAt: null,
    voterCount: 1,
    config: problemsConfig,
    tallies: tallyVotes([{ participantId: 'p1', name: 'Amira Khan', sector: 'public sector', cardId: 'pb2' }], problemsConfig),
  };

  const boards: Array<[string, () => ChallengeBrief]> = [
    ['the fixture board', () => fixtureBrief()],
    ['an empty board', () => buildBrief({ boardId: 'empty', doc: emptyBoard(), rounds: [], showNames: true, exportedBy: { name: '', role: 'viewer' }, exportedAt: 0 })],
    ['hostile titles, names and bodies', () => hostileBrief()],
    ['an anonymous round with small sectors counted together', () => fixtureBrief({ rounds: [anonymousRound()] })],
    ['an anonymous round saved before sectors were checked', () => fixtureBrief({ rounds: [withCheckedSectors({ ...fixtureRound({ config: { anonymous: true } }) })] })],
    ['results hidden until the reveal', () => fixtureBrief({ rounds: [fixtureRound({ status: 'closed', config: { hideUntilReveal: true } })] })],
    ['sector weighting, and a problems round still open', () => fixtureBrief({ rounds: [fixtureRound({ config: weighted, tallies: tallyVotes(fixtureDots(), weighted) }), problemsRound] })],
    ['names withheld', () => fixtureBrief({ showNames: false, exportedBy: { name: '', role: 'contributor' } })],
    ['a saved version, exported from the command line', () => fixtureBrief({ version: { id: 'v-7', name: 'End of day 1' }, exportedBy: { name: '', role: 'cli' } })],
    ['dots on a deleted idea', () => fixtureBrief({ doc: deleted })],
    ['a board a peer damaged', () => buildBrief({ boardId: 'odd', doc: damagedBoard(), rounds: [], showNames: true, exportedBy: { name: 'CLI', role: 'cli' }, exportedAt: 0 })],
    ['merged ideas, actions and a long body, with the board’s address', () => fixtureBrief({ doc: actionsDoc(), boardUrl: BOARD_URL })],
    ['merged ideas and actions, names withheld', () => fixtureBrief({ doc: actionsDoc(''), showNames: false })],
  ];

  test.each(boards)('the export of %s follows it', (_name, brief) => {
    expect(briefSchemaErrors(JSON.parse(renderJson(brief())))).toEqual([]);
  });

  test('those boards cover the optional and shortened shapes', () => {
    const anonymous = fixtureBrief({ rounds: [anonymousRound()] }).rounds[0]!.ranking;
    expect(anonymous[0]!.bySector.map((s) => s.sector)).toEqual(['public sector', 'private sector']);
    expect(anonymous.some((e) => e.otherSectors > 0)).toBe(true);
    expect(anonymous.every((e) => e.voters === undefined)).toBe(true);
    const damaged = buildBrief({ boardId: 'odd', doc: damagedBoard(), rounds: [], showNames: true, exportedBy: { name: 'CLI', role: 'cli' }, exportedAt: 0 });
    expect(damaged.ideas[0]!.author).toEqual({ name: null, organisation: '', sector: 'unknown' });
    expect(damaged.provenance.boardChangedAt).toBe(2);
    expect(damaged.provenance.boardSchemaVersion).toBe(1.25);
  });

  test('it is strict: it refuses a field it does not list, a missing one, and a wrong type or value', () => {
    const good = JSON.parse(renderJson(fixtureBrief()));
    const changed = (change: (json: typeof good) => void) => {
      const copy = structuredClone(good);
      change(copy);
      return briefSchemaErrors(copy);
    };
    expect(changed((j) => (j.extra = 1))).toContainEqual(expect.stringMatching(/^\/ must NOT have additional properties/));
    expect(changed((j) => delete j.provenance.boardChangedAt)).toContainEqual(expect.stringMatching(/^\/provenance must have required property 'boardChangedAt'/));
    expect(changed((j) => (j.ideas[0].author.sector = 'aliens'))).toContainEqual(expect.stringMatching(/^\/ideas\/0\/author\/sector /));
    expect(changed((j) => (j.ideas[0].votes.rank = 0))).toContainEqual(expect.stringMatching(/^\/ideas\/0\/votes\/rank must be >= 1/));
    expect(changed((j) => (j.rounds[0].ranking[0].surprise = true))).toContainEqual(expect.stringMatching(/^\/rounds\/0\/ranking\/0 must NOT have unevaluated properties/));
    expect(changed((j) => (j.problems[0].body[0] = { type: 'table', children: [] }))).toContainEqual(expect.stringMatching(/^\/problems\/0\/body\/0 must match exactly one schema in oneOf/));
    expect(changed((j) => (j.problems[0].body[0].children[0].bold = false))).not.toEqual([]);
    expect(changed((j) => (j.provenance.boardVersion = 'abc'))).toContainEqual(expect.stringMatching(/^\/provenance\/boardVersion must match pattern/));
    expect(changed((j) => (j.provenance.exportedAtIso = 'yesterday'))).toContainEqual(expect.stringMatching(/^\/provenance\/exportedAtIso must match format "date-time"/));
    expect(changed((j) => (j.$schema = 'https://crossboard.example/schemas/challenge-brief/1.json'))).toContainEqual(expect.stringMatching(/^\/\$schema must be equal to constant/));
    expect(changed((j) => delete j.ideas[0].coAuthors)).toContainEqual(expect.stringMatching(/^\/ideas\/0 must have required property 'coAuthors'/));
    expect(changed((j) => (j.actions = [{ id: 'a', title: 'x', owner: null, due: 'soon', status: 'open', ideaId: null }]))).toContainEqual(
      expect.stringMatching(/^\/actions\/0\/due /),
    );
    expect(changed((j) => (j.provenance.boardUrl = 'https://crossboard.example.org/b/x?token=t'))).toContainEqual(expect.stringMatching(/^\/provenance\/boardUrl /));
  });
});
