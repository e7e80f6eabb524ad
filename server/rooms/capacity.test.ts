import { describe, expect, it } from 'vitest';
import { hasRoomFor, noConnections, type OpenConnections } from './capacity.ts';

const limits = { maxConnectionsPerBoard: 10, maxViewerConnectionsPerBoard: 4, facilitatorConnectionsPerBoard: 2 };
const open = (counts: Partial<OpenConnections>): OpenConnections => ({ ...noConnections(), ...counts });

describe('hasRoomFor', () => {
  it('viewers stop at their share; contributors still get the rest', () => {
    expect(hasRoomFor('viewer', open({ viewer: 3 }), limits)).toBe(true);
    expect(hasRoomFor('viewer', open({ viewer: 4 }), limits)).toBe(false);
    expect(hasRoomFor('contributor', open({ viewer: 4, contributor: 5 }), limits)).toBe(true);
  });

  it('contributors may use what viewers leave, and then viewers wait', () => {
    expect(hasRoomFor('contributor', open({ contributor: 9 }), limits)).toBe(true);
    expect(hasRoomFor('contributor', open({ contributor: 10 }), limits)).toBe(false);
    expect(hasRoomFor('viewer', open({ contributor: 10 }), limits)).toBe(false);
  });

  it('facilitators have a reserve of their own that a full board does not touch', () => {
    expect(hasRoomFor('facilitator', open({ contributor: 6, viewer: 4 }), limits)).toBe(true);
    expect(hasRoomFor('facilitator', open({ facilitator: 2 }), limits)).toBe(false);
    // and their connections take nothing from the others
    expect(hasRoomFor('contributor', open({ facilitator: 2, contributor: 9 }), limits)).toBe(true);
  });
});
