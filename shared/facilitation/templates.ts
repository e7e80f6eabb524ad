/**
 * Each template's phases as data: what a phase asks of people and what it allows them to do.
 * Nothing here touches Yjs or the network.
 */
import type { CardKind, Template } from '../schema.ts';
import type { VoteLane } from '../votes.ts';

/** What a phase lets contributors do. Facilitators and co-facilitators are never restricted. */
export type PhaseAllows = {
  /** lanes where contributors may add new cards */
  add: readonly CardKind[];
  /** whether contributors may change what is already there: titles, bodies, links, themes, order, deletions */
  edit: boolean;
  /** lanes a vote may be opened on during this phase */
  vote: readonly VoteLane[];
  /** the facilitator is offered private mode when this phase starts (it is never switched on by itself) */
  privateModeSuggested: boolean;
  /** entering this phase locks the board; leaving it unlocks it */
  locked: boolean;
};

export type Phase = {
  id: string;
  name: string;
  /** what the phase asks of people: one plain sentence, shown beside the phase name */
  asks: string;
  allows: PhaseAllows;
};

/** A card the template puts on a new board, for people to rewrite. */
export type StarterCard = { kind: 'problem'; title: string; body: string };

export type TemplateDefinition = {
  id: Template;
  name: string;
  /** one sentence for the "Start a board" form */
  description: string;
  phases: readonly Phase[];
  starter: readonly StarterCard[];
};

const ALL_LANES: readonly CardKind[] = ['problem', 'idea', 'note'];

function allows(partial: Partial<PhaseAllows>): PhaseAllows {
  return { add: [], edit: true, vote: [], privateModeSuggested: false, locked: false, ...partial };
}

/** A phase for voting: no new cards, and nobody rewords a card while people vote on it. */
function votePhase(id: string, name: string, asks: string, lane: VoteLane): Phase {
  return { id, name, asks, allows: allows({ edit: false, vote: [lane] }) };
}

export const TEMPLATE_DEFINITIONS: Readonly<Record<Template, TemplateDefinition>> = {
  'design-sprint': {
    id: 'design-sprint',
    name: 'Design sprint',
    description: 'Understand the problem, sketch ideas alone, decide together, then prototype and test.',
    phases: [
      {
        id: 'understand',
        name: 'Understand',
        asks: 'Write down the problems you see and what you already know about them.',
        allows: allows({ add: ['problem', 'note'] }),
      },
      {
        id: 'sketch',
        name: 'Sketch',
        asks: 'Sketch your own ideas for solving these problems.',
        allows: allows({ add: ['idea'], privateModeSuggested: true }),
      },
      votePhase('decide', 'Decide', 'Put your dots on the ideas you think we should take forward.', 'ideas'),
      {
        id: 'prototype',
        name: 'Prototype',
        asks: 'Add notes on how we could build the chosen ideas.',
        allows: allows({ add: ['note'] }),
      },
      {
        id: 'test',
        name: 'Test',
        asks: 'Add notes on what you learned from testing each prototype.',
        allows: allows({ add: ['note'] }),
      },
    ],
    starter: [],
  },
  hackathon: {
    id: 'hackathon',
    name: 'Hackathon',
    description: 'Frame the problem, pour out ideas, vote, build in teams and pitch.',
    phases: [
      {
        id: 'frame',
        name: 'Frame',
        asks: 'Write the problems worth solving as “How might we …?” questions.',
        allows: allows({ add: ['problem'] }),
      },
      {
        id: 'ideate',
        name: 'Ideate',
        asks: 'Add as many ideas as you can.',
        allows: allows({ add: ['idea'] }),
      },
      votePhase('vote', 'Vote', 'Put your dots on the ideas your team should build.', 'ideas'),
      {
        id: 'build',
        name: 'Build',
        asks: 'Add notes on what you are building and how it is going.',
        allows: allows({ add: ['note'] }),
      },
      {
        id: 'pitch',
        name: 'Pitch',
        asks: 'Present what you built. The board is locked and the brief is ready to share.',
        allows: allows({ edit: false, locked: true }),
      },
    ],
    starter: [
      {
        kind: 'problem',
        title: 'How might we …?',
        body: 'Rewrite this card as the problem your team wants to solve.',
      },
    ],
  },
  'lightning-decision-jam': {
    id: 'lightning-decision-jam',
    name: 'Lightning decision jam',
    description: 'Problems, a vote, how-might-we reframes, solutions, another vote, and first actions — in an hour.',
    phases: [
      {
        id: 'problems',
        name: 'Problems',
        asks: 'Write down every problem you can think of, one per card.',
        allows: allows({ add: ['problem'], privateModeSuggested: true }),
      },
      votePhase('vote-problems', 'Vote on problems', 'Put your dots on the problems that matter most.', 'problems'),
      {
        id: 'reframe',
        name: 'Reframe',
        asks: 'Rewrite the top problems as “How might we …?” questions.',
        allows: allows({}),
      },
      {
        id: 'solutions',
        name: 'Solutions',
        asks: 'Write as many solutions to the top problems as you can.',
        allows: allows({ add: ['idea'], privateModeSuggested: true }),
      },
      votePhase('vote-ideas', 'Vote on ideas', 'Put your dots on the solutions you would try first.', 'ideas'),
      {
        id: 'actions',
        name: 'Actions',
        asks: 'Add a first action for each top idea as a note.',
        allows: allows({ add: ['note'] }),
      },
    ],
    starter: [],
  },
  open: {
    id: 'open',
    name: 'Open board',
    description: 'One open phase: add, edit and vote on anything, whenever you like.',
    phases: [
      {
        id: 'open',
        name: 'Open board',
        asks: 'Add problems, ideas and notes, and vote when the facilitator opens a vote.',
        allows: allows({ add: ALL_LANES, vote: ['ideas', 'problems'] }),
      },
    ],
    starter: [],
  },
};

export function templateDefinition(template: Template): TemplateDefinition {
  return TEMPLATE_DEFINITIONS[template] ?? TEMPLATE_DEFINITIONS.open;
}

export function phasesOf(template: Template): readonly Phase[] {
  return templateDefinition(template).phases;
}
