/**
 * The facilitation session as this page sees it, over the type-100 messages of the board's one
 * connection: who you are (join, with the participantId and secret kept per board), the phase,
 * timer, lock and vote (`session`), your dots (`myVotes`), revealed results (`voteResult`), your
 * private drafts (`drafts`), the parts of your document updates the server refused (`refused`),
 * and the close codes that shut you out. Offline, it starts from the session this device last saw.
 *
 * Framework-free (zustand's vanilla/react split): an immutable snapshot, subscribe/getSnapshot for
 * useSyncExternalStore (see useSession.ts), and commands that return promises. Nothing here
 * imports React or Yjs; tests drive it through a fake transport.
 */
import type {
  CommandArgs,
  CommandErrorCode,
  CommandName,
  CommandValues,
  ControlMessage,
  Draft,
  JoinValue,
  MyVotes,
  RefusedChange,
  SessionMessage,
} from '../../shared/protocol.ts';
import { CloseCode } from '../../shared/protocol.ts';
import type { Sector, Role } from '../../shared/schema.ts';
import type { Standing } from '../../shared/facilitation/index.ts';
import type { VoteRoundResult } from '../../shared/votes.ts';
import { describeSessionChange, type BannerText, type BannerTone } from './changes.ts';
import type { CredentialStore } from './credentials.ts';
import type { ServerClock } from './timer.ts';
import type { SessionTransport } from './transport.ts';

export type Profile = { name: string; organisation: string; sector: Sector };

export type Banner = BannerText & { id: number };

/** Why this page can no longer use its connection (shown full page). */
export type ShutOut = { code: number; title: string; message: string };

/**
 * Parts of this page's document updates the server refused: the page keeps them for the person
 * (see ../sync/notSent.ts), then drops its copy of the board and syncs afresh.
 */
export type Refusal = { changes: readonly RefusedChange[] };

export type SessionSnapshot = {
  connected: boolean;
  /** what the server said to our last join (null until it answered on this connection) */
  me: JoinValue | null;
  /** a join the server refused for a reason the person must see */
  joinError: string | null;
  session: SessionMessage | null;
  clock: ServerClock | null;
  myVotes: MyVotes | null;
  /** every round whose results this page has been sent, by round number */
  results: Readonly<Record<number, VoteRoundResult>>;
  drafts: readonly Draft[];
  banners: readonly Banner[];
  refusal: Refusal | null;
  shutOut: ShutOut | null;
  /** a new token for this page's own link, after the facilitator rotated it here */
  relink: string | null;
};

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly code: CommandErrorCode | 'offline' | 'timeout' | 'dropped',
    message: string,
  ) {
    super(message);
  }
}

export type SessionStoreOptions = {
  transport: SessionTransport;
  credentials: CredentialStore;
  /** the role of the link this page opened */
  role: Role;
  profile: Profile;
  /** this device's clock */
  now?: () => number;
  commandTimeoutMs?: number;
  /** how long a banner stays */
  bannerMs?: number;
  /** the session this device last saw for the board (shown, and its rules applied, until the server speaks) */
  remembered?: { session: SessionMessage; standing: Standing; savedAt: number } | null;
};

type Pending = { resolve: (value: unknown) => void; reject: (error: CommandError) => void; timer: ReturnType<typeof setTimeout> };

export const OFFLINE_MESSAGE = 'You are offline, so this was not sent. Try again when the board says “All changes saved”.';
export const TIMEOUT_MESSAGE = 'The server did not answer in time. Check your connection, look whether it happened, and try again.';
export const DROPPED_MESSAGE = 'The connection dropped before the server answered. Look whether it happened, then try again.';

export const SHUT_OUT: Record<'linkRotated' | 'removed', Omit<ShutOut, 'code'>> = {
  linkRotated: {
    title: 'This link has been replaced',
    message: 'The facilitator replaced the link you used, so it no longer opens this board. Ask the facilitator for the new link.',
  },
  removed: {
    title: 'You have been removed from this board',
    message: 'The facilitator removed you from this board. If you think this is a mistake, speak to the facilitator.',
  },
};

