/**
 * Where an export's board comes from: the live board (the loaded room's document, so an export
 * includes an edit made a moment ago) or a saved version (its stored state). Shared by the export
 * endpoints and the CLI, so both read a board the same way.
 */
import * as Y from 'yjs';
import { boardVersion } from '../../shared/brief/version.ts';
import { withCheckedSectors, type VoteRoundResult } from '../../shared/votes.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { Awaitable, Storage, StoredVersion } from '../storage/storage.ts';

/**
 * A board's vote results, every round, as the server holds them. Where no facilitation service
 * provides them (tests, tools), `noVoteResults` stands in: briefs then carry no rounds.
 */
export type VoteResultsSource = (boardId: string) => Awaitable<readonly VoteRoundResult[]>;
export const noVoteResults: VoteResultsSource = () => [];

/**
 * Whether a board shows people's names in its briefs (a board setting; by default they are
 * shown). A request can withhold names on a board that shows them, never the reverse.
 */
export type ShowNamesSetting = (boardId: string) => Awaitable<boolean>;
export const namesShownByDefault: ShowNamesSetting = () => true;

/**
 * The board page's address without any token (`<origin>/b/<id>`): a brief links a long card's
 * "continued on the board" to its card there. Whoever opens it needs a link of their own to the
 * board; the brief never carries one, since it is forwarded.
 */
export function boardUrl(origin: string, boardId: string): string {
  return `${origin.replace(/\/+$/, '')}/b/${encodeURIComponent(boardId)}`;
}

export type BriefSource = {
  /** `Y.encodeStateAsUpdate` of the document */
  state: Uint8Array;
  rounds: VoteRoundResult[];
  /** the saved version, or null for the live board */
  version: { id: string; name: string } | null;
  /** `boardVersion` of the state: the fingerprint its brief will show */
  boardVersion: string;
};

/**
 * The live board: its loaded room's document right now (loading it if needed; stored, where
 * another process serves it) and its votes.
 */
export async function liveSource(rooms: Rooms, voteResults: VoteResultsSource, boardId: string): Promise<BriefSource> {
  const rounds = [...(await voteResults(boardId))];
  // encoded in the turn `readDoc` resolved in, while the document is the live one
  const doc = await rooms.readDoc(boardId);
  return { state: Y.encodeStateAsUpdate(doc), rounds, version: null, boardVersion: boardVersion(doc) };
}

/**
 * The vote results saved with a version; [] if they are missing or unreadable. An anonymous round
 * saved before small sectors were merged shows no sector on its own (`withCheckedSectors`).
 */
export function savedVotes(version: Pick<StoredVersion, 'votes'>): VoteRoundResult[] {
  try {
    const parsed: unknown = JSON.parse(version.votes);
    return Array.isArray(parsed) ? (parsed as VoteRoundResult[]).map((r) => withCheckedSectors(r)) : [];
  } catch {
    return [];
  }
}

export function versionSource(version: StoredVersion): BriefSource {
  return {
    state: version.state,
    rounds: savedVotes(version),
    version: { id: version.id, name: version.name },
    boardVersion: version.boardVersion,
  };
}

/** A saved version of `boardId`, or null. */
export async function loadVersionSource(storage: Storage, boardId: string, versionId: string): Promise<BriefSource | null> {
  const version = await storage.versions.getVersion(boardId, versionId);
  return version ? versionSource(version) : null;
}
