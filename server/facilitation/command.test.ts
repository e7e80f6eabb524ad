/**
 * Who may run what: `runCommand` checks a command's access against its sender before the command
 * sees anything, over a table of stand-in commands (the real table is commands/index.ts).
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../shared/protocol.ts';
import type { Connection } from '../rooms/connection.ts';
import type { ParticipantRecord } from '../storage/storage.ts';
import { runCommand, type Access, type CommandContext, type CommandRegistry, type Facilitation } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import type { Standing } from '../../shared/facilitation/index.ts';

/** A table in which every command has `access` and records that it ran. */
function tableOf(access: Access, ran: CommandName[]): CommandRegistry {
  const entries = COMMAND_NAMES.map((name) => [name, { access, run: () => (ran.push(name), { ok: true as const }) }]);
  return Object.fromEntries(entries) as CommandRegistry;
}

function sender(standing: Standing, joined: boolean): CommandContext {
  return {
    conn: {} as Connection,
    participant: joined ? ({ id: 'p1' } as ParticipantRecord) : null,
    standing,
    now: 0,
  };
}

const f = {} as Facilitation;

describe('runCommand', () => {
  it('runs a command open to anyone for someone who has not joined', async () => {
    const ran: CommandName[] = [];
    expect(await runCommand(tableOf('anyone', ran), f, sender('contributor', false), 'ping', {})).toEqual({ ok: true });
    expect(ran).toEqual(['ping']);
  });

  it('refuses everything else until the sender joined', async () => {
    const ran: CommandName[] = [];
    for (const access of ['joined', 'runs-session', 'facilitator'] as const) {
      expect(await runCommand(tableOf(access, ran), f, sender('facilitator', false), 'lock', {})).toMatchObject({
        ok: false,
        code: 'not-joined',
      });
    }
    expect(ran).toEqual([]);
  });

  it('runs-session: facilitators and co-facilitators only', async () => {
    const ran: CommandName[] = [];
    const table = tableOf('runs-session', ran);
    expect(await runCommand(table, f, sender('contributor', true), 'lock', {})).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await runCommand(table, f, sender('co-facilitator', true), 'lock', {})).toEqual({ ok: true });
    expect(await runCommand(table, f, sender('facilitator', true), 'unlock', {})).toEqual({ ok: true });
    expect(ran).toEqual(['lock', 'unlock']);
  });

  it('facilitator: the facilitator link only, not a co-facilitator', async () => {
    const ran: CommandName[] = [];
    const table = tableOf('facilitator', ran);
    expect(await runCommand(table, f, sender('co-facilitator', true), 'rotateLink', {})).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await runCommand(table, f, sender('facilitator', true), 'rotateLink', {})).toEqual({ ok: true });
    expect(ran).toEqual(['rotateLink']);
  });

  it('the real table has every command, each with its access', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...COMMAND_NAMES].sort());
    expect(COMMANDS.join.access).toBe('anyone');
    expect(COMMANDS.castVote.access).toBe('joined');
    expect(COMMANDS.nextPhase.access).toBe('runs-session');
    expect(COMMANDS.rotateLink.access).toBe('facilitator');
  });
});
