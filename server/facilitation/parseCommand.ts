/**
 * Reading a command out of a type-100 frame. Anything may arrive here (the socket is open to any
 * holder of a link), so every field is checked and every refusal says what was wrong in words a
 * client developer can act on. The argument shapes are `CommandArgs` in shared/protocol.ts.
 */
import { z } from 'zod';
import { COMMAND_NAMES, type CommandErrorCode, type CommandId, type CommandName } from '../../shared/protocol.ts';
import { LIMITS, SECTORS, ROLES } from '../../shared/schema.ts';
import { TIMER_LIMITS } from '../../shared/facilitation/index.ts';
import { VOTE_LANES, VOTE_LIMITS } from '../../shared/votes.ts';

/** A command longer than this is refused unread: the longest legitimate one is a draft. */
export const MAX_COMMAND_CHARS = 64 * 1024;
const MAX_ID_CHARS = 64;
/** ids the server issues (participants, drafts) and card ids are far shorter */
const MAX_REF_CHARS = 64;
export const DRAFT_LIMITS = { body: 20_000, perPerson: 50 } as const;

function text(max: number, what = 'text') {
  return z.string({ error: `must be ${what} (a string)` }).max(max, { error: `must be at most ${max} characters` });
}

function ref(what: string) {
  return z
    .string({ error: `must be ${what} (a string)` })
    .min(1, { error: `must be ${what}, not empty` })
    .max(MAX_REF_CHARS, { error: `must be at most ${MAX_REF_CHARS} characters` });
}

function duration() {
  return z
    .number({ error: `must be a number of milliseconds` })
    .int({ error: `must be a whole number of milliseconds` })
    .min(TIMER_LIMITS.minMs, { error: `must be at least ${TIMER_LIMITS.minMs} ms (1 second)` })
    .max(TIMER_LIMITS.maxMs, { error: `must be at most ${TIMER_LIMITS.maxMs} ms (24 hours)` });
}

const none = z.object({});
const flag = () => z.boolean({ error: 'must be true or false' });
const dots = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .min(1, { error: `must be at least 1 (${what})` })
    .max(VOTE_LIMITS.maxVotesPerPerson, { error: `must be at most ${VOTE_LIMITS.maxVotesPerPerson} (${what})` });

/** Argument schemas, one per command. Unknown extra fields are ignored (newer clients may send more). */
export const ARG_SCHEMAS = {
  join: z.object({
    name: text(LIMITS.name, 'your name')
      .trim()
      .min(1, { error: 'must not be empty: say who you are' }),
    organisation: text(LIMITS.organisation, 'your organisation').trim().default(''),
    sector: z.enum(SECTORS, { error: `must be one of: ${SECTORS.join(', ')}` }),
    participantId: ref('the participantId from your first join').optional(),
    secret: text(128, 'the secret from your first join').optional(),
  }),
  setPhase: z.object({ phaseId: ref('a phase id') }),
  nextPhase: none,
  ping: none,
  prevPhase: none,
  repeatRound: none,
  timerStart: z.object({ ms: duration() }),
  timerPause: none,
  timerResume: none,
  timerExtend: z.object({ ms: duration() }),
  timerStop: none,
  lock: none,
  unlock: none,
  setPrivateMode: z.object({ on: flag() }),
  revealDrafts: none,
  openVote: z.object({
    config: z
      .object({
        lane: z.enum(VOTE_LANES, { error: `must be one of: ${VOTE_LANES.join(', ')}` }).optional(),
        votesPerPerson: dots('dots per person').optional(),
        maxPerCard: dots('dots per card').optional(),
        anonymous: flag().optional(),
        hideUntilReveal: flag().optional(),
        sectorWeighting: flag().optional(),
        facilitatorsVote: flag().optional(),
      })
      .optional(),
  }),
  closeVote: none,
  revealVote: none,
  removeParticipant: z.object({ participantId: ref('a participant id') }),
  makeCoFacilitator: z.object({ participantId: ref('a participant id'), on: flag().optional() }),
  rotateLink: z.object({ role: z.enum(ROLES, { error: `must be one of: ${ROLES.join(', ')}` }) }),
  castVote: z.object({ cardId: ref('a card id') }),
  withdrawVote: z.object({ cardId: ref('a card id') }),
  saveDraft: z.object({
    draftId: ref('a draft id').optional(),
    kind: z.enum(['idea', 'problem'], { error: 'must be idea or problem' }).optional(),
    title: text(LIMITS.title, 'the title'),
    body: text(DRAFT_LIMITS.body, 'the body (Markdown)').optional(),
    problemId: ref('a problem id').nullable().optional(),
  }),
  deleteDraft: z.object({ draftId: ref('a draft id') }),
} satisfies Record<CommandName, z.ZodType>;

export type ParsedArgs<N extends CommandName> = z.output<(typeof ARG_SCHEMAS)[N]>;

export type ParsedCommand =
  | { ok: true; id: CommandId; name: CommandName; args: unknown }
  /** id null: not even a command's id could be read, so the answer is an `error`, not a `result` */
  | { ok: false; id: CommandId | null; code: CommandErrorCode; message: string };

const SHAPE = 'Send one JSON object: {"type":"command","id":1,"name":"join","args":{...}}.';

function isCommandId(value: unknown): value is CommandId {
  if (typeof value === 'string') return value.length > 0 && value.length <= MAX_ID_CHARS;
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function parseCommand(json: string): ParsedCommand {
  if (json.length > MAX_COMMAND_CHARS) {
    return { ok: false, id: null, code: 'bad-command', message: `A command must be at most ${MAX_COMMAND_CHARS} characters; this one has ${json.length}.` };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, id: null, code: 'bad-command', message: `That is not JSON. ${SHAPE}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: null, code: 'bad-command', message: `A command is a JSON object. ${SHAPE}` };
  }
  const v = value as Record<string, unknown>;
  if (v.type !== 'command') {
    return { ok: false, id: null, code: 'bad-command', message: `Clients send only commands (type "command"). ${SHAPE}` };
  }
  if (!isCommandId(v.id)) {
    return {
      ok: false,
      id: null,
      code: 'bad-command',
      message: `A command needs an id (a string of 1 to ${MAX_ID_CHARS} characters, or a whole number) so its result can be matched to it.`,
    };
  }
  const id = v.id;
  if (typeof v.name !== 'string' || !(COMMAND_NAMES as readonly string[]).includes(v.name)) {
    const shown = typeof v.name === 'string' ? `“${v.name.slice(0, 40)}${v.name.length > 40 ? '…' : ''}”` : 'missing';
    return { ok: false, id, code: 'unknown-command', message: `Unknown command (name ${shown}). Commands: ${COMMAND_NAMES.join(', ')}.` };
  }
  const name = v.name as CommandName;
  const rawArgs = v.args ?? {};
  if (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs)) {
    return { ok: false, id, code: 'bad-args', message: `The args of ${name} must be a JSON object.` };
  }
  const parsed = ARG_SCHEMAS[name].safeParse(rawArgs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    return { ok: false, id, code: 'bad-args', message: `${name}: ${field ? `${field} ` : ''}${issue.message}.` };
  }
  return { ok: true, id, name, args: parsed.data };
}
