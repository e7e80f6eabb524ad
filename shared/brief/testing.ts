/**
 * The golden brief every renderer test starts from: the Tech Connect fixture board, with its
 * `voting` section turned into server-style results (dots with each voter's sector, tallied,
 * revealed), and the expectations computed by hand from the fixture's 30 votes.
 */
import * as Y from 'yjs';
import { addAction, addIdea, addProblem, initBoard, mergeIdeas } from '../board/index.ts';
import { writeMarkdownToBody } from '../richtext/writeMarkdownToBody.ts';
import { cardBody, findCard } from '../schema.ts';
import fixtureJson from '../fixtures/tech-connect-board.json' with { type: 'json' };
import { seedBoardFromFixture, type BoardFixture } from '../fixtures.ts';
import type { Sector } from '../schema.ts';
import { DEFAULT_VOTE_CONFIG, tallyVotes, type Dot, type VoteConfig, type VoteRoundResult } from '../votes.ts';
import { buildBrief, type BuildBriefInput, type ChallengeBrief } from './brief.ts';
import { SEED_ORIGIN } from '../origins.ts';

export const FIXTURE = fixtureJson as unknown as BoardFixture;

export const BOARD_ID = 'tech-connect-2';
export const EXPORTED_AT = Date.UTC(2025, 10, 28, 9, 30);
export const OPENED_AT = Date.UTC(2025, 10, 27, 14, 0);
export const CLOSED_AT = Date.UTC(2025, 10, 27, 14, 12);

export function fixtureDoc(): Y.Doc {
  const doc = new Y.Doc();
  seedBoardFromFixture(doc, FIXTURE);
  return doc;
}

/** The fixture's votes as the server would hold them: one dot each, with the voter's sector. */
export function fixtureDots(): Dot[] {
  const people = new Map(FIXTURE.participants.map((p) => [p.id, p]));
  return FIXTURE.voting!.votes.map((v) => {
    const p = people.get(v.participantId)!;
    return { participantId: p.id, name: p.name, sector: p.sector, cardId: v.cardId };
  });
}

export function fixtureRound(
  overrides: Omit<Partial<VoteRoundResult>, 'config'> & { config?: Partial<VoteConfig> } = {},
): VoteRoundResult {
  const v = FIXTURE.voting!;
  const config: VoteConfig = {
    ...DEFAULT_VOTE_CONFIG,
    lane: 'ideas',
    votesPerPerson: v.votesPerPerson,
    maxPerCard: v.maxPerCard,
    anonymous: v.anonymous,
    ...overrides.config,
  };
  const dots = fixtureDots();
  const { config: _config, ...rest } = overrides;
  return {
    round: v.round,
    status: 'revealed',
    openedAt: OPENED_AT,
    closedAt: CLOSED_AT,
    voterCount: new Set(dots.map((d) => d.participantId)).size,
    tallies: tallyVotes(dots, config),
    ...rest,
    config,
  };
}

export const SUMMARY =
  'Ten people from nine organisations spent two days on one question: how to spot and prevent homelessness before it starts.\n\nThe room backed two ideas above the rest: a shared early-warning signal, and a tell-us-once help request.';
export const NEXT_STEPS = 'Run a caseworker trial of the early-warning signal in two Leeds wards from March.';

export function fixtureBrief(overrides: Partial<BuildBriefInput> = {}): ChallengeBrief {
  return buildBrief({
    boardId: BOARD_ID,
    doc: overrides.doc ?? fixtureDoc(),
    rounds: [fixtureRound()],
    summary: SUMMARY,
    nextSteps: NEXT_STEPS,
    showNames: true,
    exportedBy: { name: 'Amira Khan', role: 'facilitator' },
    exportedAt: EXPORTED_AT,
    ...overrides,
  });
}

type Expected = { id: string; title: string; rank: number | null; tied: boolean; total: number; bySector: Partial<Record<Sector, number>> };

/**
 * Round 1 worked out by hand from the fixture's votes (10 voters, 30 dots):
 * i1 p1 p1 p2 p4 p5 = 5 (public 3, private 2); i5 p1 p4 p6 p6 p9 = 5 (public 1, private 3, citizen 1);
 * i11 p5 p8 p10 p10 = 4 (private 1, academia 1, public 2); i4 p7 p7 p9 p9 = 4 (voluntary 2, citizen 2);
 * i8 p2 p3 p3 = 3 (public 3); i13 p8 p10 = 2 (academia 1, public 1); seven ideas with 1; i2 none.
 * Equal totals share a rank; inside a tie the order is the tally's (card id).
 */
