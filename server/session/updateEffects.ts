/**
 * What a client's Yjs update would do to the board, worked out before it is applied: which lanes
 * get a new card, and whether anything already there changes. The session's write rules (phase,
 * lock, private mode) are checked against this.
 *
 * How a struct is placed. `Y.decodeUpdate` yields Items whose `parent` is one of:
 *   - a string: the name of a top-level type. The Item is an entry directly in that root, which
 *     for a lane map means a card record set under a key: a new card (or one replaced whole);
 *   - an ID: the Item holding the parent type (a card record, a title, a body...), found in this
 *     update or in the server's document;
 *   - null: the parent is the one of its left neighbour (`origin`), or else its right one
 *     (`rightOrigin`) — exactly what Yjs does when it integrates the Item.
 * Walking up this way gives the root and whether the Item's top-level ancestor is new in this
 * update (then it is part of adding a card) or already on the board (then it edits one).
 * Deletions name ID ranges; they are looked up in the server's document the same way.
 *
 * Root names mean something only through shared/schema.ts (`rootRole`): no key string here.
 * Anything outside the board's roots counts for nothing and is ignored. Whatever the server can't
 * place (it refers to content the server does not have) is reported as `unresolved`, and the
 * caller refuses it when the phase restricts anything: it could integrate later, unchecked.
 */
import * as Y from 'yjs';
import { rootRole, type CardKind } from '../../shared/schema.ts';
import type { DecodedUpdate } from '../rooms/room.ts';

export type UpdateEffects = {
  /** lanes that get a new entry at their top level: a new card, or one replaced whole */
  addsTo: Set<CardKind>;
  /** changes something already on the board: a card's fields or text, a theme, the meta, or deletes */
  changesBoard: boolean;
  /** refers to content the server does not have, so what it touches can't be told */
  unresolved: boolean;
};

/** Where a struct sits: its root, whether it is directly in the root, and whether its top-level ancestor is new. */
type Place = { root: string; top: boolean; fresh: boolean };

type Found = { in: 'update'; item: Y.Item } | { in: 'doc'; struct: Y.Item | Y.GC } | null;

function isId(value: unknown): value is Y.ID {
  return typeof value === 'object' && value !== null && typeof (value as Y.ID).client === 'number';
}