export function createSessionStore(options: SessionStoreOptions) {
  const { transport, credentials, role } = options;
  const now = options.now ?? (() => Date.now());
  const commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
  const bannerMs = options.bannerMs ?? 7_000;
  // only these three: whatever else the caller's object carries must not reach `join`
  const pick = (p: Profile): Profile => ({ name: p.name, organisation: p.organisation, sector: p.sector });
  let profile = pick(options.profile);

  let snapshot: SessionSnapshot = {
    connected: transport.isOpen(),
    me: null,
    joinError: null,
    session: options.remembered?.session ?? null,
    clock: options.remembered ? { serverNow: options.remembered.session.serverNow, receivedAt: options.remembered.savedAt } : null,
    myVotes: null,
    results: {},
    drafts: [],
    banners: [],
    refusal: null,
    shutOut: null,
    relink: null,
  };
  const listeners = new Set<() => void>();
  const timeUpListeners = new Set<() => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let nextBanner = 1;
  let joining = false;
  /** drafts this page asked to delete: their disappearing is not a reveal */
  const deleting = new Set<string>();
  /** the token of this page's own rotated link, while the server closes the old connection */
  let expectRotationClose = false;
  let destroyed = false;

  const set = (patch: Partial<SessionSnapshot>) => {
    snapshot = { ...snapshot, ...patch };
    for (const l of listeners) l();
  };

  const bannerTimers = new Set<ReturnType<typeof setTimeout>>();
  /** Shows a banner for a while (`ms`, by default longer for alerts), or until dismissed (`null`). */
  const banner = (text: string, tone: BannerTone = 'info', ms?: number | null) => {
    const id = nextBanner++;
    // the newest three at most: a burst of changes should not bury the board
    set({ banners: [...snapshot.banners.filter((b) => b.text !== text), { id, text, tone }].slice(-3) });
    if (ms === null) return id;
    const t = setTimeout(
      () => {
        bannerTimers.delete(t);
        dismissBanner(id);
      },
      ms ?? (tone === 'alert' ? bannerMs * 2 : bannerMs),
    );
    bannerTimers.add(t);
    return id;
  };
  const dismissBanner = (id: number) => {
    if (snapshot.banners.some((b) => b.id === id)) set({ banners: snapshot.banners.filter((b) => b.id !== id) });
  };

  // -- commands -------------------------------------------------------------------------------

  function send<N extends CommandName>(name: N, args: CommandArgs[N]): Promise<N extends keyof CommandValues ? CommandValues[N] : undefined> {
    if (destroyed || snapshot.shutOut) return Promise.reject(new CommandError('offline', snapshot.shutOut?.message ?? OFFLINE_MESSAGE));
    const id = nextId++;
    if (!transport.send(JSON.stringify({ type: 'command', id, name, args }))) {
      return Promise.reject(new CommandError('offline', OFFLINE_MESSAGE));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new CommandError('timeout', TIMEOUT_MESSAGE));
      }, commandTimeoutMs);
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
    });
  }

  function failAll(code: 'dropped' | 'offline', message: string) {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(new CommandError(code, message));
    }
  }

  let rejoin = false;
  async function join(): Promise<void> {
    if (destroyed) return;
    if (joining) {
      rejoin = true;
      return;
    }
    joining = true;
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const saved = credentials.load();
        try {
          const value = await send('join', { ...profile, ...(saved ? { participantId: saved.participantId, secret: saved.secret } : {}) });
          if (value.secret) credentials.save({ participantId: value.participantId, secret: value.secret });
          set({ me: value, joinError: null });
          return;
        } catch (error) {
          const e = error as CommandError;
          if (saved && (e.code === 'unknown-participant' || e.code === 'bad-credentials')) {
            // This device's identity is unknown to the board (its data was reset, or the secret
            // is wrong): start afresh as a new participant rather than stay locked out.
            credentials.clear();
            continue;
          }
          if (e.code === 'removed') shutOut(CloseCode.removed);
          else if (e.code !== 'dropped' && e.code !== 'offline') set({ joinError: e.message });
          return;
        }
      }
    } finally {
      joining = false;
      if (rejoin && !destroyed && transport.isOpen()) {
        rejoin = false;
        void join();
      }
    }
  }

  function shutOut(code: number) {
    const which = code === CloseCode.removed ? SHUT_OUT.removed : SHUT_OUT.linkRotated;
    transport.stopReconnecting();
    failAll('offline', which.message);
    set({ shutOut: { code, ...which }, connected: false });
  }

  // -- messages from the server ---------------------------------------------------------------

  function onMessage(message: ControlMessage) {
    switch (message.type) {
      case 'result': {
        const p = pending.get(Number(message.id));
        if (!p) return;
        pending.delete(Number(message.id));
        clearTimeout(p.timer);
        if (message.ok) p.resolve(message.value);
        else p.reject(new CommandError(message.error.code, message.error.message));
        return;
      }
      case 'session':
        return onSession(message);
      case 'myVotes': {
        const { type: _type, ...mine } = message;
        set({ myVotes: mine });
        return;
      }
      case 'voteResult':
        set({ results: { ...snapshot.results, [message.result.round]: message.result } });
        return;
      case 'drafts': {
        const before = snapshot.drafts;
        const ids = new Set(message.drafts.map((d) => d.draftId));
        const vanished = before.filter((d) => !ids.has(d.draftId) && !deleting.has(d.draftId));
        for (const d of before) if (!ids.has(d.draftId)) deleting.delete(d.draftId);
        set({ drafts: message.drafts });
        if (vanished.length > 0 && message.drafts.length === 0) {
          banner(
            vanished.length === 1 ? 'Your draft is on the board now, with everyone’s.' : `Your ${vanished.length} drafts are on the board now, with everyone’s.`,
            'success',
          );
        }
        return;
      }
      case 'refused':
        set({ refusal: { changes: [...(snapshot.refusal?.changes ?? []), ...message.changes] } });
        return;
      default:
        return;
    }
  }

  function onSession(next: SessionMessage) {
    const prev = snapshot.session;
    const clock = { serverNow: next.serverNow, receivedAt: now() };
    set({ session: next, clock });
    if (!prev) return;
    for (const b of describeSessionChange(prev, next, { role, participantId: snapshot.me?.participantId ?? null })) banner(b.text, b.tone);
    if (prev.timer.status === 'running' && next.timer.status === 'ended') for (const l of timeUpListeners) l();
  }

  const disposers = [
    transport.onMessage(onMessage),
    transport.onOpen(() => {
      set({ connected: true });
      void join();
    }),
    transport.onDrop(() => {
      failAll('dropped', DROPPED_MESSAGE);
      // a new connection joins afresh; until then nobody is joined on this page
      set({ connected: false });
    }),
    transport.onServerClose((code) => {
      if (code === CloseCode.linkRotated && expectRotationClose) {
        // our own link was replaced from this page: the page reopens with the new one
        transport.stopReconnecting();
        return;
      }
      if (code === CloseCode.linkRotated || code === CloseCode.removed) shutOut(code);
    }),
  ];
  if (transport.isOpen()) void join();

  // -- the public face ------------------------------------------------------------------------

  return {
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: (): SessionSnapshot => snapshot,

    /** Called once, by the server's own end signal, when a running timer reaches zero. */
    onTimeUp(listener: () => void): () => void {
      timeUpListeners.add(listener);
      return () => timeUpListeners.delete(listener);
    },

    /** This person's standing now: the roster's word, else the join's, else the link's role. */
    standing(): Standing {
      const id = snapshot.me?.participantId;
      const entry = id ? snapshot.session?.participants.find((p) => p.participantId === id) : undefined;
      return entry?.standing ?? snapshot.me?.standing ?? options.remembered?.standing ?? role;
    },

    role,

    command: send,

    /** New name, organisation or sector: the same person, joined again with them. */
    setProfile(next: Profile): void {
      profile = pick(next);
      if (transport.isOpen()) void join();
    },

    async castVote(cardId: string): Promise<MyVotes> {
      const mine = await send('castVote', { cardId });
      set({ myVotes: mine });
      return mine;
    },
    async withdrawVote(cardId: string): Promise<MyVotes> {
      const mine = await send('withdrawVote', { cardId });
      set({ myVotes: mine });
      return mine;
    },
    async deleteDraft(draftId: string): Promise<void> {
      deleting.add(draftId);
      try {
        await send('deleteDraft', { draftId });
      } catch (error) {
        deleting.delete(draftId);
        throw error;
      }
    },
    async rotateLink(linkRole: Role): Promise<{ role: Role; token: string }> {
      const own = linkRole === role;
      if (own) expectRotationClose = true;
      try {
        const value = await send('rotateLink', { role: linkRole });
        if (own) set({ relink: value.token });
        return value;
      } catch (error) {
        if (own) expectRotationClose = false;
        throw error;
      }
    },

    banner,
    dismissBanner,

    destroy(): void {
      destroyed = true;
      for (const d of disposers) d();
      for (const t of bannerTimers) clearTimeout(t);
      failAll('offline', OFFLINE_MESSAGE);
      listeners.clear();
      timeUpListeners.clear();
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