export const EXPECTED_RANKING: Expected[] = [
  { id: 'i1', title: 'Shared early-warning signal across services', rank: 1, tied: true, total: 5, bySector: { 'public sector': 3, 'private sector': 2 } },
  { id: 'i5', title: 'Tell us once: a help request that follows you', rank: 1, tied: true, total: 5, bySector: { 'public sector': 1, 'private sector': 3, citizen: 1 } },
  { id: 'i11', title: 'Combine A&E and police data monthly', rank: 3, tied: true, total: 4, bySector: { 'public sector': 2, 'private sector': 1, academia: 1 } },
  { id: 'i4', title: 'One phone number, answered by people who have been there', rank: 3, tied: true, total: 4, bySector: { 'voluntary and community': 2, citizen: 2 } },
  { id: 'i8', title: 'Start housing referrals 12 weeks before release', rank: 5, tied: false, total: 3, bySector: { 'public sector': 3 } },
  { id: 'i13', title: 'Late-night transport to disperse crowds', rank: 6, tied: false, total: 2, bySector: { 'public sector': 1, academia: 1 } },
  { id: 'i10', title: 'Guaranteed first-night bed with a follow-on plan', rank: 7, tied: true, total: 1, bySector: { 'public sector': 1 } },
  { id: 'i12', title: 'Heat map for licensing decisions', rank: 7, tied: true, total: 1, bySector: { 'private sector': 1 } },
  { id: 'i14', title: 'Landlord portal to flag tenants in difficulty', rank: 7, tied: true, total: 1, bySector: { 'private sector': 1 } },
  { id: 'i3', title: 'Evaluate with a stepped-wedge trial', rank: 7, tied: true, total: 1, bySector: { academia: 1 } },
  { id: 'i6', title: 'Help points in GP surgeries and food banks', rank: 7, tied: true, total: 1, bySector: { 'voluntary and community': 1 } },
  { id: 'i7', title: 'Text-message nudges in plain English', rank: 7, tied: true, total: 1, bySector: { 'private sector': 1 } },
  { id: 'i9', title: 'Digital ID pack ready on release day', rank: 7, tied: true, total: 1, bySector: { 'public sector': 1 } },
  { id: 'i2', title: 'Trigger a support call when a sanction is applied', rank: null, tied: false, total: 0, bySector: {} },
];

/** The fixture's contributors by sector, as every format's table reads: header row, then one row a sector. */
export const EXPECTED_SECTOR_TABLE: string[][] = [
  ['Sector', 'People', 'Organisations', 'Cards written'],
  ['Public sector', '4', '4', '13'],
  ['Private sector', '3', '3', '8'],
  ['Academia', '1', '1', '2'],
  ['Voluntary and community', '1', '1', '2'],
  ['Citizens', '1', '1', '2'],
];

/** "5 votes (public sector 3, private sector 2)", or "None in round 1": an idea's Votes fact in every format. */
export function expectedVotesText(e: Expected): string {
  if (e.total === 0) return 'None in round 1';
  const order: Sector[] = ['public sector', 'private sector', 'academia', 'voluntary and community', 'citizen'];
  const parts = order.filter((s) => (e.bySector[s] ?? 0) > 0).map((s) => `${s} ${e.bySector[s]}`);
  return `${e.total} vote${e.total === 1 ? '' : 's'} (${parts.join(', ')})`;
}

/** A board whose every user-written string is hostile: markup, Markdown, entities, odd scripts. */
export const HOSTILE = {
  title: '<script>alert("t")</script> **Bold** & [x](javascript:alert(1)) # Hash',
  challenge: '<img src=x onerror=alert(1)> _under_ `tick` &amp; 1. not a list',
  sponsor: 'Dafydd ap Gwŷn & Łukasz Żółć <b>Ltd</b>',
  ideaTitle: '</h3><iframe src="https://evil.example"></iframe> *star* | pipe',
  ideaBody: '# Heading\n\nA [bad link](javascript:alert(1)) and <u>raw</u> html & *em*.\n\n- item <b>one</b>',
  personName: 'Siân <Evans> "quoted"',
  organisation: 'Smith & Sons <Ltd>',
};

