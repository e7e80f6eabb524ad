/**
 * What every storage contract suite shares: the fixture each implementation provides, the
 * lifecycle of one storage per test, and builders for valid records.
 */
import { afterEach } from 'vitest';
import * as Y from 'yjs';
import { generateBoardId, hashToken } from '../auth/tokens.ts';
import type { SessionState } from '../../shared/facilitation/index.ts';
import { DEFAULT_VOTE_CONFIG } from '../../shared/votes.ts';
import type { BoardRecord } from './boards.ts';
import type { StoredComment } from './comments.ts';
import type { ParticipantRecord, VoteRoundRecord } from './sessions.ts';
import type { Storage } from './storage.ts';
import type { StoredVersion } from './versions.ts';

export type StorageFixture = {
  storage: Storage;
  /** closes the storage and opens it again on the same data; absent when nothing outlives the process */
  reopen?: () => Promise<Storage> | Storage;
  /**
   * A second, independent handle on the same data, as another server process would hold; absent
   * when the data cannot be shared (then the one storage stands for both writers)
   */
  openAnother?: () => Promise<Storage> | Storage;
  cleanup?: () => void;
};

export type CreateFixture = () => Promise<StorageFixture> | StorageFixture;

/**
 * One storage per test, opened by `open()` and closed (and cleaned up) after the test: the
 * lifecycle every contract suite shares.
 */
export function storageFixture(create: CreateFixture): {
  open(): Promise<Storage>;
  /** closes and reopens on the same data; undefined for stores where nothing outlives the process */
  readonly reopen: (() => Promise<Storage>) | undefined;
  /** another handle on the same data (closed after the test), or the open storage itself */
  another(): Promise<Storage>;
} {
  let current: StorageFixture | undefined;
  let latest: Storage | undefined;
  let others: Storage[] = [];
  afterEach(async () => {
    const done = current;
    const open = [latest, ...others];
    current = latest = undefined;
    others = [];
    for (const storage of open) await storage?.close();
    done?.cleanup?.();
  });
  return {
    async open() {
      current = await create();
      return (latest = current.storage);
    },
    get reopen() {
      const reopen = current?.reopen;
      return reopen && (async () => (latest = await reopen()));
    },
    async another() {
      if (!current?.openAnother) return latest!;
      const other = await current.openAnother();
      others.push(other);
      return other;
    },
  };
}

export function testBoard(overrides: Partial<BoardRecord> = {}): BoardRecord {
  return {
    id: generateBoardId(),
    title: 'Prevent homelessness',
    challenge: 'How might we spot risk earlier?',
    sponsor: 'City council',
    template: 'open',
    createdAt: 1_700_000_000_000,
    tokenHashes: { facilitator: hashToken('f'), contributor: hashToken('c'), viewer: hashToken('v') },
    ...overrides,
  };
}

/** A small real Yjs update that inserts `text` at the end of the doc's "t" text. */
export function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  let update: Uint8Array | null = null;
  const grab = (u: Uint8Array) => (update = u);
  doc.on('update', grab);
  doc.getText('t').insert(doc.getText('t').length, text);
  doc.off('update', grab);
  return update!;
}

/** The text "t" of a stored document, rebuilt from its snapshot and updates. */
export function rebuild(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): string {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
  });
  return doc.getText('t').toString();
}

export function testParticipant(boardId: string, overrides: Partial<ParticipantRecord> = {}): ParticipantRecord {
  return {
    boardId,
    id: 'p-amira',
    secretHash: hashToken('secret'),
    name: 'Amira Khan',
    organisation: 'City council',
    sector: 'public sector',
    role: 'contributor',
    removed: false,
    joinedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function testRound(boardId: string, overrides: Partial<VoteRoundRecord> = {}): VoteRoundRecord {
  return {
    boardId,
    round: 1,
    config: { ...DEFAULT_VOTE_CONFIG },
    status: 'open',
    openedAt: 1_700_000_000_000,
    closedAt: null,
    revealedAt: null,
    ...overrides,
  };
}

/** A session state with every field set, as storage reads it back (times null when unknown). */
export function testState(overrides: Partial<SessionState> = {}): SessionState {
  return {
    phaseIndex: 0,
    round: 1,
    locked: false,
    privateMode: false,
    timer: { status: 'idle', durationMs: 0, endsAt: null, remainingMs: null },
    vote: null,
    votesOpened: 0,
    coFacilitators: [],
    removed: [],
    lockedAt: null,
    phaseStartedAt: null,
    ...overrides,
  };
}

/** A state whose vote is `round` (its board left out), the way the server stores a vote round. */
export function stateWithVote(round: VoteRoundRecord, overrides: Partial<SessionState> = {}): SessionState {
  const { boardId: _boardId, ...vote } = round;
  return testState({ vote, votesOpened: round.round, ...overrides });
}

/** Saves `state` on the board's current revision (one writer that always loads first). */
export async function saveState(storage: Storage, boardId: string, state: SessionState): Promise<number> {
  const { revision } = await storage.sessions.loadSession(boardId);
  return storage.sessions.saveSession(boardId, state, revision);
}

let versionCounter = 0;
export function testVersion(boardId: string, overrides: Partial<StoredVersion> = {}): StoredVersion {
  versionCounter++;
  return {
    id: `v${versionCounter}-${Math.random().toString(36).slice(2, 8)}`,
    boardId,
    name: `Version ${versionCounter}`,
    createdAt: 1_700_000_000_000 + versionCounter,
    createdBy: { role: 'facilitator', name: 'Amira Khan' },
    boardVersion: 'ab'.repeat(32),
    state: new Uint8Array([1, 2, 3, versionCounter % 256]),
    votes: '[]',
    ...overrides,
  };
}

let commentCounter = 0;
export function testComment(boardId: string, overrides: Partial<StoredComment> = {}): StoredComment {
  commentCounter++;
  return {
    id: `c${commentCounter}-${Math.random().toString(36).slice(2, 8)}`,
    boardId,
    target: { kind: 'section', id: 'summary' },
    targetTitle: 'Summary',
    text: `Comment ${commentCounter}`,
    author: { name: 'Tom Whitfield', organisation: 'Leeds City Council' },
    role: 'viewer',
    createdAt: 1_700_000_000_000 + commentCounter,
    ...overrides,
  };
}
