/** Test helpers: an in-memory SessionTransport and session messages for any phase. */
import type { ControlMessage, SessionMessage } from '../../shared/protocol.ts';
import { currentPhase, initialSession, phasesOf } from '../../shared/facilitation/index.ts';
import type { SessionTransport } from './transport.ts';

export function fakeTransport(open = true) {
  const sent: Array<{ type: 'command'; id: number; name: string; args: Record<string, unknown> }> = [];
  const messageListeners = new Set<(m: ControlMessage) => void>();
  const openListeners = new Set<() => void>();
  const dropListeners = new Set<() => void>();
  const closeListeners = new Set<(code: number, reason: string) => void>();
  let isOpen = open;
  let stopped = false;
  const transport: SessionTransport = {
    isOpen: () => isOpen,
    send(json) {
      if (!isOpen) return false;
      sent.push(JSON.parse(json));
      return true;
    },
    onMessage: (l) => (messageListeners.add(l), () => messageListeners.delete(l)),
    onOpen: (l) => (openListeners.add(l), () => openListeners.delete(l)),
    onDrop: (l) => (dropListeners.add(l), () => dropListeners.delete(l)),
    onServerClose: (l) => (closeListeners.add(l), () => closeListeners.delete(l)),
    stopReconnecting: () => void (stopped = true),
  };
  return {
    transport,
    sent,
    get stopped() {
      return stopped;
    },
    last: () => sent[sent.length - 1]!,
    deliver(message: ControlMessage) {
      for (const l of messageListeners) l(message);
    },
    reply(id: number, ok: boolean, valueOrError: unknown) {
      const message = ok
        ? ({ type: 'result', id, ok: true, value: valueOrError } as ControlMessage)
        : ({ type: 'result', id, ok: false, error: valueOrError } as ControlMessage);
      for (const l of messageListeners) l(message);
    },
    open() {
      isOpen = true;
      for (const l of openListeners) l();
    },
    drop() {
      isOpen = false;
      for (const l of dropListeners) l();
    },
    serverClose(code: number) {
      isOpen = false;
      for (const l of closeListeners) l(code, '');
      for (const l of dropListeners) l();
    },
  };
}

/** A `session` message as the server would send it, for a phase of a template. */
export function sessionMessage(patch: Partial<SessionMessage> = {}): SessionMessage {
  const template = patch.template ?? 'lightning-decision-jam';
  const state = initialSession(template);
  const phaseIndex = patch.phaseIndex ?? 0;
  return {
    type: 'session',
    serverNow: 1_000_000,
    template,
    phaseIndex,
    phaseCount: phasesOf(template).length,
    phase: currentPhase({ ...state, phaseIndex }, template),
    phases: phasesOf(template).map((p) => ({ id: p.id, name: p.name })),
    round: 1,
    locked: false,
    privateMode: false,
    timer: { status: 'idle', durationMs: 0, endsAt: null, remainingMs: 0 },
    vote: null,
    participants: [],
    ...patch,
  };
}

