import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAction, addIdea, deleteAction, deleteCard, moveAction, updateAction, updateBriefText, updateCardTitle, type Author } from '../board/index.ts';
import { tallyVotes } from '../votes.ts';
import { compareBoards } from './compare.ts';
import { fixtureDoc, fixtureDots, fixtureRound, writeBody } from './testing.ts';

const ORIGIN = { kind: 'local', participantId: 't' } as const;
const AUTHOR: Author = { participantId: 'x1', name: 'Ben Okafor', organisation: 'Civic Data Co', sector: 'private sector' };

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

describe('compareBoards: cards', () => {
  it('the same state is unchanged, with one fingerprint on both sides', () => {
    const doc = fixtureDoc();
    const result = compareBoards({ doc, rounds: [fixtureRound()] }, { doc: copyOf(doc), rounds: [fixtureRound()] });
    expect(result.unchanged).toBe(true);
    expect(result.before.boardVersion).toBe(result.after.boardVersion);
    expect(result.cards).toEqual({ added: [], removed: [], changed: [] });
    expect(result.meta).toEqual([]);
    expect(result.votes).toEqual([]);
  });

  it('finds cards added, removed, retitled and rewritten, and nothing else', () => {
    const before = fixtureDoc();
    const after = copyOf(before);
    const added = addIdea(after, { title: 'Night bus pass for shift workers', author: AUTHOR, problemId: 'pb1' }, ORIGIN);
    deleteCard(after, 'n2', ORIGIN);
    updateCardTitle(after, 'pb2', 'How might we make asking for help feel normal?', ORIGIN);
    writeBody(after, 'i1', 'A weekly match of **arrears flags** across three services.\n\n- Nothing leaves a service');
    const result = compareBoards({ doc: before, rounds: [] }, { doc: after, rounds: [] });

    expect(result.unchanged).toBe(false);
    expect(result.cards.added).toEqual([{ id: added, kind: 'idea', title: 'Night bus pass for shift workers' }]);
    expect(result.cards.removed).toEqual([{ id: 'n2', kind: 'note', title: 'Prototype: call script tested with five people' }]);
    expect(result.cards.changed.map((c) => [c.id, c.kind, c.changed])).toEqual([
      ['pb2', 'problem', ['title']],
      ['i1', 'idea', ['body']],
    ]);
    const retitled = result.cards.changed[0]!;
    expect(retitled.before.title).toBe('How might we make it easy for people to ask for help before crisis point?');
    expect(retitled.after.title).toBe('How might we make asking for help feel normal?');
    // an unchanged body is given too, for context, and is the same on both sides
    expect(retitled.before.body).toBe(retitled.after.body);
    expect(retitled.after.body.length).toBeGreaterThan(20);
    const rewritten = result.cards.changed[1]!;
    expect(rewritten.before.body).toContain('privacy-preserving match of arrears flags');
    expect(rewritten.before.body).toContain('No raw data leaves each service');
    expect(rewritten.after.body).toBe('A weekly match of arrears flags across three services.\nNothing leaves a service');
    expect(rewritten.before.title).toBe(rewritten.after.title);
  });

  it('a body with the same words in another shape is not a change (plain text is compared)', () => {
    const before = fixtureDoc();
    writeBody(before, 'i2', 'Call within **two** days');
    const after = copyOf(before);
    writeBody(after, 'i2', '# Call within two days');
    const result = compareBoards({ doc: before, rounds: [] }, { doc: after, rounds: [] });
    expect(result.unchanged).toBe(false); // the document did change...
    expect(result.cards.changed).toEqual([]); // ...but not its words
  });

  it('an edit that is undone by hand leaves the words unchanged', () => {
    const before = fixtureDoc();
    const after = copyOf(before);
    updateCardTitle(after, 'i3', 'Something else', ORIGIN);
    updateCardTitle(after, 'i3', 'Evaluate with a stepped-wedge trial', ORIGIN);
    const result = compareBoards({ doc: before, rounds: [] }, { doc: after, rounds: [] });
    expect(result.before.boardVersion).not.toBe(result.after.boardVersion);
    expect(result.cards.changed).toEqual([]);
  });

  it('reports the brief texts (summary, next steps, title) that changed', () => {
    const before = fixtureDoc();
    const after = copyOf(before);
    updateBriefText(after, 'summary', 'Two ideas stood out.', ORIGIN);
    const result = compareBoards({ doc: before, rounds: [] }, { doc: after, rounds: [] });
    expect(result.meta).toEqual([{ field: 'summary', before: '', after: 'Two ideas stood out.' }]);
  });

  it('reports the actions added, removed and changed, not one only moved', () => {
    const before = fixtureDoc();
    const [kept, changed, removed] = ['Report back', 'Run a trial', 'Ask the panel'].map((title) => addAction(before, { title }, ORIGIN));
    const after = copyOf(before);
    moveAction(after, kept!, { afterId: removed! }, ORIGIN);
    updateAction(after, changed!, { status: 'done' }, ORIGIN);
    deleteAction(after, removed!, ORIGIN);
    addAction(after, { title: 'Fund it' }, ORIGIN);
    const result = compareBoards({ doc: before, rounds: [] }, { doc: after, rounds: [] });
    expect(result.actions.map((x) => [x.change, x.title])).toEqual([
      ['changed', 'Run a trial'],
      ['added', 'Fund it'],
      ['removed', 'Ask the panel'],
    ]);
    expect(compareBoards({ doc: before, rounds: [] }, { doc: copyOf(before), rounds: [] }).actions).toEqual([]);
  });

  it('works when the earlier side is an empty document (nothing existed yet)', () => {
    const after = fixtureDoc();
    const result = compareBoards({ doc: new Y.Doc(), rounds: [] }, { doc: after, rounds: [] });
    expect(result.cards.added.map((c) => c.kind).join(' ')).toBe(
      [...Array(4).fill('problem'), ...Array(14).fill('idea'), ...Array(6).fill('note')].join(' '),
    );
    expect(result.cards.removed).toEqual([]);
  });
});

