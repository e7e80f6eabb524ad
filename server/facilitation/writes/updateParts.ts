/**
 * A client's Yjs update, taken apart by what it touches — each card, theme and meta field is a
 * part of its own — before anything is applied, so the session's rules (phase, lock, private
 * mode, who may write the meta, who a card is credited to) can judge each part on its own, and
 * the parts they refuse can be taken out while the rest is kept.
 *
 * How a struct is placed. `Y.decodeUpdate` yields Items whose `parent` is one of:
 *   - a string: the name of a top-level type. The Item is an entry directly in that root, which
 *     for a lane map means a card record set under a key: a new card (or one replaced whole);
 *   - an ID: the Item holding the parent type (a card record, a title, a body...), found in this
 *     update or in the server's document;
 *   - null: the parent is the one of its left neighbour (`origin`), or else its right one
 *     (`rightOrigin`) — exactly what Yjs does when it integrates the Item — and, in a map, so is
 *     its key.
 * Walking up this way gives the root, the entry's key in it (the card id), the field of the entry
 * it is in, and whether the entry is new in this update (then it is part of adding a card) or
 * already on the board (then it edits one). Deletions name ID ranges; they are looked up in the
 * server's document the same way, range by range, and split where they cross from one part into
 * another.
 *
 * Taking a part out (`withoutParts`): its Items become GC structs of the same ids and lengths,
 * and its deletions are dropped. The client's clock ranges stay contiguous, so the kept parts
 * integrate; and Yjs turns anything that later builds on a removed Item into GC as well (an Item
 * whose neighbour or parent is GC is not integrated), so the sender's later updates can never
 * resurrect what was refused.
 *
 * Root and field names mean something only through shared/schema.ts (`rootRole`,
 * `creditField`): no key string here. Whatever the server can't place (it refers to content
 * the server does not have) is a part of its own, 'unresolved'.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { creditField, rootRole, type CardKind, type CreditField } from '../../../shared/schema.ts';
import type { DecodedUpdate } from '../../rooms/room.ts';

/** What one part is about. */
export type PartTarget =
  | { kind: 'card'; lane: CardKind; id: string }
  | { kind: 'theme'; id: string }
  | { kind: 'meta'; field: string }
  /** the record of where a merged idea went (its id), which the idea's votes follow */
  | { kind: 'merge'; ideaId: string }
  /** one of the brief's actions */
  | { kind: 'action'; id: string }
  /** a top-level name that is not part of the board's layout */
  | { kind: 'outside'; root: string }
  /** refers to content the server does not have, so what it touches can't be told */
  | { kind: 'unresolved' };

type DeleteRange = { client: number; clock: number; len: number };

export type UpdatePart = {
  target: PartTarget;
  /** creates the entry (a card, a theme; or sets a meta field), or replaces it whole */
  adds: boolean;
  /** changes an entry already on the board: its fields, its text, deletions inside it */
  edits: boolean;
  /** deletes an entry that is on the board */
  removes: boolean;
  /** the update's own Items in this part */
  items: Y.Item[];
  /** the update's deletions in this part */
  deletes: DeleteRange[];
  /** Items written into the entry's credits (author, co-authors), and how deep below the entry */
  credits: Array<{ item: Y.Item; field: CreditField; depth: number; fresh: boolean }>;
  /** the server's Items in the entry's credits that the update deletes, and how deep below the entry */
  creditDeletes: Array<{ item: Y.Item; field: CreditField; depth: number }>;
};

export type UpdateAnalysis = {
  /** by a key of `partKey` */
  parts: Map<string, UpdatePart>;
  /** deletions that touch nothing live (already deleted or collected): kept whatever is refused */
  inert: DeleteRange[];
  /**
   * Items Yjs would not integrate: the server has them already, or they build on something
   * collected (a refused part's GC, say). They count for nothing, and `withoutParts` writes them
   * as GC too rather than store and relay their content.
   */
  discarded: Y.Item[];
  /** some of `discarded` would carry content the server only holds as collected: rewrite the update */
  buildsOnCollected: boolean;
};

