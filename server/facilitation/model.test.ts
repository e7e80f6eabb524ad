/**
 * The facilitation model on its own (no room, no sockets): every change is stored first, and a
 * change storage refuses is never applied in memory; what it stored reads back the same after a
 * reload.
 */
import { describe, expect, it } from 'vitest';
import type { Draft } from '../../shared/protocol.ts';
import { silentLogger, type Logger } from '../log.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { StaleSessionError, type ParticipantRecord } from '../storage/storage.ts';
import { FacilitationModel } from './model.ts';
import { markRemoved, openVote, setLocked, setPrivateMode } from '../../shared/facilitation/index.ts';

const BOARD = 'board-1';
const hash = (n: number) => new Uint8Array(32).fill(n);

function storageWithBoard(): MemoryStorage {
  const storage = new MemoryStorage();
  storage.boards.createBoard(
    {
      id: BOARD,
      title: 'A board',
      challenge: '',
      sponsor: '',
      template: 'open',
      createdAt: 0,
      tokenHashes: { viewer: hash(1), contributor: hash(2), facilitator: hash(3) },
    },
    new Uint8Array([0, 0]),
  );
  return storage;
}

async function loaded(storage: MemoryStorage, logger: Logger = silentLogger): Promise<FacilitationModel> {
  const model = new FacilitationModel({ storage, boardId: BOARD, logger });
  await model.load();
  return model;
}

function person(id: string, name = id): ParticipantRecord {
  return {
    boardId: BOARD,
    id,
    secretHash: hash(9),
    name,
    organisation: '',
    sector: 'public sector',
    role: 'contributor',
    removed: false,
    joinedAt: 1,
  };
}

function draft(draftId: string, updatedAt = 5): Draft {
  return { draftId, kind: 'idea', title: `Draft ${draftId}`, body: '', problemId: null, updatedAt };
}

async function withOpenVote(model: FacilitationModel): Promise<number> {
  const step = openVote(model.state, model.template, {}, 10);
  if (!step.ok) throw new Error(step.message);
  await model.commit(step.state, 10);
  return model.state.vote!.round;
}