/** Replaces a card's body with rich text from Markdown. */
export function writeBody(doc: Y.Doc, cardId: string, markdown: string): void {
  const record = findCard(doc, cardId)?.record;
  const body = record && cardBody(record);
  if (!body) throw new Error(`no card ${cardId} with a body`);
  writeMarkdownToBody(doc, body, markdown);
}

export const HOSTILE_AUTHOR = { participantId: 'h1', name: HOSTILE.personName, organisation: HOSTILE.organisation, sector: 'citizen' as const };

/** The board behind `hostileBrief`: problem `p` and idea `i`, for tests that add more to it. */
export function hostileDoc(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: HOSTILE.title, challenge: HOSTILE.challenge, sponsor: HOSTILE.sponsor, createdAt: 0 }, SEED_ORIGIN);
  const pid = addProblem(doc, { id: 'p', title: 'How might we stay safe?', author: HOSTILE_AUTHOR }, SEED_ORIGIN);
  addIdea(doc, { id: 'i', title: HOSTILE.ideaTitle, author: HOSTILE_AUTHOR, problemId: pid }, SEED_ORIGIN);
  writeBody(doc, 'i', HOSTILE.ideaBody);
  return doc;
}

/** A small board where everything a person typed is hostile (see HOSTILE), as a brief. */
export function hostileBrief(overrides: Partial<BuildBriefInput> = {}): ChallengeBrief {
  return buildBrief({
    boardId: 'hostile',
    doc: hostileDoc(),
    rounds: [],
    showNames: true,
    exportedBy: { name: HOSTILE.personName, role: 'viewer' },
    exportedAt: 0,
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------------
// Long cards, merged ideas and actions

/** The board's address as the server gives it to a brief: `provenance.boardUrl`. */
export const BOARD_URL = `https://crossboard.example.org/b/${BOARD_ID}`;
/** The last paragraph of PASTE: what no document may print (the JSON keeps it). */
export const PASTE_END = 'THE-LAST-PARAGRAPH-OF-THE-PASTE';
const SENTENCE = 'A help request that follows you from service to service. ';
/** A 320 KB paste: the sentence over and over, then PASTE_END. */
export const PASTE = `${SENTENCE.repeat(Math.ceil(320_000 / SENTENCE.length))}\n\n${PASTE_END}`;

/** The actions of `actionsDoc` as every document's table shows them: action, owner, due, status, from idea. */
export const ACTION_ROWS = [
  ['Run a caseworker trial in two wards', 'Grace Adeyemi, Ministry of Justice', '2 March 2026', 'In progress', 'Shared early-warning signal across services'],
  ['Report back to the housing board', 'Housing team', 'No date', 'Open', ''],
];

/** A participant of the fixture as a card's author (or an action's owner). */
export function fixturePerson(id: string) {
  const p = FIXTURE.participants.find((x) => x.id === id)!;
  return { participantId: p.id, name: p.name, organisation: p.organisation, sector: p.sector };
}

/**
 * The fixture board with a duplicate of "Shared early-warning signal" (i1) by Tom (p2) merged into
 * it, `paste` as the body of "Tell us once" (i5; none when ''), and the two actions of
 * ACTION_ROWS: one owned by Grace (p3), written for the duplicate (so carrying i1 forward once it
 * is merged), one owned by a name typed in.
 */
export function actionsDoc(paste = PASTE): Y.Doc {
  const doc = fixtureDoc();
  addIdea(doc, { id: 'dup', title: 'Early warning, shared', author: fixturePerson('p2'), problemId: null }, SEED_ORIGIN);
  const [trial, report] = ACTION_ROWS;
  addAction(
    doc,
    { title: trial![0], owner: { kind: 'participant', ...fixturePerson('p3') }, due: '2026-03-02', status: 'in-progress', ideaId: 'dup' },
    SEED_ORIGIN,
  );
  addAction(doc, { title: report![0], owner: { kind: 'name', name: 'Housing team' } }, SEED_ORIGIN);
  mergeIdeas(doc, { keepId: 'i1', mergeId: 'dup' }, SEED_ORIGIN);
  if (paste) writeBody(doc, 'i5', paste);
  return doc;
}
