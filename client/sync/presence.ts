/**
 * Presence over Yjs awareness. Each page publishes one local state:
 *
 *   user     who this is (name, organisation, sector, role, caret colour)
 *   editing  the id of the card this person has open, or null
 *   cursor   the Lexical caret of the open card, tagged with that card's id (see editor/cardProvider)
 *   title    the caret in the open card's title field: the card's id and two Yjs relative
 *            positions (see editor/titleBinding), or null
 *
 * Everything read from awareness came from a peer, so it is validated like the board itself.
 */
import * as decoding from 'lib0/decoding';
import type { Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import { SECTORS, type Sector, type Role } from '../../shared/schema.ts';
import { MessageType } from '../../shared/protocol.ts';

export type PresenceUser = {
  participantId: string;
  name: string;
  organisation: string;
  sector: Sector | 'unknown';
  role: Role | 'unknown';
  colour: string;
};

export type Peer = {
  clientId: number;
  user: PresenceUser;
  editing: string | null;
  isLocal: boolean;
};

export const AWARENESS_FIELD = { user: 'user', editing: 'editing', cursor: 'cursor', title: 'title' } as const;

const COLOUR = /^#[0-9a-f]{6}$/i;

function str(v: unknown, max: number): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

export function readPresenceUser(raw: unknown): PresenceUser | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const name = str(r.name, 80).trim();
  if (!name) return null;
  const role = (['facilitator', 'contributor', 'viewer'] as const).find((x) => x === r.role) ?? 'unknown';
  return {
    participantId: str(r.participantId, 100),
    name,
    organisation: str(r.organisation, 120).trim(),
    sector: SECTORS.find((s) => s === r.sector) ?? 'unknown',
    role,
    colour: typeof r.colour === 'string' && COLOUR.test(r.colour) ? r.colour : '#505a5f',
  };
}

/** Everyone present, the local page first; several tabs of one person count once. */
export function readPeers(awareness: Awareness): Peer[] {
  const out: Peer[] = [];
  const seen = new Set<string>();
  const local = awareness.clientID;
  const states = [...awareness.getStates().entries()].sort(([a], [b]) =>
    a === local ? -1 : b === local ? 1 : a - b,
  );
  for (const [clientId, state] of states) {
    const user = readPresenceUser(state?.[AWARENESS_FIELD.user]);
    if (!user) continue;
    const key = user.participantId || `client:${clientId}`;
    const editing = typeof state[AWARENESS_FIELD.editing] === 'string' ? (state[AWARENESS_FIELD.editing] as string) : null;
    if (seen.has(key)) {
      // Same person in another tab: keep the first entry but remember what they edit.
      const existing = out.find((p) => (p.user.participantId || `client:${p.clientId}`) === key);
      if (existing && !existing.editing && editing) existing.editing = editing;
      continue;
    }
    seen.add(key);
    out.push({ clientId, user, editing, isLocal: clientId === local });
  }
  return out;
}

/** A caret in a card's title field, as published: relative positions in their JSON form. */
export type TitleCaretState = { card: string; anchor: RelativePositionJSON; head: RelativePositionJSON };

/** Y.relativePositionToJSON's shape, for positions inside a nested Y.Text (never a root type). */
export type RelativePositionJSON = {
  type?: { client: number; clock: number };
  item?: { client: number; clock: number };
  assoc: number;
};

function structId(raw: unknown): { client: number; clock: number } | null {
  if (!raw || typeof raw !== 'object') return null;
  const { client, clock } = raw as Record<string, unknown>;
  return Number.isSafeInteger(client) && Number.isSafeInteger(clock) && (client as number) >= 0 && (clock as number) >= 0
    ? { client: client as number, clock: clock as number }
    : null;
}

function readRelativePosition(raw: unknown): RelativePositionJSON | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const assoc = r.assoc === undefined ? 0 : r.assoc;
  if (!Number.isSafeInteger(assoc)) return null;
  // Exactly one of item (a letter) or type (the start or end of the text). A root name is never
  // a title, and resolving one would define that root in this page's document.
  const item = r.item == null ? null : structId(r.item);
  const type = r.type == null ? null : structId(r.type);
  if (item) return { item, assoc: assoc as number };
  if (type && r.item == null) return { type, assoc: assoc as number };
  return null;
}

/** A peer's title caret, validated, or null. */
export function readTitleCaret(raw: unknown): TitleCaretState | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.card !== 'string' || r.card.length === 0 || r.card.length > 100) return null;
  const anchor = readRelativePosition(r.anchor);
  const head = readRelativePosition(r.head);
  return anchor && head ? { card: r.card, anchor, head } : null;
}

/**
 * Keeps this page present across reconnects. A reconnecting provider re-sends its awareness state
 * with the clock it had, and a server that dropped that state meanwhile (the old connection left,
 * or the state timed out while the network was gone) has already seen that clock, so it ignores
 * the state: the others would see this person again only at the next renewal, up to 15 s later.
 * So, once each new connection has synced, if the server did not hand this page's own state back
 * among the states it holds (it sends them all before the sync reply), the state is set again,
 * which moves the clock on and makes the server take it.
 */
export function keepPresenceAcrossReconnects(provider: WebsocketProvider): () => void {
  const awareness = provider.awareness;
  let checkAfterSync = false;
  let serverHasMe = false;
  const onStatus = ({ status }: { status: string }) => {
    if (status !== 'connected') return;
    checkAfterSync = true;
    serverHasMe = false;
  };
  const applyAwareness = provider.messageHandlers[MessageType.awareness]!;
  provider.messageHandlers[MessageType.awareness] = (encoder, decoder, p, emitSynced, type) => {
    if (checkAfterSync && !serverHasMe) serverHasMe = holdsStateOf(decoding.clone(decoder), awareness.clientID);
    applyAwareness(encoder, decoder, p, emitSynced, type);
  };
  const onSync = (synced: boolean) => {
    if (!synced || !checkAfterSync) return;
    checkAfterSync = false;
    const mine = awareness.getLocalState();
    if (!serverHasMe && mine !== null) awareness.setLocalState({ ...mine });
  };
  provider.on('status', onStatus);
  provider.on('sync', onSync);
  return () => {
    provider.off('status', onStatus);
    provider.off('sync', onSync);
    provider.messageHandlers[MessageType.awareness] = applyAwareness;
  };
}

/** Whether an awareness frame's update carries a (non-null) state for `clientId`. */
function holdsStateOf(decoder: decoding.Decoder, clientId: number): boolean {
  try {
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(update);
    for (let i = 0; i < count; i++) {
      const id = decoding.readVarUint(update);
      decoding.readVarUint(update); // clock
      const state = decoding.readVarString(update);
      if (id === clientId && state !== 'null') return true;
    }
  } catch {
    // not ours to judge: the provider's own handler reads it next
  }
  return false;
}
