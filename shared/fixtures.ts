/**
 * Boards for tests, screenshots and benchmarks, built through the same write functions the app
 * uses: the Tech Connect fixture (`shared/fixtures/tech-connect-board.json`, bodies in Markdown)
 * and large deterministic boards for the 300-card e2e test and benchmarks.
 *
 * Content is deterministic; timestamps (`createdAt`, `updatedAt`) are the time of seeding.
 */
import type * as Y from 'yjs';
import { addIdea, addNote, addProblem, addTheme, initBoard, type Author } from './board/index.ts';
import { writeMarkdownToBody } from './richtext/writeMarkdownToBody.ts';
import { cardBody, findCard, type Sector, type Template } from './schema.ts';
import { SEED_ORIGIN, type BoardOrigin } from './origins.ts';

export type FixtureParticipant = { id: string; name: string; organisation: string; sector: Sector };
/** A card as the fixture states it: `author` is a participant id, `body` is Markdown. */
export type FixtureCard = { id: string; author: string; title: string; body: string };
export type FixtureVote = { participantId: string; cardId: string };

export type BoardFixture = {
  about?: string;
  title: string;
  challenge: string;
  sponsor: string;
  template: Template;
  participants: FixtureParticipant[];
  problems: FixtureCard[];
  /** `author` defaults to the first participant (the fixture's themes have none) */
  themes: Array<{ id: string; title: string; author?: string }>;
  ideas: Array<FixtureCard & { problemId: string | null; theme?: string | null }>;
  notes: Array<FixtureCard & { ideaId: string | null }>;
  /** Votes are server-authoritative and not part of the document: seeding ignores them. */
  voting?: {
    round: number;
    lane: 'problems' | 'ideas' | 'notes';
    votesPerPerson: number;
    maxPerCard: number;
    anonymous: boolean;
    votes: FixtureVote[];
  };
};

/**
 * Builds the fixture's board in `doc` in one transaction: meta, themes, problems, ideas, notes,
 * with the fixture's ids and authors and each body written from its Markdown.
 * Returns fixture id -> card (or theme) id; they are the same ids.
 */
