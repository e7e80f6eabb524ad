/**
 * Test helpers for facilitation over real sockets: send commands and await their results, read
 * the type-100 messages a provider or a raw client received, and set up people on a board.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { cardTitleText, type Author } from '../../shared/board/index.ts';
import {
  MessageType,
  parseControlMessage,
  type CommandArgs,
  type CommandName,
  type ControlMessage,
  type JoinValue,
  type ResultMessage,
} from '../../shared/protocol.ts';
import type { Sector, Role } from '../../shared/schema.ts';
import {
  boardText,
  connectProvider,
  startServer,
  TEXT_CARD,
  text,
  waitFor,
  whenSynced,
  writeTextCards,
  type RawClient,
  type TestProvider,
  type TestServer,
} from './harness.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';
import type { ServerProcess } from './process.ts';

/** A type-100 frame carrying `json` (a string, sent as is: tests send garbage too). */
export function controlFrameOf(json: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.crossboard);
  encoding.writeVarString(e, json);
  return encoding.toUint8Array(e);
}

/** Every type-100 message in a raw client's received frames, in order. */
export function rawControl(raw: RawClient): ControlMessage[] {
  const out: ControlMessage[] = [];
  for (const frame of raw.messages) {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== MessageType.crossboard) continue;
    out.push(JSON.parse(decoding.readVarString(d)) as ControlMessage);
  }
  return out;
}

type Target = TestProvider | RawClient;

function controlOf(target: Target): ControlMessage[] {
  return 'control' in target ? target.control : rawControl(target);
}

function sendOf(target: Target, frame: Uint8Array): void {
  if ('control' in target) target.ws!.send(frame);
  else target.send(frame);
}

let nextId = 1;

/** Sends a command and resolves with its result (whatever it says). */
export async function command<N extends CommandName>(target: Target, name: N, args?: CommandArgs[N] | Record<string, unknown>): Promise<ResultMessage> {
  const id = `t${nextId++}`;
  sendOf(target, controlFrameOf(JSON.stringify({ type: 'command', id, name, args })));
  let found: ResultMessage | undefined;
  await waitFor(
    () => (found = controlOf(target).find((m): m is ResultMessage => m.type === 'result' && m.id === id)) !== undefined,
    5000,
    `result of ${name}`,
  );
  return found!;
}

