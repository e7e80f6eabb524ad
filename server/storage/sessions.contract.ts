/**
 * The storage contract for facilitation state: session state, participants, vote rounds, ballots
 * and drafts. Run by `storageContract` against every implementation; each test is named after the
 * rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.ts';
import { DEFAULT_VOTE_CONFIG } from '../../shared/votes.ts';
import {
  saveState,
  stateWithVote,
  storageFixture,
  testBoard,
  testParticipant,
  testRound,
  testState,
  type CreateFixture,
} from './fixtures.ts';
import { StaleSessionError, UnknownBoardError } from './errors.ts';
import type { Storage } from './storage.ts';

const EMPTY = { state: null, revision: 0, participants: [], rounds: [], ballots: [], drafts: [] };

export function sessionsContract(name: string, create: CreateFixture): void {
  describe(`storage contract, facilitation: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);

    async function setup() {
      storage = await fixture.open();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      return board.id;
    }

    it('empty: a board with no session state loads as empty, at revision 0', async () => {
      const id = await setup();
      expect(await storage.sessions.loadSession(id)).toEqual(EMPTY);
      expect(await storage.sessions.loadSession('nope')).toEqual(EMPTY);
    });

    it('session: the state is replaced as a whole, and its vote is written among the rounds', async () => {
      const id = await setup();
      await saveState(storage, id, testState({ phaseIndex: 1 }));
      await saveState(storage, id, stateWithVote(testRound(id), { phaseIndex: 2 }));
      const revealed = testRound(id, { status: 'revealed', closedAt: 5, revealedAt: 6 });
      await saveState(storage, id, stateWithVote(revealed, { phaseIndex: 2, locked: true }));
      const last = stateWithVote(testRound(id, { round: 2, config: { ...DEFAULT_VOTE_CONFIG, lane: 'problems' } }), { phaseIndex: 3 });
      await saveState(storage, id, last);
      const loaded = await storage.sessions.loadSession(id);
      expect(loaded.state).toEqual(last);
      expect(loaded.rounds).toEqual([
        testRound(id, { status: 'revealed', closedAt: 5, revealedAt: 6 }),
        testRound(id, { round: 2, config: { ...DEFAULT_VOTE_CONFIG, lane: 'problems' } }),
      ]);
    });

    it('state: every field reads back as saved', async () => {
      const id = await setup();
      await storage.sessions.putParticipant(testParticipant(id));
      await storage.sessions.putParticipant(testParticipant(id, { id: 'p-ben', joinedAt: 1_700_000_000_001 }));
      await storage.sessions.putParticipant(testParticipant(id, { id: 'p-cleo', joinedAt: 1_700_000_000_002 }));
      const config = { ...DEFAULT_VOTE_CONFIG, anonymous: true, votesPerPerson: 5 };
      const state = stateWithVote(testRound(id, { round: 3, config }), {
        phaseIndex: 2,
        round: 4,
        locked: true,
        lockedAt: 1_700_000_000_500,
        privateMode: true,
        phaseStartedAt: 1_700_000_000_400,
        timer: { status: 'paused', durationMs: 300_000, endsAt: null, remainingMs: 120_000 },
        votesOpened: 3,
        coFacilitators: ['p-amira', 'p-cleo'],
        removed: ['p-ben'],
      });
      await saveState(storage, id, state);
      expect((await storage.sessions.loadSession(id)).state).toEqual(state);
      const running = testState({ timer: { status: 'running', durationMs: 60_000, endsAt: 1_700_000_060_000, remainingMs: null } });
      await saveState(storage, id, { ...running, removed: ['p-ben'] });
      expect((await storage.sessions.loadSession(id)).state).toEqual({ ...running, removed: ['p-ben'] });
    });

    it('revision: each save returns the next revision, and the state loads with it', async () => {
      const id = await setup();
      expect(await storage.sessions.saveSession(id, testState({ phaseIndex: 1 }), 0)).toBe(1);
      expect(await storage.sessions.saveSession(id, testState({ phaseIndex: 2 }), 1)).toBe(2);
      const loaded = await storage.sessions.loadSession(id);
      expect(loaded.revision).toBe(2);
      expect(loaded.state).toEqual(testState({ phaseIndex: 2 }));
    });

    it('stale save: a save based on a revision that is no longer stored throws StaleSessionError and writes nothing', async () => {
      const id = await setup();
      await storage.sessions.putParticipant(testParticipant(id));
      await storage.sessions.saveSession(id, testState({ phaseIndex: 1 }), 0);
      const seen = stateWithVote(testRound(id), { phaseIndex: 2, coFacilitators: ['p-amira'] });
      await storage.sessions.saveSession(id, seen, 1);
      for (const basedOn of [0, 1, 3]) {
        const unseen = stateWithVote(testRound(id, { round: 2 }), { locked: true, removed: ['p-amira'] });
        const stale = (async () => storage.sessions.saveSession(id, unseen, basedOn))();
        await expect(stale).rejects.toThrow(StaleSessionError);
        await expect(stale).rejects.toMatchObject({ boardId: id, expected: basedOn, actual: 2 });
      }
      const loaded = await storage.sessions.loadSession(id);
      expect(loaded.revision).toBe(2);
      expect(loaded.state).toEqual(seen);
      expect(loaded.rounds).toEqual([testRound(id)]);
      expect(loaded.participants[0]!.removed).toBe(false);
    });

    it('concurrent writers: of two that loaded the same revision, one saves, the other is refused and overwrites nothing', async () => {
      const id = await setup();
      await saveState(storage, id, testState());
      const other = await fixture.another();
      const [a, b] = await Promise.all([storage.sessions.loadSession(id), other.sessions.loadSession(id)]);
      expect(a.revision).toBe(b.revision);
      // writer A moves on a phase; writer B, who did not see that, locks the board
      const writers = [storage, other];
      const results = await Promise.allSettled([
        (async () => storage.sessions.saveSession(id, { ...a.state!, phaseIndex: 1 }, a.revision))(),
        (async () => other.sessions.saveSession(id, { ...b.state!, locked: true, lockedAt: 7 }, b.revision))(),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = results.findIndex((r) => r.status === 'rejected');
      expect((results[lost] as PromiseRejectedResult).reason).toBeInstanceOf(StaleSessionError);
      const kept = lost === 1 ? testState({ phaseIndex: 1 }) : testState({ locked: true, lockedAt: 7 });
      for (const reader of writers) {
        const loaded = await reader.sessions.loadSession(id);
        expect(loaded.revision).toBe(a.revision + 1);
        expect(loaded.state).toEqual(kept);
      }
      // the refused writer loads again and saves on top: both changes are kept
      const loser = writers[lost]!;
      const fresh = await loser.sessions.loadSession(id);
      await loser.sessions.saveSession(id, { ...fresh.state!, phaseIndex: 1, locked: true, lockedAt: 7 }, fresh.revision);
      expect((await storage.sessions.loadSession(id)).state).toEqual(testState({ phaseIndex: 1, locked: true, lockedAt: 7 }));
    });

    it('people flags: co-facilitators and removals must be participants, or nothing is written', async () => {
      const id = await setup();
      await storage.sessions.putParticipant(testParticipant(id));
      await saveState(storage, id, testState({ coFacilitators: ['p-amira'] }));
      await expect(async () => saveState(storage, id, testState({ phaseIndex: 1, coFacilitators: ['nobody'] }))).rejects.toThrow();
      await expect(async () => saveState(storage, id, testState({ phaseIndex: 1, removed: ['nobody'] }))).rejects.toThrow();
      const loaded = await storage.sessions.loadSession(id);
      expect(loaded.revision).toBe(1);
      expect(loaded.state).toEqual(testState({ coFacilitators: ['p-amira'] }));
      await saveState(storage, id, testState());
      expect((await storage.sessions.loadSession(id)).state!.coFacilitators).toEqual([]);
    });

    it('removal is sticky: writing an older copy of a removed person does not bring them back', async () => {
      const id = await setup();
      const amira = testParticipant(id);
      await storage.sessions.putParticipant(amira);
      await storage.sessions.putParticipant({ ...amira, removed: true });
      await storage.sessions.putParticipant({ ...amira, name: 'Amira K.' });
      const [stored] = (await storage.sessions.loadSession(id)).participants;
      expect(stored).toEqual({ ...amira, name: 'Amira K.', removed: true });
    });

    it('unknown board: every write throws UnknownBoardError', async () => {
      await setup();
      await expect(async () => storage.sessions.saveSession('nope', testState(), 0)).rejects.toThrow(UnknownBoardError);
      await expect(async () => storage.sessions.putParticipant(testParticipant('nope'))).rejects.toThrow(UnknownBoardError);
    });

    it('participants: upserted by id, secret hash and removal intact', async () => {
      const id = await setup();
      await storage.sessions.putParticipant(testParticipant(id));
      await storage.sessions.putParticipant(testParticipant(id, { id: 'p-ben', name: 'Ben', sector: 'private sector' }));
      await storage.sessions.putParticipant(testParticipant(id, { name: 'Amira K.', removed: true, role: 'facilitator' }));
      const people = (await storage.sessions.loadSession(id)).participants;
      expect(people).toHaveLength(2);
      const amira = people.find((p) => p.id === 'p-amira')!;
      expect(amira).toEqual(testParticipant(id, { name: 'Amira K.', removed: true, role: 'facilitator' }));
      expect(Array.from(amira.secretHash)).toEqual(Array.from(hashToken('secret')));
    });

    it('ballots: one row per person, card and round; 0 deletes; kept apart by round', async () => {
      const id = await setup();
      await storage.sessions.putParticipant(testParticipant(id));
      await saveState(storage, id, stateWithVote(testRound(id)));
      await saveState(storage, id, stateWithVote(testRound(id, { round: 2 })));
      const dot = { boardId: id, participantId: 'p-amira' };
      await storage.sessions.setBallot({ ...dot, round: 1, cardId: 'a', count: 1 });
      await storage.sessions.setBallot({ ...dot, round: 1, cardId: 'a', count: 2 });
      await storage.sessions.setBallot({ ...dot, round: 1, cardId: 'b', count: 1 });
      await storage.sessions.setBallot({ ...dot, round: 2, cardId: 'a', count: 1 });
      await storage.sessions.setBallot({ ...dot, round: 1, cardId: 'b', count: 0 });
      const ballots = (await storage.sessions.loadSession(id)).ballots;
      expect(ballots).toHaveLength(2);
      expect(ballots).toContainEqual({ ...dot, round: 1, cardId: 'a', count: 2 });
      expect(ballots).toContainEqual({ ...dot, round: 2, cardId: 'a', count: 1 });
      await storage.sessions.deleteBallots(id, 1, 'p-amira');
      expect((await storage.sessions.loadSession(id)).ballots).toEqual([{ ...dot, round: 2, cardId: 'a', count: 1 }]);
    });

    it('ballots: a dot for a round or a person that does not exist is refused', async () => {
      const id = await setup();
      await storage.sessions.putParticipant(testParticipant(id));
      await expect(async () =>
        storage.sessions.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'a', count: 1 }),
      ).rejects.toThrow();
      await saveState(storage, id, stateWithVote(testRound(id)));
      await expect(async () =>
        storage.sessions.setBallot({ boardId: id, round: 1, participantId: 'nobody', cardId: 'a', count: 1 }),
      ).rejects.toThrow();
      await expect(async () =>
        storage.sessions.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'a', count: -1 }),
      ).rejects.toThrow();
      expect((await storage.sessions.loadSession(id)).ballots).toEqual([]);
    });

    it('drafts: keyed by person and draft id, oldest first, deleted one, per person or all', async () => {
      const id = await setup();
      await storage.sessions.putParticipant(testParticipant(id));
      await storage.sessions.putParticipant(testParticipant(id, { id: 'p-ben' }));
      await storage.sessions.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd1', data: '{"t":1}', updatedAt: 3 });
      await storage.sessions.putDraft({ boardId: id, participantId: 'p-ben', draftId: 'd1', data: '{"t":2}', updatedAt: 1 });
      await storage.sessions.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd2', data: '{"t":3}', updatedAt: 2 });
      await storage.sessions.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd1', data: '{"t":4}', updatedAt: 4 });
      let drafts = (await storage.sessions.loadSession(id)).drafts;
      expect(drafts.map((d) => [d.participantId, d.draftId, d.data])).toEqual([
        ['p-ben', 'd1', '{"t":2}'],
        ['p-amira', 'd2', '{"t":3}'],
        ['p-amira', 'd1', '{"t":4}'],
      ]);
      expect(await storage.sessions.deleteDraft(id, 'p-amira', 'd2')).toBe(true);
      expect(await storage.sessions.deleteDraft(id, 'p-amira', 'd2')).toBe(false);
      await storage.sessions.deleteDrafts(id, 'p-ben');
      drafts = (await storage.sessions.loadSession(id)).drafts;
      expect(drafts.map((d) => d.participantId)).toEqual(['p-amira']);
      await storage.sessions.deleteDrafts(id);
      expect((await storage.sessions.loadSession(id)).drafts).toEqual([]);
      await expect(async () =>
        storage.sessions.putDraft({ boardId: id, participantId: 'nobody', draftId: 'x', data: '{}', updatedAt: 1 }),
      ).rejects.toThrow();
    });

    it('isolation: one board’s session state never appears in another', async () => {
      const a = await setup();
      const b = testBoard();
      await storage.boards.createBoard(b, new Uint8Array([0, 0]));
      await storage.sessions.putParticipant(testParticipant(a));
      await saveState(storage, a, stateWithVote(testRound(a), { coFacilitators: ['p-amira'] }));
      await storage.sessions.setBallot({ boardId: a, round: 1, participantId: 'p-amira', cardId: 'c', count: 1 });
      await storage.sessions.putDraft({ boardId: a, participantId: 'p-amira', draftId: 'd', data: '{}', updatedAt: 1 });
      expect(await storage.sessions.loadSession(b.id)).toEqual(EMPTY);
    });

    it('copies: changing a record after writing or loading it does not change what is stored', async () => {
      const id = await setup();
      const person = testParticipant(id);
      await storage.sessions.putParticipant(person);
      person.secretHash.fill(0);
      const loaded = (await storage.sessions.loadSession(id)).participants[0]!;
      loaded.secretHash.fill(0);
      expect(Array.from((await storage.sessions.loadSession(id)).participants[0]!.secretHash)).toEqual(
        Array.from(hashToken('secret')),
      );
      const state = stateWithVote(testRound(id));
      await saveState(storage, id, state);
      state.timer.durationMs = 1;
      state.vote!.config.votesPerPerson = 9;
      const read = (await storage.sessions.loadSession(id)).state!;
      read.timer.status = 'running';
      read.vote!.config.maxPerCard = 9;
      expect((await storage.sessions.loadSession(id)).state).toEqual(stateWithVote(testRound(id)));
    });

    it('durability: session, people, rounds, ballots, drafts and links survive reopening', async () => {
      const id = await setup();
      if (!fixture.reopen) return;
      await storage.sessions.putParticipant(testParticipant(id));
      const closed = testRound(id, { status: 'closed', closedAt: 9 });
      await saveState(storage, id, stateWithVote(closed, { phaseIndex: 2, coFacilitators: ['p-amira'] }));
      await storage.sessions.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'c', count: 2 });
      await storage.sessions.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd', data: '{"x":1}', updatedAt: 1 });
      await storage.boards.setTokenHash(id, 'viewer', hashToken('v2'));
      const before = await storage.sessions.loadSession(id);
      storage = await fixture.reopen();
      expect(await storage.sessions.loadSession(id)).toEqual(before);
      expect(await storage.boards.findRoleByTokenHash(id, hashToken('v2'))).toBe('viewer');
    });
  });
}
