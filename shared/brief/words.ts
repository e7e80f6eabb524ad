/**
 * The words of a brief, in one place, so that every format says the same thing the same way:
 * sector names, counts, ranks, people and dates. Plain English, in the GOV.UK style: sentence
 * case, numerals, no jargon, no symbols that a screen reader reads out as noise.
 */

import type { ActionStatus } from '../schema.ts';
import type {
  BriefActionOwner,
  BriefPerson,
  BriefRankEntry,
  BriefRound,
  BriefSector,
  ExportRole,
} from './brief.ts';

export const SECTION_TITLES = {
  challenge: 'The challenge',
  summary: 'Summary',
  propose: 'What we propose',
  nextSteps: 'Next steps',
  rounds: 'Voting rounds',
  themes: 'Themes',
  problems: 'Problems we explored',
  otherNotes: 'Other prototype notes',
  people: 'Who took part',
  about: 'About this brief',
  contents: 'Contents',
} as const;

const SECTOR_NAMES: Record<BriefSector, string> = {
  'public sector': 'Public sector',
  'private sector': 'Private sector',
  academia: 'Academia',
  'voluntary and community': 'Voluntary and community',
  citizen: 'Citizens',
  unknown: 'Sector not recorded',
};

/** "Public sector", "Citizens", "Sector not recorded". */
export function sectorName(sector: BriefSector): string {
  return SECTOR_NAMES[sector];
}