/** Sends a command that must succeed; returns its value. */
export async function ok<N extends CommandName>(target: Target, name: N, args?: CommandArgs[N] | Record<string, unknown>): Promise<unknown> {
  const result = await command(target, name, args);
  if (!result.ok) throw new Error(`${name} refused: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** Sends a command that must be refused with `code`; returns the message. */
export async function refused<N extends CommandName>(
  target: Target,
  name: N,
  args: CommandArgs[N] | Record<string, unknown> | undefined,
  code: string,
): Promise<string> {
  const result = await command(target, name, args);
  if (result.ok) throw new Error(`${name} was accepted, expected ${code}`);
  if (result.error.code !== code) throw new Error(`${name} refused with ${result.error.code} (${result.error.message}), expected ${code}`);
  return result.error.message;
}

/** The last message of a type a target received, if any. */
export function last<T extends ControlMessage['type']>(target: Target, type: T): Extract<ControlMessage, { type: T }> | undefined {
  const all = controlOf(target).filter((m) => m.type === type);
  return all.at(-1) as Extract<ControlMessage, { type: T }> | undefined;
}

/** Waits until the last message of `type` satisfies `check`. */
export async function until<T extends ControlMessage['type']>(
  target: Target,
  type: T,
  check: (message: Extract<ControlMessage, { type: T }>) => boolean,
  label = type,
): Promise<Extract<ControlMessage, { type: T }>> {
  let found: Extract<ControlMessage, { type: T }> | undefined;
  await waitFor(() => {
    const m = last(target, type);
    if (m && check(m)) found = m;
    return found !== undefined;
  }, 5000, label);
  return found!;
}

export type Person = {
  provider: TestProvider;
  me: JoinValue;
  name: string;
};

const SECTOR_OF: Record<string, Sector> = {
  facilitator: 'public sector',
};

/** Connects a provider with `role`'s token, waits for sync, and joins as `name`. */
export async function person(
  s: Pick<TestServer, 'wsUrl'>,
  board: CreateBoardResponse,
  role: Role,
  name: string,
  profile: { organisation?: string; sector?: Sector } = {},
): Promise<Person> {
  const provider = connectProvider(s, board.id, board.tokens[role]);
  await whenSynced(provider);
  const me = (await ok(provider, 'join', {
    name,
    organisation: profile.organisation ?? `${name}’s organisation`,
    sector: profile.sector ?? SECTOR_OF[role] ?? 'private sector',
  })) as JoinValue;
  return { provider, me, name };
}

/** Who the server credits a card to when `p` adds it: what they joined as. */
/**
 * A server with a hackathon board ("Hack"), its facilitator Fay and two contributors joined: Amira
 * (City council, public sector) and Ben (Acme, private sector). What it starts goes in `cleanups`.
 */
export async function hackathonTeam(cleanups: Array<() => unknown>, options?: Parameters<typeof startServer>[0]) {
  const s = await startServer(options);
  cleanups.push(() => s.close());
  const board = await s.createBoard({ title: 'Hack', template: 'hackathon' });
  const fac = await person(s, board, 'facilitator', 'Fay', { sector: 'public sector' });
  const amira = await person(s, board, 'contributor', 'Amira', { organisation: 'City council', sector: 'public sector' });
  const ben = await person(s, board, 'contributor', 'Ben', { organisation: 'Acme', sector: 'private sector' });
  cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy(), () => ben.provider.destroy());
  return { s, board, fac, amira, ben };
}

export function creditOf(p: Person): Author {
  return { participantId: p.me.participantId, name: p.me.name, organisation: p.me.organisation, sector: p.me.sector };
}

/**
 * Adds text cards (harness.ts `TEXT_CARD` unless `ids` says otherwise) through a joined
 * facilitator's connection, for a server this process cannot reach into (a child process).
 * Resolves once another connection has them: the server broadcasts only what it has stored.
 */
export async function addTextCardsOverSocket(
  server: Pick<TestServer, 'wsUrl'>,
  board: CreateBoardResponse,
  ids: readonly string[] = [TEXT_CARD],
): Promise<void> {
  const seeder = await person(server, board, 'facilitator', 'Test harness');
  const watcher = connectProvider(server, board.id, board.tokens.viewer);
  try {
    await whenSynced(watcher);
    writeTextCards(seeder.provider.doc, ids, creditOf(seeder), { kind: 'local', participantId: seeder.me.participantId });
    await waitFor(() => ids.every((id) => cardTitleText(watcher.doc, id) !== null), 5000, 'the text cards at another connection');
  } finally {
    seeder.provider.destroy();
    watcher.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Seeing everything a connection received, and knowing it has received everything sent so far

/** A `ws` WebSocket that keeps a copy of every frame it receives, for byte-level checks. */
function recordingSocket(sink: Uint8Array[]) {
  return class RecordingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.on('message', (data: Buffer) => sink.push(new Uint8Array(data)));
    }
  };
}

export type RecordingProvider = TestProvider & { received: Uint8Array[] };

/** Like connectProvider, and every byte it receives is kept in `received`. */
export function connectRecordingProvider(server: { wsUrl: string }, boardId: string, token: string): RecordingProvider {
  const received: Uint8Array[] = [];
  const provider = new WebsocketProvider(server.wsUrl, boardId, new Y.Doc(), {
    params: { token },
    WebSocketPolyfill: recordingSocket(received) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  }) as RecordingProvider;
  provider.control = [];
  provider.received = received;
  provider.messageHandlers[MessageType.crossboard] = (_encoder, decoder) => {
    const message = parseControlMessage(decoding.readVarString(decoder));
    if (message) provider.control.push(message);
  };
  return provider;
}

/** Everything in `frames` as text (UTF-8, lossy on binary), for searching. */
export function bytesAsText(frames: readonly Uint8Array[]): string {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  return frames.map((f) => decoder.decode(f)).join('\n');
}

/**
 * Resolves once `target` has received every control message the server sent it before now: the
 * server answers even an unknown command in order, after everything it sent earlier. (Document
 * broadcasts are batched to the end of the event-loop turn, so for those wait on a later document
 * change instead.)
 */
export async function barrier(target: Target): Promise<void> {
  const id = `barrier-${nextId++}`;
  sendOf(target, controlFrameOf(JSON.stringify({ type: 'command', id, name: 'barrier' })));
  await waitFor(() => controlOf(target).some((m) => m.type === 'result' && m.id === id), 5000, 'barrier');
}

/**
 * Writes `words` into the text card as the facilitator of a board on a child process, waits until
 * another connection has them (so they are stored), then sends the process SIGTERM. Resolves with
 * the process's exit code and the close code the writer got.
 */
export async function writeThenTerminate(
  // the process to signal may not be the child itself (npm's child), so only `kill` is asked of it
  child: Pick<ServerProcess, 'wsUrl' | 'exited'> & { process: { kill(signal: NodeJS.Signals): unknown } },
  board: CreateBoardResponse,
  words: string,
): Promise<{ exitCode: number | null; closeCode: number }> {
  const writer = connectProvider(child, board.id, board.tokens.facilitator);
  const echo = connectProvider(child, board.id, board.tokens.viewer);
  try {
    const closes: number[] = [];
    writer.on('connection-close', (event) => {
      if (event) closes.push(event.code);
    });
    await whenSynced(writer);
    boardText(writer.doc).insert(0, words);
    await waitFor(() => text(echo.doc) === words, 5000, 'write reached the server');
    echo.destroy();
    child.process.kill('SIGTERM');
    const exitCode = await child.exited;
    await waitFor(() => closes.length > 0, 5000, 'close event');
    return { exitCode, closeCode: closes[0]! };
  } finally {
    writer.destroy();
    echo.destroy();
  }
}
