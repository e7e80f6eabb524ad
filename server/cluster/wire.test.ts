import { describe, expect, it } from 'vitest';
import { decodeRelayMessage, encodeRelayMessage, type RelayMessage } from './wire.ts';

describe('relay messages', () => {
  it('every kind reads back as written', () => {
    const messages: RelayMessage[] = [
      { type: 'open', conn: 'p1#7', replyTo: 'p1', boardId: 'b1', role: 'viewer', tokenHash: new Uint8Array([1, 2, 3]) },
      { type: 'open', conn: 'p1#8', replyTo: 'p1', boardId: 'b1', role: 'contributor', tokenHash: null },
      { type: 'frame', conn: 'p1#7', data: new Uint8Array([0, 0, 1, 9]) },
      { type: 'close', conn: 'p1#7', code: 1012, reason: 'server restarting' },
      { type: 'fanout', conn: 'p1#7', others: ['p1#8', 'p1#9'], data: new Uint8Array([1, 2]) },
    ];
    for (const m of messages) expect(decodeRelayMessage(encodeRelayMessage(m))).toEqual(m);
  });

  it('bytes that are not a message, or name an unknown role, read as nothing', () => {
    expect(decodeRelayMessage(new Uint8Array([9, 1, 65]))).toBeNull();
    expect(decodeRelayMessage(new Uint8Array([]))).toBeNull();
    const open = encodeRelayMessage({ type: 'open', conn: 'c', replyTo: 'p', boardId: 'b', role: 'viewer', tokenHash: null });
    expect(decodeRelayMessage(open.subarray(0, open.length - 3))).toBeNull();
    const forged = Buffer.from(open.toString('latin1').replace('viewer', 'admins'), 'latin1');
    expect(decodeRelayMessage(forged)).toBeNull();
  });
});