/**
 * Where a struct sits: its root; the key of the root entry it is in (null in a root that is not a
 * map); how deep below that entry (0: the entry itself); the entry's field it is in (null at depth
 * 0); and whether the entry is new in this update.
 */
type Place = { root: string; key: string | null; depth: number; field: string | null; fresh: boolean };

type Found = { in: 'update'; item: Y.Item } | { in: 'doc'; struct: Y.Item | Y.GC } | null;

export function isId(value: unknown): value is Y.ID {
  return typeof value === 'object' && value !== null && typeof (value as Y.ID).client === 'number';
}

function targetOf(place: Place): PartTarget {
  const role = rootRole(place.root);
  if (!role) return { kind: 'outside', root: place.root };
  // a lane, the themes or the meta written as something other than a map entry: not the layout
  if (place.key === null) return { kind: 'outside', root: place.root };
  if (role.kind === 'lane') return { kind: 'card', lane: role.lane, id: place.key };
  if (role.kind === 'themes') return { kind: 'theme', id: place.key };
  if (role.kind === 'merges') return { kind: 'merge', ideaId: place.key };
  if (role.kind === 'actions') return { kind: 'action', id: place.key };
  return { kind: 'meta', field: place.key };
}

export function partKey(target: PartTarget): string {
  switch (target.kind) {
    case 'card':
      return `card\u0000${target.lane}\u0000${target.id}`;
    case 'theme':
      return `theme\u0000${target.id}`;
    case 'meta':
      return `meta\u0000${target.field}`;
    case 'merge':
      return `merge\u0000${target.ideaId}`;
    case 'action':
      return `action\u0000${target.id}`;
    case 'outside':
      return `outside\u0000${target.root}`;
    case 'unresolved':
      return 'unresolved';
  }
}

/** The place of a struct below `parent` (a place), `sub` being the struct's own key in its parent map. */
function below(parent: Place, sub: string | null): Place {
  return {
    root: parent.root,
    key: parent.key,
    depth: parent.depth + 1,
    field: parent.depth === 0 ? sub : parent.field,
    fresh: parent.fresh,
  };
}

