import { describe, expect, it } from 'vitest';
import { layoutBrief } from './layout.ts';
import { BRIEF_SECTIONS, commentAuthorText, commentTargetKey, isBriefSectionId } from './comments.ts';
import { fixtureBrief, fixtureRound } from './testing.ts';

describe('brief sections a comment may target', () => {
  it('are exactly the level-2 sections the layout can produce, with the same titles', () => {
    // a brief with every optional section: summary, next steps, a round, themes, problems
    const doc = layoutBrief(fixtureBrief({ rounds: [fixtureRound()] }));
    const sections = doc.blocks.flatMap((b) => (b.type === 'heading' && b.level === 2 && b.id && b.id !== 'contents-title' ? [b] : []));
    for (const s of sections) {
      expect(isBriefSectionId(s.id)).toBe(true);
      expect(BRIEF_SECTIONS[s.id as keyof typeof BRIEF_SECTIONS]).toBe(s.children.map((c) => ('text' in c ? c.text : '')).join(''));
    }
    // only 'other-notes' (notes attached to no idea) is absent from the fixture
    expect(Object.keys(BRIEF_SECTIONS).filter((id) => !sections.some((s) => s.id === id))).toEqual(['other-notes']);
    expect(isBriefSectionId('__proto__')).toBe(false);
    expect(isBriefSectionId('toString')).toBe(false);
  });

  it('keys and author lines', () => {
    expect(commentTargetKey({ kind: 'section', id: 'summary' })).toBe('section:summary');
    expect(commentTargetKey({ kind: 'idea', cardId: 'i1' })).toBe('idea:i1');
    expect(commentAuthorText({ author: { name: 'Tom', organisation: 'Leeds City Council' }, role: 'viewer' })).toBe('Tom, Leeds City Council');
    expect(commentAuthorText({ author: { name: '', organisation: 'Shelter' }, role: 'viewer' })).toBe('Shelter');
    expect(commentAuthorText({ author: null, role: 'viewer' })).toBe('Someone with the viewer link');
  });
});
