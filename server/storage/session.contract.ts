/**
 * The storage contract for facilitation state (issue 4): session state, participants, vote rounds,
 * ballots, drafts and rotated links. Run by `storageContract` against every implementation; each
 * test is named after the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.ts';
import { DEFAULT_VOTE_CONFIG } from '../../shared/votes.ts';
import type { StorageFixture } from './storage.contract.ts';
import { storageFixture, testBoard } from './storage.contract.ts';
import {
  UnknownBoardError,
  type ParticipantRecord,
  type Storage,
  type VoteRoundRecord,
} from './storage.ts';

export function testParticipant(boardId: string, overrides: Partial<ParticipantRecord> = {}): ParticipantRecord {
  return {
    boardId,
    id: 'p-amira',
    secretHash: hashToken('secret'),
    name: 'Amira Khan',
    organisation: 'City council',
    sector: 'public sector',
    role: 'contributor',
    removed: false,
    joinedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function testRound(boardId: string, overrides: Partial<VoteRoundRecord> = {}): VoteRoundRecord {
  return {
    boardId,
    round: 1,
    config: { ...DEFAULT_VOTE_CONFIG },
    status: 'open',
    openedAt: 1_700_000_000_000,
    closedAt: null,
    revealedAt: null,
    ...overrides,
  };
}

export function sessionContract(name: string, create: () => Promise<StorageFixture> | StorageFixture): void {
  describe(`storage contract, facilitation: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);

    async function setup() {
      storage = await fixture.open();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      return board.id;
    }

    it('empty: a board with no session state loads as empty', async () => {
      const id = await setup();
      expect(await storage.loadSession(id)).toEqual({ state: null, participants: [], rounds: [], ballots: [], drafts: [] });
      expect(await storage.loadSession('nope')).toEqual({ state: null, participants: [], rounds: [], ballots: [], drafts: [] });
    });

    it('session: state is replaced as a whole, and a round is written with it', async () => {
      const id = await setup();
      await storage.saveSession(id, '{"phaseIndex":1}');
      await storage.saveSession(id, '{"phaseIndex":2}', testRound(id));
      await storage.saveSession(id, '{"phaseIndex":2,"x":1}', testRound(id, { status: 'revealed', closedAt: 5, revealedAt: 6 }));
      await storage.saveSession(id, '{"phaseIndex":3}', testRound(id, { round: 2, config: { ...DEFAULT_VOTE_CONFIG, lane: 'problems' } }));
      const loaded = await storage.loadSession(id);
      expect(loaded.state).toBe('{"phaseIndex":3}');
      expect(loaded.rounds).toEqual([
        testRound(id, { status: 'revealed', closedAt: 5, revealedAt: 6 }),
        testRound(id, { round: 2, config: { ...DEFAULT_VOTE_CONFIG, lane: 'problems' } }),
      ]);
    });

    it('unknown board: every write throws UnknownBoardError', async () => {
      await setup();
      await expect(async () => storage.saveSession('nope', '{}')).rejects.toThrow(UnknownBoardError);
      await expect(async () => storage.putParticipant(testParticipant('nope'))).rejects.toThrow(UnknownBoardError);
      await expect(async () => storage.setTokenHash('nope', 'viewer', hashToken('x'))).rejects.toThrow(UnknownBoardError);
    });

    it('participants: upserted by id, secret hash and removal intact', async () => {
      const id = await setup();
      await storage.putParticipant(testParticipant(id));
      await storage.putParticipant(testParticipant(id, { id: 'p-ben', name: 'Ben', sector: 'private sector' }));
      await storage.putParticipant(testParticipant(id, { name: 'Amira K.', removed: true, role: 'facilitator' }));
      const people = (await storage.loadSession(id)).participants;
      expect(people).toHaveLength(2);
      const amira = people.find((p) => p.id === 'p-amira')!;
      expect(amira).toEqual(testParticipant(id, { name: 'Amira K.', removed: true, role: 'facilitator' }));
      expect(Array.from(amira.secretHash)).toEqual(Array.from(hashToken('secret')));
    });

    it('ballots: one row per person, card and round; 0 deletes; kept apart by round', async () => {
      const id = await setup();
      await storage.putParticipant(testParticipant(id));
      await storage.saveSession(id, '{}', testRound(id));
      await storage.saveSession(id, '{}', testRound(id, { round: 2 }));
      const dot = { boardId: id, participantId: 'p-amira' };
      await storage.setBallot({ ...dot, round: 1, cardId: 'a', count: 1 });
      await storage.setBallot({ ...dot, round: 1, cardId: 'a', count: 2 });
      await storage.setBallot({ ...dot, round: 1, cardId: 'b', count: 1 });
      await storage.setBallot({ ...dot, round: 2, cardId: 'a', count: 1 });
      await storage.setBallot({ ...dot, round: 1, cardId: 'b', count: 0 });
      const ballots = (await storage.loadSession(id)).ballots;
      expect(ballots).toHaveLength(2);
      expect(ballots).toContainEqual({ ...dot, round: 1, cardId: 'a', count: 2 });
      expect(ballots).toContainEqual({ ...dot, round: 2, cardId: 'a', count: 1 });
      await storage.deleteBallots(id, 1, 'p-amira');
      expect((await storage.loadSession(id)).ballots).toEqual([{ ...dot, round: 2, cardId: 'a', count: 1 }]);
    });

    it('ballots: a dot for a round or a person that does not exist is refused', async () => {
      const id = await setup();
      await storage.putParticipant(testParticipant(id));
      await expect(async () => storage.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'a', count: 1 })).rejects.toThrow();
      await storage.saveSession(id, '{}', testRound(id));
      await expect(async () => storage.setBallot({ boardId: id, round: 1, participantId: 'nobody', cardId: 'a', count: 1 })).rejects.toThrow();
      await expect(async () => storage.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'a', count: -1 })).rejects.toThrow();
      expect((await storage.loadSession(id)).ballots).toEqual([]);
    });

    it('drafts: keyed by person and draft id, oldest first, deleted one, per person or all', async () => {
      const id = await setup();
      await storage.putParticipant(testParticipant(id));
      await storage.putParticipant(testParticipant(id, { id: 'p-ben' }));
      await storage.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd1', data: '{"t":1}', updatedAt: 3 });
      await storage.putDraft({ boardId: id, participantId: 'p-ben', draftId: 'd1', data: '{"t":2}', updatedAt: 1 });
      await storage.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd2', data: '{"t":3}', updatedAt: 2 });
      await storage.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd1', data: '{"t":4}', updatedAt: 4 });
      let drafts = (await storage.loadSession(id)).drafts;
      expect(drafts.map((d) => [d.participantId, d.draftId, d.data])).toEqual([
        ['p-ben', 'd1', '{"t":2}'],
        ['p-amira', 'd2', '{"t":3}'],
        ['p-amira', 'd1', '{"t":4}'],
      ]);
      expect(await storage.deleteDraft(id, 'p-amira', 'd2')).toBe(true);
      expect(await storage.deleteDraft(id, 'p-amira', 'd2')).toBe(false);
      await storage.deleteDrafts(id, 'p-ben');
      drafts = (await storage.loadSession(id)).drafts;
      expect(drafts.map((d) => d.participantId)).toEqual(['p-amira']);
      await storage.deleteDrafts(id);
      expect((await storage.loadSession(id)).drafts).toEqual([]);
      await expect(async () => storage.putDraft({ boardId: id, participantId: 'nobody', draftId: 'x', data: '{}', updatedAt: 1 })).rejects.toThrow();
    });

    it('isolation: one board’s session state never appears in another', async () => {
      const a = await setup();
      const b = testBoard();
      await storage.createBoard(b, new Uint8Array([0, 0]));
      await storage.putParticipant(testParticipant(a));
      await storage.saveSession(a, '{"a":1}', testRound(a));
      await storage.setBallot({ boardId: a, round: 1, participantId: 'p-amira', cardId: 'c', count: 1 });
      await storage.putDraft({ boardId: a, participantId: 'p-amira', draftId: 'd', data: '{}', updatedAt: 1 });
      expect(await storage.loadSession(b.id)).toEqual({ state: null, participants: [], rounds: [], ballots: [], drafts: [] });
    });

    it('links: a rotated hash replaces the old one at once, for that role only', async () => {
      const id = await setup();
      await storage.setTokenHash(id, 'contributor', hashToken('new'));
      expect(await storage.findRoleByTokenHash(id, hashToken('c'))).toBeNull();
      expect(await storage.findRoleByTokenHash(id, hashToken('new'))).toBe('contributor');
      expect(await storage.findRoleByTokenHash(id, hashToken('f'))).toBe('facilitator');
      expect(Array.from((await storage.getBoard(id))!.tokenHashes.contributor)).toEqual(Array.from(hashToken('new')));
    });

    it('copies: changing a record after writing or loading it does not change what is stored', async () => {
      const id = await setup();
      const person = testParticipant(id);
      await storage.putParticipant(person);
      person.secretHash.fill(0);
      const loaded = (await storage.loadSession(id)).participants[0]!;
      loaded.secretHash.fill(0);
      expect(Array.from((await storage.loadSession(id)).participants[0]!.secretHash)).toEqual(Array.from(hashToken('secret')));
    });

    it('durability: session, people, rounds, ballots, drafts and links survive reopening', async () => {
      const id = await setup();
      if (!fixture.reopen) return;
      await storage.putParticipant(testParticipant(id));
      await storage.saveSession(id, '{"phaseIndex":2}', testRound(id, { status: 'closed', closedAt: 9 }));
      await storage.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'c', count: 2 });
      await storage.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd', data: '{"x":1}', updatedAt: 1 });
      await storage.setTokenHash(id, 'viewer', hashToken('v2'));
      const before = await storage.loadSession(id);
      storage = await fixture.reopen();
      expect(await storage.loadSession(id)).toEqual(before);
      expect(await storage.findRoleByTokenHash(id, hashToken('v2'))).toBe('viewer');
    });
  });
}