describe('facilitation model', () => {
  it('commit stores the state (and a new vote round with it) before it is the state', async () => {
    const storage = storageWithBoard();
    const model = await loaded(storage);
    const round = await withOpenVote(model);
    expect(model.rounds.get(round)?.status).toBe('open');
    const again = await loaded(storage);
    expect(again.state.vote?.round).toBe(round);
    expect(again.rounds.get(round)?.status).toBe('open');
  });

  it('commits run one at a time, each on the revision the one before stored', async () => {
    const storage = storageWithBoard();
    const model = await loaded(storage);
    const locked = setLocked(model.state, true);
    if (!locked.ok) throw new Error(locked.message);
    const privateMode = setPrivateMode(locked.state, true);
    if (!privateMode.ok) throw new Error(privateMode.message);
    // neither waits for the other, as two callers outside the room's queue would
    const [first, second] = await Promise.all([model.commit(locked.state, 20), model.commit(privateMode.state, 21)]);
    expect(first.next.locked).toBe(true);
    expect(second.next.privateMode).toBe(true);
    const again = await loaded(storage);
    expect(again.state.locked).toBe(true);
    expect(again.state.privateMode).toBe(true);
  });

  it('a save refused as stale re-reads what is stored, and the next commit works on it', async () => {
    const storage = storageWithBoard();
    const mine = await loaded(storage);
    const theirs = await loaded(storage);
    const theirStep = setLocked(theirs.state, true);
    if (!theirStep.ok) throw new Error(theirStep.message);
    await theirs.commit(theirStep.state, 20);

    const myStep = setPrivateMode(mine.state, true);
    if (!myStep.ok) throw new Error(myStep.message);
    await expect(mine.commit(myStep.state, 21)).rejects.toBeInstanceOf(StaleSessionError);
    // what the other writer stored is now this model's state, not silently overwritten
    expect(mine.state.locked).toBe(true);
    expect(mine.state.privateMode).toBe(false);

    const retry = setPrivateMode(mine.state, true);
    if (!retry.ok) throw new Error(retry.message);
    await mine.commit(retry.state, 22);
    const again = await loaded(storage);
    expect(again.state.locked).toBe(true);
    expect(again.state.privateMode).toBe(true);
  });

  it('a state storage refuses is not applied', async () => {
    const storage = storageWithBoard();
    const model = await loaded(storage);
    const before = model.state;
    storage.sessions.saveSession = () => {
      throw new Error('disk full');
    };
    const step = setLocked(model.state, true);
    if (!step.ok) throw new Error(step.message);
    await expect(model.commit(step.state, 20)).rejects.toThrow('disk full');
    expect(model.state).toBe(before);
    expect(model.state.locked).toBe(false);
  });

  it('a ballot storage refuses (nobody of that id) is not applied; a stored one is, and reloads', async () => {
    const storage = storageWithBoard();
    const model = await loaded(storage);
    const round = await withOpenVote(model);
    await expect(model.castBallot(round, 'nobody', 'card-1', { 'card-1': 1 })).rejects.toThrow();
    expect(model.ballotOf(round, 'nobody')).toEqual({});
    expect(model.voterCount(round)).toBe(0);

    await model.saveParticipant(person('amira'));
    await model.castBallot(round, 'amira', 'card-1', { 'card-1': 2 });
    expect(model.ballotOf(round, 'amira')).toEqual({ 'card-1': 2 });
    expect(model.voterCount(round)).toBe(1);
    expect(model.myVotes('amira')).toMatchObject({ round, dots: { 'card-1': 2 }, used: 2 });
    expect((await loaded(storage)).ballotOf(round, 'amira')).toEqual({ 'card-1': 2 });
  });

  it('drafts: a refused one is not kept; saved and deleted ones read back the same', async () => {
    const storage = storageWithBoard();
    const model = await loaded(storage);
    await expect(model.saveDraft('nobody', draft('d0'))).rejects.toThrow();
    expect(model.draftsWaiting()).toBe(0);

    await model.saveParticipant(person('ben'));
    await model.saveDraft('ben', draft('d1', 5));
    await model.saveDraft('ben', draft('d2', 6));
    await model.deleteDraft('ben', 'd1');
    expect([...model.draftsOf('ben').keys()]).toEqual(['d2']);
    expect(model.draftsWaiting()).toBe(1);
    expect([...(await loaded(storage)).draftsOf('ben').keys()]).toEqual(['d2']);
  });

  it('clearDrafts forgets them at once and deletes them from storage in the task it hands over', async () => {
    const storage = storageWithBoard();
    const model = await loaded(storage);
    await model.saveParticipant(person('ben'));
    await model.saveDraft('ben', draft('d1'));
    const tasks: Array<() => unknown> = [];
    model.clearDrafts((task) => tasks.push(task));
    expect(model.draftsWaiting()).toBe(0);
    expect((await loaded(storage)).draftsWaiting()).toBe(1);
    for (const task of tasks) await task();
    expect((await loaded(storage)).draftsWaiting()).toBe(0);
  });

  it('removePerson stores them removed and takes their dots in the live round and their drafts', async () => {
    const storage = storageWithBoard();
    const model = await loaded(storage);
    const round = await withOpenVote(model);
    await model.saveParticipant(person('amira'));
    await model.castBallot(round, 'amira', 'card-1', { 'card-1': 1 });
    await model.saveDraft('amira', draft('d1'));
    await model.removePerson(model.participants.get('amira')!, round);
    const step = markRemoved(model.state, 'amira');
    if (!step.ok) throw new Error(step.message);
    await model.commit(step.state, 30);
    for (const m of [model, await loaded(storage)]) {
      expect(m.participants.get('amira')?.removed).toBe(true);
      expect(m.ballotOf(round, 'amira')).toEqual({});
      expect(m.draftsOf('amira').size).toBe(0);
      expect(m.state.removed).toContain('amira');
    }
  });

  it('a stored draft that is not JSON is skipped on load and logged', async () => {
    const storage = storageWithBoard();
    storage.sessions.putParticipant(person('ben'));
    storage.sessions.putDraft({ boardId: BOARD, participantId: 'ben', draftId: 'bad', data: '{not json', updatedAt: 1 });
    const errors: string[] = [];
    const model = await loaded(storage, { ...silentLogger, error: (m) => errors.push(m) });
    expect(model.draftsWaiting()).toBe(0);
    expect(errors).toEqual(['skipped a stored draft that is not JSON']);
  });

  it('links: a rotation during the load wins over what the load read; older tokens are told apart', async () => {
    const storage = storageWithBoard();
    const model = new FacilitationModel({ storage, boardId: BOARD, logger: silentLogger });
    model.setTokenHash('contributor', hash(7));
    await model.load();
    expect(model.isRotated('contributor', hash(2))).toBe(true);
    expect(model.isRotated('contributor', hash(7))).toBe(false);
    expect(model.isLatest('contributor', hash(7))).toBe(true);
    expect(model.isRotated('viewer', hash(1))).toBe(false);
    expect(model.isRotated('viewer', null)).toBe(false);
  });
});