export function analyseUpdate(doc: Y.Doc, update: DecodedUpdate): UpdateAnalysis {
  const parts = new Map<string, UpdatePart>();
  const inert: DeleteRange[] = [];
  const discarded: Y.Item[] = [];
  let buildsOnCollected = false;
  const partOf = (target: PartTarget): UpdatePart => {
    const key = partKey(target);
    let part = parts.get(key);
    if (!part) {
      part = { target, adds: false, edits: false, removes: false, items: [], deletes: [], credits: [], creditDeletes: [] };
      parts.set(key, part);
    }
    return part;
  };
  const unresolved = () => partOf({ kind: 'unresolved' });

  // the update's own Items per client, in clock order (decodeUpdate yields them so)
  const own = new Map<number, Y.Item[]>();
  for (const struct of update.structs) {
    if (!(struct instanceof Y.Item)) continue; // GC and Skip: nothing to place
    let list = own.get(struct.id.client);
    if (!list) own.set(struct.id.client, (list = []));
    list.push(struct);
  }

  const rootNames = new Map<unknown, string>();
  for (const [name, type] of doc.share) rootNames.set(type, name);

  const findOwn = (id: Y.ID): Y.Item | null => {
    const list = own.get(id.client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const item = list[mid]!;
      if (id.clock < item.id.clock) hi = mid - 1;
      else if (id.clock >= item.id.clock + item.length) lo = mid + 1;
      else return item;
    }
    return null;
  };

  const find = (id: Y.ID): Found => {
    const item = findOwn(id);
    if (item) return { in: 'update', item };
    const structs = doc.store.clients.get(id.client);
    if (!structs || id.clock >= Y.getState(doc.store, id.client)) return null;
    const struct = structs[Y.findIndexSS(structs, id.clock)];
    return struct instanceof Y.Item || struct instanceof Y.GC ? { in: 'doc', struct } : null;
  };

  /** Place of an Item already in the document (never new); null if it hangs off nothing the server knows. */
  const docPlace = (item: Y.Item): Place | null => {
    const chain: Y.Item[] = [item];
    let type = item.parent as Y.AbstractType<unknown> | null;
    for (let guard = 0; type && type._item; guard++) {
      if (guard > 10_000) return null;
      chain.push(type._item);
      type = type._item.parent as Y.AbstractType<unknown> | null;
    }
    const root = type ? rootNames.get(type) : undefined;
    if (root === undefined) return null;
    const entry = chain[chain.length - 1]!;
    const depth = chain.length - 1;
    return { root, key: entry.parentSub, depth, field: depth === 0 ? null : chain[depth - 1]!.parentSub, fresh: false };
  };

  // Places of the update's Items, resolved with an explicit stack (a hostile update may chain
  // thousands of Items) and memoised. `null`: can't be placed. 'gc': Yjs will discard it.
  type Resolved = Place | null | 'gc';
  const memo = new Map<Y.Item, Resolved>();
  type Step = { done: Resolved } | { after: Y.Item; derive: (p: Resolved) => Resolved };

  const stepOf = (item: Y.Item): Step => {
    const parent = item.parent as unknown;
    const neighbour = item.origin ?? item.rightOrigin;
    if (neighbour) {
      // Yjs takes the parent (and the map key) from a neighbour whenever one is named, and
      // discards the Item if that neighbour was garbage-collected, whatever the struct says
      const found = find(neighbour);
      if (!found) return { done: null };
      if (found.in === 'doc') {
        if (found.struct instanceof Y.GC) return { done: 'gc' };
        const place = docPlace(found.struct);
        // beside an entry in the root, it is a new value for that key: the entry replaced whole
        return { done: place && (place.depth === 0 ? { ...place, fresh: true } : place) };
      }
      return { after: found.item, derive: (p) => (p && p !== 'gc' && p.depth === 0 ? { ...p, fresh: true } : p) };
    }
    if (typeof parent === 'string') return { done: { root: parent, key: item.parentSub, depth: 0, field: null, fresh: true } };
    if (isId(parent)) {
      const found = find(parent);
      if (!found) return { done: null };
      if (found.in === 'doc') {
        if (found.struct instanceof Y.GC) return { done: 'gc' };
        const place = docPlace(found.struct);
        return { done: place && below(place, item.parentSub) };
      }
      return { after: found.item, derive: (p) => (p && p !== 'gc' ? below(p, item.parentSub) : p) };
    }
    return { done: null };
  };

  const placeOf = (start: Y.Item): Resolved => {
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
      if (item.id.clock + item.length <= known) {
        // the server has it: as content (Yjs skips it) or as a placeholder (a refused part sent
        // again, whose content must not be stored or relayed now)
        discarded.push(item);
        if (!buildsOnCollected) {
          const structs = doc.store.clients.get(client)!;
          if (structs[Y.findIndexSS(structs, item.id.clock)] instanceof Y.GC) buildsOnCollected = true;
        }
        continue;
      }
      const place = placeOf(item);
      if (place === 'gc') {
        discarded.push(item);
        buildsOnCollected = true;
        continue;
      }
      if (!place) {
        unresolved().items.push(item);
        continue;
      }
      const part = partOf(targetOf(place));
      part.items.push(item);
      if (place.depth === 0) part.adds = true;
      else if (!place.fresh) part.edits = true;
      const credit = place.depth > 0 ? creditField(place.field) : null;
      if (credit) part.credits.push({ item, field: credit, depth: place.depth, fresh: place.fresh });
    }
  }

  // deletions, range by range, split where a range crosses from one part into another
  for (const [client, deletes] of update.ds.clients) {
    const structs = doc.store.clients.get(client);
    const state = Y.getState(doc.store, client);
    for (const { clock, len } of deletes) {
      const end = clock + len;
      // of what the server has
      if (structs && clock < state) {
        for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < end; i++) {
          const struct = structs[i]!;
          const range = clip(client, struct.id.clock, struct.length, clock, end);
          // already collected, or already deleted: deleting it again changes nothing
          if (!(struct instanceof Y.Item) || struct.deleted) {
            inert.push(range);
            continue;
          }
          const place = docPlace(struct);
          if (!place) {
            unresolved().deletes.push(range);
            continue;
          }
          const part = partOf(targetOf(place));
          part.deletes.push(range);
          if (place.depth === 0) part.removes = true;
          else {
            part.edits = true;
            const credit = creditField(place.field);
            if (credit) part.creditDeletes.push({ item: struct, field: credit, depth: place.depth });
          }
        }
      }
      // beyond what the server has: this update's own Items, which go with their parts
      let at = Math.max(clock, state);
      while (at < end) {
        const item = findOwn(Y.createID(client, at));
        if (!item) {
          unresolved().deletes.push({ client, clock: at, len: end - at });
          break;
        }
        const range = clip(client, item.id.clock, item.length, at, end);
        const place = memo.get(item);
        if (place === undefined || place === 'gc') inert.push(range);
        else if (place === null) unresolved().deletes.push(range);
        else partOf(targetOf(place)).deletes.push(range);
        at = range.clock + range.len;
      }
    }
  }
  return { parts, inert, discarded, buildsOnCollected };
}