export function updateEffects(doc: Y.Doc, update: DecodedUpdate): UpdateEffects {
  const effects: UpdateEffects = { addsTo: new Set(), changesBoard: false, unresolved: false };

  // the update's own Items per client, in clock order (decodeUpdate yields them so)
  const own = new Map<number, Y.Item[]>();
  const ownRange = new Map<number, { from: number; to: number }>();
  for (const struct of update.structs) {
    const { client, clock } = struct.id;
    const range = ownRange.get(client);
    if (!range) ownRange.set(client, { from: clock, to: clock + struct.length });
    else {
      range.from = Math.min(range.from, clock);
      range.to = Math.max(range.to, clock + struct.length);
    }
    if (!(struct instanceof Y.Item)) continue; // GC and Skip: nothing to place
    let list = own.get(client);
    if (!list) own.set(client, (list = []));
    list.push(struct);
  }

  const rootNames = new Map<unknown, string>();
  for (const [name, type] of doc.share) rootNames.set(type, name);

  const find = (id: Y.ID): Found => {
    const list = own.get(id.client);
    if (list) {
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const item = list[mid]!;
        if (id.clock < item.id.clock) hi = mid - 1;
        else if (id.clock >= item.id.clock + item.length) lo = mid + 1;
        else return { in: 'update', item };
      }
    }
    const structs = doc.store.clients.get(id.client);
    if (!structs || id.clock >= Y.getState(doc.store, id.client)) return null;
    const struct = structs[Y.findIndexSS(structs, id.clock)];
    return struct instanceof Y.Item || struct instanceof Y.GC ? { in: 'doc', struct } : null;
  };

  /** Place of an Item already in the document; null if it hangs off nothing the server knows. */
  const docPlace = (item: Y.Item): { root: string; top: boolean } | null => {
    let type = item.parent as Y.AbstractType<unknown> | null;
    let top = true;
    for (let guard = 0; type && type._item; guard++) {
      if (guard > 10_000) return null;
      top = false;
      type = type._item.parent as Y.AbstractType<unknown> | null;
    }
    const root = type ? rootNames.get(type) : undefined;
    return root === undefined ? null : { root, top };
  };

  // Places of the update's Items, resolved with an explicit stack (a hostile update may chain
  // thousands of Items) and memoised. `null`: can't be placed. 'gc': Yjs will discard it.
  const memo = new Map<Y.Item, Place | null | 'gc'>();
  type Step = { done: Place | null | 'gc' } | { after: Y.Item; derive: (p: Place | null | 'gc') => Place | null | 'gc' };

  const stepOf = (item: Y.Item): Step => {
    const parent = item.parent as unknown;
    const neighbour = item.origin ?? item.rightOrigin;
    if (neighbour) {
      // Yjs takes the parent from a neighbour whenever one is named (and discards the Item if
      // that neighbour was garbage-collected), whatever the struct itself says
      const found = find(neighbour);
      if (!found) return { done: null };
      if (found.in === 'doc') {
        if (found.struct instanceof Y.GC) return { done: 'gc' };
        const place = docPlace(found.struct);
        return { done: place && { root: place.root, top: place.top, fresh: place.top } };
      }
      // same parent as the neighbour: in the root it is a new entry itself; below, it shares the ancestor
      return { after: found.item, derive: (p) => (p && p !== 'gc' && p.top ? { ...p, fresh: true } : p) };
    }
    if (typeof parent === 'string') return { done: { root: parent, top: true, fresh: true } };
    if (isId(parent)) {
      const found = find(parent);
      if (!found) return { done: null };
      if (found.in === 'doc') {
        if (found.struct instanceof Y.GC) return { done: 'gc' };
        const place = docPlace(found.struct);
        return { done: place && { root: place.root, top: false, fresh: false } };
      }
      return { after: found.item, derive: (p) => (p && p !== 'gc' ? { root: p.root, top: false, fresh: p.fresh } : p) };
    }
    return { done: null };
  };

  const placeOf = (start: Y.Item): Place | null | 'gc' => {
    const stack: Array<{ item: Y.Item; step?: Extract<Step, { after: Y.Item }> }> = [{ item: start }];
    const onStack = new Set<Y.Item>([start]);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (memo.has(frame.item)) {
        stack.pop();
        onStack.delete(frame.item);
        continue;
      }
      if (!frame.step) {
        const step = stepOf(frame.item);
        if ('done' in step) {
          memo.set(frame.item, step.done);
          continue;
        }
        frame.step = step;
      }
      const dep = frame.step.after;
      if (memo.has(dep)) {
        memo.set(frame.item, frame.step.derive(memo.get(dep)!));
        continue;
      }
      // a cycle of Items naming each other: no real update does that
      if (onStack.has(dep)) {
        memo.set(frame.item, null);
        continue;
      }
      onStack.add(dep);
      stack.push({ item: dep });
    }
    return memo.get(start) ?? null;
  };

  for (const [client, list] of own) {
    // What the server already has, Yjs skips: a page that loads its offline copy while the socket
    // is open sends the whole board again, and that must not count as adding or changing anything.
    const known = Y.getState(doc.store, client);
    for (const item of list) {
      if (item.id.clock + item.length <= known) continue;
      const place = placeOf(item);
      if (place === 'gc') continue;
      if (!place) {
        effects.unresolved = true;
        continue;
      }
      const role = rootRole(place.root);
      if (!role) continue;
      if (place.top) {
        if (role.kind === 'lane') effects.addsTo.add(role.lane);
        else effects.changesBoard = true; // a new theme, or a meta field set
      } else if (!place.fresh) {
        effects.changesBoard = true;
      }
    }
  }

  // deletions: of the server's content (an edit, unless outside the board), or of this update's own
  for (const [client, deletes] of update.ds.clients) {
    const structs = doc.store.clients.get(client);
    const state = Y.getState(doc.store, client);
    const mine = ownRange.get(client);
    for (const { clock, len } of deletes) {
      const end = clock + len;
      if (structs && clock < state && !effects.changesBoard) {
        for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < end; i++) {
          const struct = structs[i]!;
          // already collected, or already deleted: deleting it again changes nothing
          if (!(struct instanceof Y.Item) || struct.deleted) continue;
          const place = docPlace(struct);
          if (!place) effects.unresolved = true;
          else if (rootRole(place.root)) {
            effects.changesBoard = true;
            break;
          }
        }
      }
      // what lies beyond the server's state must be this update's own Items (placed above)
      const beyond = Math.max(clock, state);
      if (beyond < end && !(mine && mine.from <= beyond && end <= mine.to)) effects.unresolved = true;
    }
  }
  return effects;
}

/** The client ids whose Items an update carries. */
export function updateClients(update: DecodedUpdate): Set<number> {
  const clients = new Set<number>();
  for (const struct of update.structs) if (struct instanceof Y.Item) clients.add(struct.id.client);
  return clients;
}

/**
 * Whether the update carries structs of one of `clients` that leave a gap after what the server
 * has of that client: they build on something the server never stored (a refused update), so Yjs
 * would keep them pending forever.
 */
export function buildsOnMissing(doc: Y.Doc, update: DecodedUpdate, clients: ReadonlySet<number>): boolean {
  const next = new Map<number, number>();
  for (const struct of update.structs) {
    const client = struct.id.client;
    if (!clients.has(client) || !(struct instanceof Y.Item || struct instanceof Y.GC)) continue;
    const expected = next.get(client) ?? Y.getState(doc.store, client);
    if (struct.id.clock > expected) return true;
    next.set(client, Math.max(expected, struct.id.clock + struct.length));
  }
  return false;
}
