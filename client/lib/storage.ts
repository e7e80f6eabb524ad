/**
 * What this device remembers, in localStorage: who you are (no account — a name, organisation
 * and sector), which boards you have opened, and each board's title and your role in it, so a
 * board reloaded with no network still knows what it is. Everything read back is validated:
 * localStorage is shared with whatever else ran on this origin.
 */
import { SECTORS, type Sector, type Role } from '../../shared/domain.ts';
import { newId } from '../../shared/ids.ts';
import type { SessionMessage } from '../../shared/protocol.ts';
import type { Standing } from '../../shared/facilitation/index.ts';

const KEY = {
  identity: 'crossboard.identity.v1',
  recent: 'crossboard.recent.v1',
  board: (id: string) => `crossboard.board.v1.${id}`,
  session: (id: string) => `crossboard.session.v1.${id}`,
};

export type Identity = {
  participantId: string;
  name: string;
  organisation: string;
  sector: Sector;
};

export type BoardInfo = {
  id: string;
  title: string;
  challenge: string;
  sponsor: string;
  template: string;
  role: Role;
  /** the link's token, kept so "recent boards" can reopen the board */
  token: string;
  /** joined on this device (the join step was completed) */
  joined: boolean;
  openedAt: number;
};

function read(key: string): unknown {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? null : JSON.parse(raw);
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the app still works, it just forgets.
  }
}

const s = (v: unknown, max = 200) => (typeof v === 'string' ? v.slice(0, max) : '');

export function loadIdentity(): Identity | null {
  const raw = read(KEY.identity) as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object') return null;
  const sector = SECTORS.find((x) => x === raw.sector);
  const name = s(raw.name, 80).trim();
  if (!sector || !name) return null;
  return {
    participantId: s(raw.participantId, 100) || newId(),
    name,
    organisation: s(raw.organisation, 120).trim(),
    sector,
  };
}

export function saveIdentity(input: Omit<Identity, 'participantId'>): Identity {
  const existing = loadIdentity();
  const identity: Identity = { participantId: existing?.participantId ?? newId(), ...input };
  write(KEY.identity, identity);
  return identity;
}

const ROLES_LIST: readonly Role[] = ['facilitator', 'contributor', 'viewer'];

function parseInfo(raw: unknown): BoardInfo | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const role = ROLES_LIST.find((x) => x === r.role);
  if (!role || typeof r.id !== 'string') return null;
  return {
    id: r.id,
    title: s(r.title) || 'Untitled board',
    challenge: s(r.challenge, 2000),
    sponsor: s(r.sponsor),
    template: s(r.template) || 'open',
    role,
    token: s(r.token, 500),
    joined: r.joined === true,
    openedAt: typeof r.openedAt === 'number' ? r.openedAt : 0,
  };
}

export function loadBoardInfo(id: string): BoardInfo | null {
  return parseInfo(read(KEY.board(id)));
}

export function saveBoardInfo(info: BoardInfo): void {
  write(KEY.board(info.id), info);
  const recent = loadRecentIds().filter((x) => x !== info.id);
  recent.unshift(info.id);
  write(KEY.recent, recent.slice(0, 12));
}

function loadRecentIds(): string[] {
  const raw = read(KEY.recent);
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
}

export function loadRecentBoards(): BoardInfo[] {
  return loadRecentIds()
    .map((id) => loadBoardInfo(id))
    .filter((x): x is BoardInfo => x !== null);
}

/**
 * The last session this device saw for a board — phase, lock, private mode, vote — and the
 * standing it had in it, so a page reloaded with no network offers only what those allowed.
 */
export type SessionMemory = { session: SessionMessage; standing: Standing; savedAt: number };

const STANDINGS: readonly Standing[] = ['facilitator', 'co-facilitator', 'contributor', 'viewer'];

export function loadSessionMemory(boardId: string): SessionMemory | null {
  const raw = read(KEY.session(boardId));
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const session = r.session as Record<string, unknown> | null;
  if (typeof session !== 'object' || session === null || session.type !== 'session') return null;
  if (typeof session.phase !== 'object' || session.phase === null || typeof session.locked !== 'boolean') return null;
  const standing = STANDINGS.find((x) => x === r.standing);
  if (!standing || typeof r.savedAt !== 'number') return null;
  return { session: session as unknown as SessionMessage, standing, savedAt: r.savedAt };
}

export function saveSessionMemory(boardId: string, memory: SessionMemory): void {
  write(KEY.session(boardId), memory);
}
