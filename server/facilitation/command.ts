/**
 * What a command is: who may run it (`Access`), what it works with (`Facilitation`), what it
 * answers (`Outcome`, or a refusal), and the table of all of them (`CommandRegistry`, built in
 * commands/ and handed to each board by the service). `runCommand` checks access, then runs.
 *
 * Every command follows the same order: check -> store (the model) -> apply in memory (the model,
 * after storing) -> publish (the publisher).
 */
import type { CommandErrorCode, CommandName } from '../../shared/protocol.ts';
import type { Connection } from '../rooms/connection.ts';
import type { Room } from '../rooms/room.ts';
import type { Awaitable, ParticipantRecord } from '../storage/storage.ts';
import type { FacilitationModel } from './model.ts';
import type { ParsedArgs } from './parseCommand.ts';
import type { People } from './people.ts';
import type { Publisher } from './publish.ts';
import type { Role } from '../../shared/schema.ts';
import { runsSession, type SessionState, type Standing, type Step } from '../../shared/facilitation/index.ts';

/** Rotates a link: the service stores the new hash, and the old token's connections close once the result is sent. */
export type LinkRotator = (boardId: string, role: Role) => Promise<{ token: string; closeOld: () => void }>;

/** What a command works with: one board's model, its people and publisher, and its document. */
export type Facilitation = {
  readonly model: FacilitationModel;
  readonly people: People;
  readonly publish: Publisher;
  /** the board's document, changed only as the server, and the room's queue */
  readonly board: Pick<Room, 'doc' | 'changeAsServer' | 'schedule'>;
  /** Stores a new session state, applies it, re-arms the timer and publishes it. */
  commit(next: SessionState): Promise<void>;
  /** rotates a link (storage and every live board); absent, rotateLink is refused */
  readonly rotateLink?: LinkRotator;
};

/** Who sent a command, as the commands see it. */
export type CommandContext = {
  conn: Connection;
  /** null until the connection has joined */
  participant: ParticipantRecord | null;
  standing: Standing;
  now: number;
};

/** A command's answer; `afterReply` runs after the result was sent (e.g. closing the sender). */
export type Outcome =
  | { ok: true; value?: unknown; afterReply?: () => void }
  | { ok: false; code: CommandErrorCode; message: string; afterReply?: () => void };

/**
 * Who may run a command: anyone (join), anyone who joined, facilitators and co-facilitators
 * ('runs-session'), or holders of the facilitator link only.
 */
export type Access = 'anyone' | 'joined' | 'runs-session' | 'facilitator';

export type CommandSpec<N extends CommandName> = {
  access: Access;
  run(f: Facilitation, ctx: CommandContext, args: ParsedArgs<N>): Awaitable<Outcome>;
};

/** A group of commands (one file under commands/). */
export type CommandGroup<N extends CommandName> = { [K in N]: CommandSpec<K> };

/** Every command, by name. */
export type CommandRegistry = CommandGroup<CommandName>;

export function refuse(code: CommandErrorCode, message: string): Outcome {
  return { ok: false, code, message };
}

/** A step of the phase machine: refused, it is passed on; accepted, its state is committed. */
export async function applyStep(f: Facilitation, step: Step, value?: unknown): Promise<Outcome> {
  if (!step.ok) return refuse(step.code, step.message);
  await f.commit(step.state);
  return { ok: true, ...(value === undefined ? {} : { value }) };
}

/** Runs command `name` for `ctx`'s sender if they may, else refuses it. */
export function runCommand(
  registry: CommandRegistry,
  f: Facilitation,
  ctx: CommandContext,
  name: CommandName,
  args: unknown,
): Awaitable<Outcome> {
  const spec = registry[name] as CommandSpec<CommandName>;
  if (spec.access !== 'anyone' && !ctx.participant) {
    return refuse('not-joined', 'Join the board first: send join with your name, organisation and sector.');
  }
  if (spec.access === 'runs-session' && !runsSession(ctx.standing)) {
    return refuse('forbidden', 'Only the facilitator (or a co-facilitator) can do that.');
  }
  if (spec.access === 'facilitator' && ctx.standing !== 'facilitator') {
    return refuse('forbidden', 'Only the facilitator can do that.');
  }
  return spec.run(f, ctx, args as never);
}
