/**
 * The command table: every command by name, gathered from its group's file. The service hands
 * it to each board (nothing else imports the commands), so the table can be swapped in tests.
 */
import type { CommandRegistry } from '../command.ts';
import { DRAFT_COMMANDS } from './drafts.ts';
import { IDENTITY_COMMANDS } from './identity.ts';
import { PEOPLE_COMMANDS } from './people.ts';
import { PHASE_COMMANDS } from './phases.ts';
import { VOTING_COMMANDS } from './voting.ts';

export const COMMANDS: CommandRegistry = {
  ...IDENTITY_COMMANDS,
  ...PHASE_COMMANDS,
  ...VOTING_COMMANDS,
  ...DRAFT_COMMANDS,
  ...PEOPLE_COMMANDS,
};
