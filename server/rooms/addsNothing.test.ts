/**
 * What a reconnecting client sends back (a sync step 2 against the server's state vector) adds
 * nothing to a board that has everything; any content or deletion the board lacks does.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addsNothing } from './addsNothing.ts';

/** A board with text, some of it deleted, and a client holding exactly the same. */
function boardAndClient(): { board: Y.Doc; client: Y.Doc } {
  const board = new Y.Doc();
  board.getText('t').insert(0, 'hello brave new world');
  board.getText('t').delete(6, 6);
  board.getMap('m').set('k', 'v');
  board.getMap('m').set('k', 'w');
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(board));
  return { board, client };
}

/** The client's sync step 2 to a server with `board`'s state vector. */
const step2 = (client: Y.Doc, board: Y.Doc) => Y.decodeUpdate(Y.encodeStateAsUpdate(client, Y.encodeStateVector(board)));

describe('addsNothing', () => {
  it("a reconnecting client's sync step 2 to a board that has it all: its delete set repeats what the board deleted", () => {
    const { board, client } = boardAndClient();
    const reply = step2(client, board);
    expect(reply.structs).toHaveLength(0);
    expect(reply.ds.clients.size).toBeGreaterThan(0);
    expect(addsNothing(board, reply)).toBe(true);
  });

  it('the whole state again (structs the board has, below its state vector) adds nothing either', () => {
    const { board, client } = boardAndClient();
    expect(addsNothing(board, Y.decodeUpdate(Y.encodeStateAsUpdate(client)))).toBe(true);
  });

  it('text the board lacks adds something', () => {
    const { board, client } = boardAndClient();
    client.getText('t').insert(0, 'oh ');
    expect(addsNothing(board, step2(client, board))).toBe(false);
  });

  it('a deletion of text the board has but has not deleted adds something', () => {
    const { board, client } = boardAndClient();
    client.getText('t').delete(0, 1);
    const reply = step2(client, board);
    expect(reply.structs).toHaveLength(0);
    expect(addsNothing(board, reply)).toBe(false);
  });

  it('a deletion of text the board has not got at all adds something (Yjs keeps it pending)', () => {
    const { board, client } = boardAndClient();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(client));
    other.getText('t').insert(0, 'unseen ');
    Y.applyUpdate(client, Y.encodeStateAsUpdate(other));
    client.getText('t').delete(0, 7);
    // only the deletion: the board has neither the insertion nor its removal
    const deletion = Y.decodeUpdate(Y.encodeStateAsUpdate(client, Y.encodeStateVector(client)));
    expect(deletion.structs).toHaveLength(0);
    expect(addsNothing(board, deletion)).toBe(false);
  });
});