describe('compareBoards: votes', () => {
  it('cards whose dots changed in a visible round, most dots now first', () => {
    const doc = fixtureDoc();
    const dots = fixtureDots();
    const before = fixtureRound({ status: 'closed', config: { hideUntilReveal: false } });
    const extra = [...dots, { ...dots[0]!, cardId: 'i2' }, { ...dots[1]!, cardId: 'i2' }];
    const withoutI3 = extra.filter((d) => d.cardId !== 'i3');
    const after = {
      ...before,
      tallies: tallyVotes(withoutI3, before.config),
    };
    const result = compareBoards({ doc, rounds: [before] }, { doc, rounds: [after] });
    expect(result.unchanged).toBe(false);
    expect(result.votes).toEqual([
      {
        round: 1,
        lane: 'ideas',
        before: { status: 'closed', resultsVisible: true },
        after: { status: 'closed', resultsVisible: true },
        cards: [
          { cardId: 'i2', title: 'Trigger a support call when a sanction is applied', before: 0, after: 2 },
          { cardId: 'i3', title: 'Evaluate with a stepped-wedge trial', before: 1, after: 0 },
        ],
      },
    ]);
  });

  it('a round revealed since is reported, but counts hidden at the time are not compared', () => {
    const doc = fixtureDoc();
    const hidden = fixtureRound({ status: 'closed', config: { hideUntilReveal: true } });
    const revealed = fixtureRound({ status: 'revealed', config: { hideUntilReveal: true }, tallies: [] });
    const result = compareBoards({ doc, rounds: [hidden] }, { doc, rounds: [revealed] });
    expect(result.votes).toEqual([
      {
        round: 1,
        lane: 'ideas',
        before: { status: 'closed', resultsVisible: false },
        after: { status: 'revealed', resultsVisible: true },
        cards: [],
      },
    ]);
  });

  it('a round still hidden now never shows counts, even if they changed', () => {
    const doc = fixtureDoc();
    const open = fixtureRound({ status: 'open', config: { hideUntilReveal: true }, tallies: [] });
    const later = fixtureRound({ status: 'open', config: { hideUntilReveal: true } });
    const result = compareBoards({ doc, rounds: [open] }, { doc, rounds: [later] });
    expect(result.votes).toEqual([]);
    expect(result.unchanged).toBe(true);
    expect(JSON.stringify(result)).not.toContain('"i1"');
  });

  it('rounds that started since have no earlier state', () => {
    const doc = fixtureDoc();
    const result = compareBoards({ doc, rounds: [] }, { doc, rounds: [fixtureRound()] });
    expect(result.votes).toEqual([
      { round: 1, lane: 'ideas', before: null, after: { status: 'revealed', resultsVisible: true }, cards: [] },
    ]);
  });
});
