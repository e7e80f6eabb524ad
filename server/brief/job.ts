/**
 * One export, as plain data: everything needed to build and render a brief, with the board as its
 * encoded Yjs state. (And one comparison of two states, which reads card bodies through Lexical
 * just as building a brief does, so it runs in the same place.) Plain data crosses a worker boundary by structured clone, and building the
 * brief (rich text through Lexical, for every card) costs about as much CPU as rendering the
 * smaller formats, so both happen wherever the job runs — a worker for the server, in-process for
 * the CLI — through this one function, which is why the two give the same bytes.
 */
import * as Y from 'yjs';
import { buildBrief, type ExportRole } from '../../shared/brief/brief.ts';
import { compareBoards, type BoardComparison } from '../../shared/brief/compare.ts';
import type { BriefFormat } from '../../shared/brief/formats.ts';
import { seedBoardFromFixture, type BoardFixture } from '../../shared/fixtures.ts';
import fixtureBoard from '../../shared/fixtures/tech-connect-board.json' with { type: 'json' };
import { DEFAULT_VOTE_CONFIG, tallyVotes, type Dot, type VoteRoundResult } from '../../shared/votes.ts';
import { renderBrief, type RenderedBrief } from './index.ts';

export type BriefJob = {
  format: BriefFormat;
  boardId: string;
  /** `Y.encodeStateAsUpdate` of the board's document (live, or a saved version's) */
  state: Uint8Array;
  rounds: readonly VoteRoundResult[];
  showNames: boolean;
  exportedBy: { name: string; role: ExportRole };
  /** ms since the epoch */
  exportedAt: number;
  /** the saved version the state comes from; absent for the live board */
  version?: { id: string; name: string };
  /** the board page's address without a token, for links to its cards (`boardUrl` in source.ts) */
  boardUrl?: string;
};

/** The rendered brief, with the board's title and version as the brief states them. */
export type BriefJobResult = RenderedBrief & { boardVersion: string; title: string };

export async function runBriefJob(job: BriefJob): Promise<BriefJobResult> {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, job.state);
    const brief = buildBrief({
      boardId: job.boardId,
      doc,
      rounds: job.rounds,
      showNames: job.showNames,
      exportedBy: job.exportedBy,
      exportedAt: job.exportedAt,
      ...(job.version ? { version: job.version } : {}),
      ...(job.boardUrl ? { boardUrl: job.boardUrl } : {}),
    });
    const rendered = await renderBrief(brief, job.format);
    return { ...rendered, boardVersion: brief.provenance.boardVersion, title: brief.title };
  } finally {
    doc.destroy();
  }
}

/** Two states of a board to compare: a saved version (before) and now (after). */
export type CompareJob = {
  before: { state: Uint8Array; rounds: readonly VoteRoundResult[] };
  after: { state: Uint8Array; rounds: readonly VoteRoundResult[] };
};

export function runCompareJob(job: CompareJob): BoardComparison {
  const before = new Y.Doc();
  const after = new Y.Doc();
  try {
    Y.applyUpdate(before, job.before.state);
    Y.applyUpdate(after, job.after.state);
    return compareBoards({ doc: before, rounds: job.before.rounds }, { doc: after, rounds: job.after.rounds });
  } finally {
    before.destroy();
    after.destroy();
  }
}

/**
 * Builds and renders the Tech Connect fixture board's brief as a PDF, with its vote round, and
 * forgets it: what a first export pays for once per worker (parsing the fonts, compiling
 * Lexical's, pdfkit's and fontkit's code on real content: headings, lists, links, tables) is paid
 * here, before any export waits. Twice, because V8 optimises code only once it has run a while.
 */
export async function warmUp(): Promise<void> {
  const fixture = fixtureBoard as unknown as BoardFixture;
  const doc = new Y.Doc();
  try {
    seedBoardFromFixture(doc, fixture);
    const people = new Map(fixture.participants.map((p) => [p.id, p]));
    const dots: Dot[] = (fixture.voting?.votes ?? []).flatMap((v) => {
      const p = people.get(v.participantId);
      return p ? [{ participantId: p.id, name: p.name, sector: p.sector, cardId: v.cardId }] : [];
    });
    const round: VoteRoundResult = {
      round: 1,
      config: DEFAULT_VOTE_CONFIG,
      status: 'revealed',
      openedAt: 0,
      closedAt: 0,
      voterCount: new Set(dots.map((d) => d.participantId)).size,
      tallies: tallyVotes(dots, DEFAULT_VOTE_CONFIG),
    };
    const job: BriefJob = {
      format: 'pdf',
      boardId: 'warm-up',
      state: Y.encodeStateAsUpdate(doc),
      rounds: [round],
      showNames: true,
      exportedBy: { name: 'Crossboard', role: 'facilitator' },
      exportedAt: 0,
    };
    for (let i = 0; i < 2; i++) await runBriefJob(job);
  } finally {
    doc.destroy();
  }
}