export function seedBoardFromFixture(
  doc: Y.Doc,
  fixture: BoardFixture,
  origin: BoardOrigin = SEED_ORIGIN,
): Map<string, string> {
  const ids = new Map<string, string>();
  const authors = new Map(
    fixture.participants.map((p): [string, Author] => [
      p.id,
      { participantId: p.id, name: p.name, organisation: p.organisation, sector: p.sector },
    ]),
  );
  const author = (participantId: string | undefined): Author => {
    const found = authors.get(participantId ?? fixture.participants[0]?.id ?? '');
    if (!found) throw new Error(`fixture: unknown participant ${participantId}`);
    return found;
  };
  const body = (cardId: string, markdown: string) => {
    const record = findCard(doc, cardId)?.record;
    const target = record && cardBody(record);
    if (target) writeMarkdownToBody(doc, target, markdown, origin);
  };

  doc.transact(() => {
    initBoard(
      doc,
      {
        title: fixture.title,
        challenge: fixture.challenge,
        sponsor: fixture.sponsor,
        template: fixture.template,
      },
      origin,
    );
    for (const t of fixture.themes) {
      ids.set(t.id, addTheme(doc, { id: t.id, title: t.title, author: author(t.author) }, origin));
    }
    for (const p of fixture.problems) {
      ids.set(p.id, addProblem(doc, { id: p.id, title: p.title, author: author(p.author) }, origin));
      body(p.id, p.body);
    }
    for (const i of fixture.ideas) {
      const id = addIdea(
        doc,
        {
          id: i.id,
          title: i.title,
          author: author(i.author),
          problemId: i.problemId === null ? null : (ids.get(i.problemId) ?? null),
          themeId: i.theme ? (ids.get(i.theme) ?? null) : null,
        },
        origin,
      );
      ids.set(i.id, id);
      body(id, i.body);
    }
    for (const n of fixture.notes) {
      const id = addNote(
        doc,
        {
          id: n.id,
          title: n.title,
          author: author(n.author),
          ideaId: n.ideaId === null ? null : (ids.get(n.ideaId) ?? null),
        },
        origin,
      );
      ids.set(n.id, id);
      body(id, n.body);
    }
  }, origin);
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Large deterministic boards

export type LargeBoardIds = { problems: string[]; ideas: string[]; notes: string[]; themes: string[] };

/** mulberry32: a small, fast, seeded PRNG (same sequence on every platform). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE: Author[] = [
  { participantId: 'lp1', name: 'Nadia Hussain', organisation: 'Home Office', sector: 'public sector' },
  { participantId: 'lp2', name: 'Owen Price', organisation: 'Bristol City Council', sector: 'public sector' },
  { participantId: 'lp3', name: 'Mei Chen', organisation: 'Brightwire Systems', sector: 'private sector' },
  { participantId: 'lp4', name: 'Daniel Okafor', organisation: 'Civic Data Co', sector: 'private sector' },
  { participantId: 'lp5', name: 'Ruth Ellis', organisation: 'Safe Streets Trust', sector: 'voluntary and community' },
  { participantId: 'lp6', name: 'Prof. Ines Duarte', organisation: 'University of Leeds', sector: 'academia' },
  { participantId: 'lp7', name: 'Kofi Mensah', organisation: 'Residents panel', sector: 'citizen' },
  { participantId: 'lp8', name: 'Sarah Lloyd', organisation: 'NHS England', sector: 'public sector' },
];

const GROUPS = [
  'young people leaving care', 'private renters', 'people leaving prison', 'families in temporary housing',
  'night-time workers', 'older people living alone', 'victims of repeat crime', 'new arrivals',
];
const NEEDS = [
  'find help before a crisis', 'keep their tenancy', 'report a problem safely', 'get advice out of hours',
  'avoid repeating their story', 'reach services without a smartphone', 'be contacted early', 'feel safe at night',
];
const IDEA_SHAPES = [
  'A shared referral for', 'Text reminders for', 'A drop-in help point for', 'Peer mentors for',
  'One phone number for', 'Early-warning data for', 'A plain-English guide for', 'Weekend outreach for',
];
const NOTE_SHAPES = [
  'Prototype: paper test with', 'Prototype: clickable mock-up for', 'Risk: data sharing with',
  'Prototype: call script for', 'Finding: interviews with', 'Prototype: pilot week with',
];
const THEMES = ['Join up the data', 'Make help easy to reach', 'Measure what works', 'Prevent, not cure', 'Work with communities'];
const SENTENCES = [
  'Start small in one ward and measure the effect **before scaling up**.',
  'Caseworkers told us the current process takes *three weeks* on average.',
  'Needs a data-sharing agreement between the council and the health trust.',
  'Could reuse the [GOV.UK design system](https://design-system.service.gov.uk/) for the forms.',
  'People with lived experience should review the wording first.',
  'Costs are mostly staff time; no new software is needed for the pilot.',
  'Works on any phone, including basic ones without data.',
  'The charity already runs something similar on weekdays.',
];

/**
 * A deterministic board of `cards` cards — about 1/6 problems, 1/2 ideas, 1/3 notes — with five
 * themes, short realistic titles and one-paragraph Markdown bodies, built in one transaction.
 * Ideas are spread over the problems, notes over the ideas, about half the ideas are themed.
 * The same `seed` gives the same board.
 */
export function seedLargeBoard(
  doc: Y.Doc,
  { cards, seed = 1 }: { cards: number; seed?: number },
  origin: BoardOrigin = SEED_ORIGIN,
): LargeBoardIds {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const nProblems = Math.round(cards / 6);
  const nNotes = Math.round(cards / 3);
  const nIdeas = cards - nProblems - nNotes;
  const pad = (n: number) => String(n).padStart(3, '0');
  const paragraph = () => `${pick(SENTENCES)} ${pick(SENTENCES)}`;
  const ids: LargeBoardIds = { problems: [], ideas: [], notes: [], themes: [] };
  const write = (id: string) => {
    const record = findCard(doc, id)?.record;
    const body = record && cardBody(record);
    if (body) writeMarkdownToBody(doc, body, paragraph(), origin);
  };

  doc.transact(() => {
    initBoard(
      doc,
      {
        title: `Safer neighbourhoods sprint (${cards} cards)`,
        challenge: 'How might services, companies and communities prevent harm before it happens?',
        sponsor: 'Crossboard benchmark',
        template: 'design-sprint',
        createdAt: 0,
      },
      origin,
    );
    THEMES.forEach((title, i) => {
      ids.themes.push(addTheme(doc, { id: `theme-${i + 1}`, title, author: pick(PEOPLE) }, origin));
    });
    for (let i = 1; i <= nProblems; i++) {
      const title = `How might we help ${pick(GROUPS)} ${pick(NEEDS)}?`;
      ids.problems.push(addProblem(doc, { id: `problem-${pad(i)}`, title, author: pick(PEOPLE) }, origin));
      write(ids.problems.at(-1)!);
    }
    for (let i = 1; i <= nIdeas; i++) {
      const problemId = ids.problems.length > 0 ? pick(ids.problems) : null;
      const themeId = rand() < 0.5 ? pick(ids.themes) : null;
      const title = `${pick(IDEA_SHAPES)} ${pick(GROUPS)}`;
      ids.ideas.push(addIdea(doc, { id: `idea-${pad(i)}`, title, author: pick(PEOPLE), problemId, themeId }, origin));
      write(ids.ideas.at(-1)!);
    }
    for (let i = 1; i <= nNotes; i++) {
      const ideaId = ids.ideas.length > 0 ? pick(ids.ideas) : null;
      const title = `${pick(NOTE_SHAPES)} ${pick(GROUPS)}`;
      ids.notes.push(addNote(doc, { id: `note-${pad(i)}`, title, author: pick(PEOPLE), ideaId }, origin));
      write(ids.notes.at(-1)!);
    }
  }, origin);
  return ids;
}
