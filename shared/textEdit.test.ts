import { describe, expect, it } from 'vitest';
import { applyTextEdit, textEdit } from './textEdit.ts';

describe('textEdit', () => {
  it('is null when nothing changed', () => {
    expect(textEdit('Same', 'Same', 2)).toBeNull();
  });

  it('places a typed letter where the caret says, not after the longest prefix', () => {
    // "Goal": caret after "G", types "o" -> "Gooal", caret 2. The edit is the second letter.
    expect(textEdit('Goal', 'Gooal', 2)).toEqual({ index: 1, remove: 0, insert: 'o' });
    // Without the caret, the longest common prefix wins.
    expect(textEdit('Goal', 'Gooal')).toEqual({ index: 2, remove: 0, insert: 'o' });
    // Typing at the start of "Title" a "T".
    expect(textEdit('Title', 'TTitle', 1)).toEqual({ index: 0, remove: 0, insert: 'T' });
  });

  it('places a deletion where the caret was left', () => {
    // "abb": Backspace after the first b leaves the caret at 1; the first b went.
    expect(textEdit('abb', 'ab', 1)).toEqual({ index: 1, remove: 1, insert: '' });
    // Delete (forward) at the end of "aa" is the last a, whatever the caret.
    expect(textEdit('aa', 'a', 1)).toEqual({ index: 1, remove: 1, insert: '' });
  });

  it('replaces a selection, paste included', () => {
    expect(textEdit('How might we help', 'How could we help', 9)).toEqual({ index: 4, remove: 5, insert: 'could' });
    expect(textEdit('ab', 'aXYZb', 4)).toEqual({ index: 1, remove: 0, insert: 'XYZ' });
  });

  it('falls back to the smallest edit when the caret does not fit the change', () => {
    for (const caret of [-1, 99, 0.5, Number.NaN]) {
      const edit = textEdit('abc', 'abXc', caret);
      expect(edit).toEqual({ index: 2, remove: 0, insert: 'X' });
    }
    // A caret that matches nothing still yields an edit that produces the new text.
    expect(applyTextEdit('aaaa', textEdit('aaaa', 'aa', 4))).toBe('aa');
  });

  it('never splits an emoji (a surrogate pair) in two', () => {
    const edit = textEdit('a😀b', 'a😁b', 3)!;
    expect(edit).toEqual({ index: 1, remove: 2, insert: '😁' });
    const end = textEdit('😀x', '😀😀x', 4)!;
    expect(end.insert.length % 2).toBe(0);
    expect(applyTextEdit('😀x', end)).toBe('😀😀x');
  });

  it('always turns the old text into the new one (random edits, seeded)', () => {
    let seed = 20240611;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['a', 'a', 'b', '😀', ' '];
    const word = (n: number) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const prev = word(rand(8));
      const at = rand(prev.length + 1);
      const cut = rand(prev.length - at + 1);
      const inserted = word(rand(4));
      const next = prev.slice(0, at) + inserted + prev.slice(at + cut);
      const edit = textEdit(prev, next, at + inserted.length);
      expect(applyTextEdit(prev, edit), `seed step ${i}: ${JSON.stringify([prev, next])}`).toBe(next);
    }
  });
});