function clip(client: number, from: number, length: number, start: number, end: number): DeleteRange {
  const clock = Math.max(from, start);
  return { client, clock, len: Math.min(from + length, end) - clock };
}

/**
 * The update without the parts in `refused`: their Items (and the discarded ones) become GC
 * structs of the same ids and lengths, their deletions are left out. Everything else is written
 * as it came (Yjs update v1). Even with every part refused the result is worth storing: it keeps
 * the sender's clock range whole, so its later updates are not held back waiting for it.
 */
export function withoutParts(update: DecodedUpdate, analysis: UpdateAnalysis, refused: readonly UpdatePart[]): Uint8Array {
  const removed = new Set<Y.Item>(analysis.discarded);
  for (const part of refused) for (const item of part.items) removed.add(item);
  const refusedParts = new Set(refused);
  const deletes = [...analysis.inert];
  for (const part of analysis.parts.values()) if (!refusedParts.has(part)) deletes.push(...part.deletes);

  const encoder = new Y.UpdateEncoderV1();
  // decodeUpdate yields each client's structs together and in clock order
  const byClient = new Map<number, Array<Y.Item | Y.GC | Y.Skip>>();
  for (const struct of update.structs) {
    let list = byClient.get(struct.id.client);
    if (!list) byClient.set(struct.id.client, (list = []));
    list.push(struct instanceof Y.Item && removed.has(struct) ? new Y.GC(struct.id, struct.length) : struct);
  }
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, list] of byClient) {
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
    for (const struct of list) struct.write(encoder, 0);
  }
  writeDeleteRanges(encoder, deletes);
  return encoder.toUint8Array();
}

/** A Yjs v1 delete set from ranges: grouped by client, sorted and merged, as Yjs writes one. */
function writeDeleteRanges(encoder: Y.UpdateEncoderV1, ranges: DeleteRange[]): void {
  const byClient = new Map<number, DeleteRange[]>();
  for (const range of ranges) {
    if (range.len <= 0) continue;
    let list = byClient.get(range.client);
    if (!list) byClient.set(range.client, (list = []));
    list.push(range);
  }
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.clock - b.clock);
    const merged: DeleteRange[] = [];
    for (const range of list) {
      const last = merged[merged.length - 1];
      if (last && range.clock <= last.clock + last.len) last.len = Math.max(last.len, range.clock + range.len - last.clock);
      else merged.push({ ...range });
    }
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, merged.length);
    for (const { clock, len } of merged) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
}

/** The value an Item holds when it is a plain value (ContentAny, e.g. an author), else undefined. */
export function plainValue(item: Y.Item): unknown {
  return item.content instanceof Y.ContentAny ? item.content.arr[item.content.arr.length - 1] : undefined;
}
