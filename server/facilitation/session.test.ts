/**
 * The session over real sockets: everyone sees the phase and what it asks; only facilitators move
 * it; the timer runs on the server's clock and its end is announced; commands that are garbage get
 * a clear answer and nobody else notices; the state outlives the room.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cardBodyById, readBoard } from '../../shared/board/index.ts';
import { bodyToPlainText } from '../../shared/richtext/readBody.ts';
import { CloseCode, PROTOCOL_VERSION } from '../../shared/protocol.ts';
import {
  addTextCards,
  boardText,
  connectProvider,
  rawClient,
  startServer,
  text,
  waitFor,
  whenSynced,
  type TestServer,
} from '../test/harness.ts';
import { command, controlFrameOf, last, ok, person, rawControl, refused, until } from '../test/session.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const s = await startServer(options);
  cleanups.push(() => s.close());
  return s;
}

describe('session', () => {
  it('everyone gets the session when they connect — viewers and people who have not joined too', async () => {
    const s = await server();
    const board = await s.createBoard({ title: 'Jam', template: 'lightning-decision-jam' });
    const viewer = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => viewer.destroy());
    const session = await until(viewer, 'session', () => true);
    expect(session).toMatchObject({
      template: 'lightning-decision-jam',
      phaseIndex: 0,
      phaseCount: 6,
      phase: { id: 'problems', name: 'Problems', asks: 'Write down every problem you can think of, one per card.' },
      round: 1,
      locked: false,
      privateMode: false,
      timer: { status: 'idle', remainingMs: 0 },
      vote: null,
      participants: [],
    });
    expect(session.phases.map((p) => p.id)).toEqual(['problems', 'vote-problems', 'reframe', 'solutions', 'vote-ideas', 'actions']);
    expect(viewer.control.find((m) => m.type === 'hello')).toMatchObject({ protocolVersion: PROTOCOL_VERSION });
  });

  it('the facilitator moves the phase and everyone follows; a contributor can’t', async () => {
    const s = await server();
    const board = await s.createBoard({ title: 'Hack', template: 'hackathon' });
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy());
    expect(await refused(amira.provider, 'nextPhase', {}, 'forbidden')).toBe('Only the facilitator (or a co-facilitator) can do that.');
    await ok(fac.provider, 'nextPhase');
    await until(amira.provider, 'session', (m) => m.phase.id === 'ideate' && m.phase.asks === 'Add as many ideas as you can.');
    await ok(fac.provider, 'setPhase', { phaseId: 'pitch' });
    const pitch = await until(amira.provider, 'session', (m) => m.phase.id === 'pitch');
    expect(pitch.locked).toBe(true);
    await ok(fac.provider, 'prevPhase');
    await until(amira.provider, 'session', (m) => m.phase.id === 'build' && !m.locked);
    expect(await refused(fac.provider, 'setPhase', { phaseId: 'nap' }, 'not-found')).toMatch(/no phase called “nap”/);
  });

  it('the roster lists who joined (name, organisation, sector, role), once per person, and who left', async () => {
    const s = await server();
    const board = await s.createBoard();
    const fac = await person(s, board, 'facilitator', 'Fay', { organisation: 'City council', sector: 'public sector' });
    cleanups.push(() => fac.provider.destroy());
    const amira = await person(s, board, 'contributor', 'Amira', { organisation: 'Shelter', sector: 'voluntary and community' });
    // a second tab of the same person
    const tab = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => tab.destroy());
    await whenSynced(tab);
    await ok(tab, 'join', { name: 'Amira', organisation: 'Shelter', sector: 'voluntary and community', participantId: amira.me.participantId, secret: amira.me.secret });
    const roster = await until(fac.provider, 'session', (m) => m.participants.length === 2);
    expect(roster.participants).toEqual([
      { participantId: amira.me.participantId, name: 'Amira', organisation: 'Shelter', sector: 'voluntary and community', role: 'contributor', standing: 'contributor' },
      { participantId: fac.me.participantId, name: 'Fay', organisation: 'City council', sector: 'public sector', role: 'facilitator', standing: 'facilitator' },
    ]);
    amira.provider.destroy();
    tab.destroy();
    await until(fac.provider, 'session', (m) => m.participants.length === 1);
  });

  it('a crowd joining at once gets a few roster updates, not one per person', async () => {
    const s = await server();
    const board = await s.createBoard();
    const watcher = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => watcher.destroy());
    await until(watcher, 'session', () => true);
    const crowd = await Promise.all(Array.from({ length: 20 }, () => rawClient(s, board.id, board.tokens.contributor)));
    cleanups.push(() => crowd.forEach((c) => c.ws.terminate()));
    const before = watcher.control.filter((m) => m.type === 'session').length;
    await Promise.all(crowd.map((c, i) => ok(c, 'join', { name: `Person ${i}`, organisation: '', sector: 'citizen' })));
    await until(watcher, 'session', (m) => m.participants.length === 20);
    expect(watcher.control.filter((m) => m.type === 'session').length - before).toBeLessThan(10);
  });

  it('timer: computed from the server clock, correct even when the device clock is an hour off', async () => {
    const skew = 3_600_000; // the server is an hour ahead of this "laptop"
    const s = await server({ now: () => Date.now() + skew });
    const board = await s.createBoard();
    const fac = await person(s, board, 'facilitator', 'Fay');
    const amira = await person(s, board, 'contributor', 'Amira');
    cleanups.push(() => fac.provider.destroy(), () => amira.provider.destroy());
    const before = Date.now();
    await ok(fac.provider, 'timerStart', { ms: 5 * 60_000 });
    const running = await until(amira.provider, 'session', (m) => m.timer.status === 'running');
    const receivedAt = Date.now();
    // every time is on the server's clock
    expect(running.serverNow).toBeGreaterThanOrEqual(before + skew);
    expect(running.timer.endsAt! - running.serverNow).toBe(running.timer.remainingMs);
    expect(running.timer.durationMs).toBe(300_000);
    // what a client computes with the protocol's formula, on its own (wrong) clock
    const remaining = running.timer.endsAt! - (running.serverNow + (Date.now() - receivedAt));
    expect(remaining).toBeGreaterThan(299_000);
    expect(remaining).toBeLessThanOrEqual(300_000);
    // whereas trusting the device clock would be an hour out
    expect(running.timer.endsAt! - Date.now()).toBeGreaterThan(skew);

    await ok(fac.provider, 'timerPause');
    const paused = await until(amira.provider, 'session', (m) => m.timer.status === 'paused');
    expect(paused.timer.endsAt).toBeNull();
    expect(paused.timer.remainingMs).toBeGreaterThan(299_000);
    await ok(fac.provider, 'timerExtend', { ms: 60_000 });
    await until(amira.provider, 'session', (m) => m.timer.status === 'paused' && m.timer.remainingMs > 359_000);
    await ok(fac.provider, 'timerResume');
    await until(amira.provider, 'session', (m) => m.timer.status === 'running');
    await ok(fac.provider, 'timerStop');
    await until(amira.provider, 'session', (m) => m.timer.status === 'idle');
    expect(await refused(amira.provider, 'timerStart', { ms: 60_000 }, 'forbidden')).toMatch(/facilitator/);
  });

  it('timer end: the server notices and tells everyone the timer ended', async () => {
    const s = await server();
    const board = await s.createBoard();
    const fac = await person(s, board, 'facilitator', 'Fay');
    const viewer = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => fac.provider.destroy(), () => viewer.destroy());
    await ok(fac.provider, 'timerStart', { ms: 1000 });
    const ended = await until(viewer, 'session', (m) => m.timer.status === 'ended');
    expect(ended.timer.remainingMs).toBe(0);
    expect(ended.serverNow).toBeGreaterThanOrEqual(ended.timer.endsAt!);
  });

  it('garbage commands get a clear error, the connection stays, and nobody else notices', async () => {
    const s = await server();
    const board = await s.createBoard();
    await addTextCards(s, board.id);
    const bystander = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => bystander.destroy());
    await whenSynced(bystander);
    const raw = await rawClient(s, board.id, board.tokens.contributor);
    cleanups.push(() => raw.ws.terminate());

    const errors = () => rawControl(raw).filter((m) => m.type === 'error');
    const cases: Array<[string, RegExp]> = [
      ['this is not json', /not JSON/],
      ['[1,2,3]', /JSON object/],
      ['{"type":"command","name":"join"}', /needs an id/],
      [`{"type":"command","id":"${'i'.repeat(500)}","name":"join"}`, /needs an id/],
      ['{"type":"vote","id":1}', /only commands/],
      [JSON.stringify({ type: 'command', id: 1, name: 'join', args: { name: 'x'.repeat(200_000) } }), /at most 65536 characters/],
    ];
    for (const [json, message] of cases) {
      const before = errors().length;
      raw.send(controlFrameOf(json));
      await waitFor(() => errors().length > before, 5000, `error for ${json.slice(0, 30)}`);
      expect(errors().at(-1)).toMatchObject({ type: 'error', code: 'bad-command', message: expect.stringMatching(message) });
    }

    const results: Array<[string, Record<string, unknown> | undefined, string, RegExp]> = [
      ['fly', {}, 'unknown-command', /Unknown command \(name “fly”\)/],
      ['join', { name: 42, sector: 'citizen' }, 'bad-args', /join: name must be your name/],
      ['join', { name: 'x'.repeat(1000), sector: 'citizen' }, 'bad-args', /name must be at most 80 characters/],
      ['join', { name: 'Ann', sector: 'pirates' }, 'bad-args', /sector must be one of/],
      ['timerStart', { ms: 'soon' }, 'bad-args', /ms must be a number/],
      ['castVote', { cardId: ['a'] }, 'bad-args', /cardId/],
      ['castVote', { cardId: 'x' }, 'not-joined', /Join the board first/],
    ];
    for (const [name, args, code, message] of results) {
      const result = await command(raw, name as never, args);
      expect(result).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    }
    // args that are not an object
    raw.send(controlFrameOf('{"type":"command","id":"arr","name":"join","args":[1]}'));
    await waitFor(() => rawControl(raw).some((m) => m.type === 'result' && m.id === 'arr'));
    expect(rawControl(raw).find((m) => m.type === 'result' && m.id === 'arr')).toMatchObject({ error: { code: 'bad-args' } });

    // still connected, and a good command works
    expect(raw.closed).toBeNull();
    expect(await ok(raw, 'join', { name: 'Ann', organisation: '', sector: 'citizen' })).toMatchObject({ name: 'Ann' });
    // the process carries on: the bystander still syncs
    const other = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => other.destroy());
    await whenSynced(other);
    boardText(bystander.doc).insert(0, 'still here');
    await waitFor(() => text(other.doc) === 'still here');
    expect(bystander.control.filter((m) => m.type === 'error' || m.type === 'result')).toEqual([]);
  });

  it('a type-100 frame whose string itself is broken is still a malformed message (4400)', async () => {
    const s = await server();
    const board = await s.createBoard();
    const raw = await rawClient(s, board.id, board.tokens.contributor);
    cleanups.push(() => raw.ws.terminate());
    raw.send(new Uint8Array([100, 0xff, 0xff, 0x03, 0x41]));
    await waitFor(() => raw.closed !== null);
    expect(raw.closed!.code).toBe(CloseCode.malformedMessage);
  });

  it('a hackathon board starts with its starter problem, its body written through Lexical (loaded on demand)', async () => {
    const s = await server();
    const board = await s.createBoard({ title: 'Hack', template: 'hackathon' });
    const p = connectProvider(s, board.id, board.tokens.viewer);
    cleanups.push(() => p.destroy());
    await whenSynced(p);
    const problems = readBoard(p.doc).problems;
    expect(problems.map((c) => c.title)).toEqual(['How might we …?']);
    expect(problems[0]!.author.name).toBe('Crossboard template');
    const body = cardBodyById(p.doc, problems[0]!.id)!;
    expect(bodyToPlainText(body)).toBe('Rewrite this card as the problem your team wants to solve.');
  });

  it('the session outlives the room: phase, timer, vote and people come back after the board is unloaded', async () => {
    const s = await server();
    const board = await s.createBoard({ title: 'Hack', template: 'hackathon' });
    const fac = await person(s, board, 'facilitator', 'Fay');
    await ok(fac.provider, 'setPhase', { phaseId: 'vote' });
    await ok(fac.provider, 'openVote', { config: { votesPerPerson: 2 } });
    await ok(fac.provider, 'timerStart', { ms: 600_000 });
    fac.provider.destroy();
    await waitFor(() => s.rooms.loadedCount === 0, 5000, 'board unloaded');
    const again = connectProvider(s, board.id, board.tokens.facilitator);
    cleanups.push(() => again.destroy());
    const session = await until(again, 'session', () => true);
    expect(session).toMatchObject({ phase: { id: 'vote' }, vote: { round: 1, status: 'open', config: { votesPerPerson: 2 } }, timer: { status: 'running' } });
    // and the same person is recognised by their credentials
    const me = await ok(again, 'join', { name: 'Fay', organisation: '', sector: 'public sector', participantId: fac.me.participantId, secret: fac.me.secret });
    expect(me).toMatchObject({ participantId: fac.me.participantId, standing: 'facilitator' });
    expect(me).not.toHaveProperty('secret');
    expect(last(again, 'myVotes')).toMatchObject({ round: 1, budget: 2, remaining: 2 });
  });
});