/** The sector as it reads inside a sentence: "public sector", "citizen". */
export function sectorInline(sector: BriefSector): string {
  return sector === 'unknown' ? 'sector not recorded' : sector;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** "1st", "joint 1st", or "no votes". */
export function rankText(entry: Pick<BriefRankEntry, 'rank' | 'tied'>): string {
  if (entry.rank === null) return 'no votes';
  return `${entry.tied ? 'joint ' : ''}${ordinal(entry.rank)}`;
}

/**
 * "public sector 3, private sector 2, other sectors 1" — only sectors that voted; "none" when
 * nobody did.
 */
export function sectorBreakdown(entry: Pick<BriefRankEntry, 'bySector' | 'otherSectors'>): string {
  const parts = entry.bySector.filter((s) => s.votes > 0).map((s) => `${sectorInline(s.sector)} ${s.votes}`);
  if (entry.otherSectors > 0) parts.push(`${OTHER_SECTORS} ${entry.otherSectors}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** What the dots of sectors too small to show on their own are called. */
export const OTHER_SECTORS = 'other sectors';

/** Why an anonymous round's breakdown counts some sectors together (null: it does not). */
export function smallSectorsText(round: Pick<BriefRound, 'sectorMinVoters'>): string | null {
  if (round.sectorMinVoters === null) return null;
  const n = round.sectorMinVoters;
  return (
    `Sectors with fewer than ${plural(n, 'voter')} are not shown on their own, so that nobody’s anonymous vote can be told: ` +
    `their votes are counted together as “${OTHER_SECTORS}”, joined by the next smallest sector when they are still fewer than ${n} people.`
  );
}

/** "5 votes (public sector 3, private sector 2)", or "No votes". */
export function votesText(entry: Pick<BriefRankEntry, 'total' | 'bySector' | 'otherSectors'>): string {
  if (entry.total === 0) return 'No votes';
  return `${plural(entry.total, 'vote')} (${sectorBreakdown(entry)})`;
}

/** "Priya Nair, Datalane Analytics, private sector"; names withheld: "A participant from Datalane ...". */
export function personText(person: BriefPerson): string {
  const sector = person.sector === 'unknown' ? 'sector not recorded' : person.sector;
  if (person.name !== null) {
    return person.organisation ? `${person.name}, ${person.organisation}, ${sector}` : `${person.name}, ${sector}`;
  }
  return person.organisation ? `A participant from ${person.organisation}, ${sector}` : `A participant, ${sector}`;
}

export function organisationName(name: string): string {
  return name || 'Organisation not given';
}

const ROLE_NAMES: Record<ExportRole, string> = {
  facilitator: 'facilitator',
  contributor: 'contributor',
  viewer: 'viewer',
  cli: 'command line',
};

export function roleName(role: ExportRole): string {
  return ROLE_NAMES[role] ?? String(role);
}

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

/**
 * "27 November 2025, 10:41 UTC". UTC, not the reader's zone, so every format and every machine
 * print the same words for the same moment (the JSON carries the exact instant).
 */
export function dateTimeText(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'unknown time';
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

/** "12 March 2026" for an action's due date, '2026-03-12' (a calendar date: no zone to convert). */
export function dayText(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  if (!m || !month) return 'unknown date';
  return `${Number(m[3])} ${month} ${m[1]}`;
}

/** "27 November 2025". */
export function dateText(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'unknown date';
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Paragraphs of facilitator-written plain text: split on blank lines, inner whitespace tidied. */
export function paragraphsOf(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t]+/g, ' ').trim())
    .filter((p) => p !== '');
}

export function laneName(lane: BriefRound['lane']): string {
  return lane === 'ideas' ? 'ideas' : 'problem statements';
}

/** One sentence on how a round was run and what it counted. */
export function roundDescription(round: BriefRound): string {
  const item = round.lane === 'ideas' ? 'idea' : 'problem';
  const rules = `up to ${plural(round.votesPerPerson, 'dot')} each and at most ${round.maxPerCard} on one ${item}`;
  const status =
    round.status === 'revealed' ? 'Results revealed' : round.status === 'closed' ? 'Voting closed' : 'Voting still open';
  if (!round.resultsVisible) {
    return `${status}. The results are hidden until the facilitator reveals them, so they are not in this brief. Rules: ${rules}.`;
  }
  const who = `${plural(round.voterCount, 'person', 'people')} placed ${plural(round.dotsCast, 'dot')}, ${rules}`;
  const how = round.sectorWeighting
    ? 'Each sector’s votes carry the same weight in the score, however many people it had in the room.'
    : 'Every dot counts the same.';
  const names = round.anonymous ? ['Votes were anonymous.', smallSectorsText(round)].filter(Boolean).join(' ') : '';
  const removed =
    round.dotsOnRemovedCards > 0
      ? `${plural(round.dotsOnRemovedCards, 'dot was', 'dots were')} placed on cards deleted since and ${round.dotsOnRemovedCards === 1 ? 'is' : 'are'} not counted here.`
      : '';
  return [`${status}. ${who}.`, how, names, removed].filter(Boolean).join(' ');
}

/**
 * What a link does, said for someone who cannot see where it points (the PDF's link descriptions):
 * "Go to section: What we propose", "Open https://example.org/".
 */
export function linkPurpose(target: { section: string } | { url: string }): string {
  return 'section' in target ? `Go to section: ${target.section}` : `Open ${target.url}`;
}

/** Where a long card body's printed part ends: the rest is on the board. */
export const CONTINUED_ON_BOARD = 'continued on the board';

const ACTION_STATUS_NAMES: Record<ActionStatus, string> = { open: 'Open', 'in-progress': 'In progress', done: 'Done' };

/** "Open", "In progress", "Done". */
export function actionStatusName(status: ActionStatus): string {
  return ACTION_STATUS_NAMES[status] ?? 'Open';
}

/**
 * Who owns an action, in a table cell: "Priya Nair, Datalane Analytics"; names withheld: "A
 * participant from Datalane Analytics"; a name typed in as it was; nobody yet: "Not named yet".
 */
export function ownerText(owner: BriefActionOwner | null): string {
  if (!owner) return 'Not named yet';
  if (owner.kind === 'name') return owner.name;
  if (owner.name !== null) return owner.organisation ? `${owner.name}, ${owner.organisation}` : owner.name;
  return owner.organisation ? `A participant from ${owner.organisation}` : 'A participant';
}
