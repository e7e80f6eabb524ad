/**
 * What the server refused, by the clock ranges of the refused Items, for as long as the room lives.
 *
 * A change refused whole is not stored (see writeGate.ts), and its sender goes on writing until
 * the refusal reaches it: a page that wrote offline sends each change on its own once its socket
 * carries frames again, so the title typed into a card refused a moment before arrives as an
 * update of its own. That update builds on Items the server never got, so it can't be placed
 * ('unresolved'). Found here, it is the refused change going on, and it is refused as that change
 * (the same card, the same reason) rather than as a second change the server could not check,
 * which the sender would have kept as one more "Not sent" entry that says nothing.
 */
import * as Y from 'yjs';
import type { RefusedChange } from '../../../shared/protocol.ts';
import { isId, type UpdatePart } from './updateParts.ts';

/** How many refused Items a board remembers. */
const REFUSED_ITEMS_KEPT = 5000;

type Range = { clock: number; end: number; change: RefusedChange };

export class RefusedRanges {
  /** per client, in the order they were refused (a client's clocks only grow) */
  private readonly byClient = new Map<number, Range[]>();
  /** every range, oldest first, to forget the oldest beyond `kept` */
  private readonly order: Array<{ client: number; range: Range }> = [];

  constructor(private readonly kept = REFUSED_ITEMS_KEPT) {}

  /** Remembers `items` as refused, as `change`. */
  remember(items: readonly Y.Item[], change: RefusedChange): void {
    for (const item of items) {
      const range = { clock: item.id.clock, end: item.id.clock + item.length, change };
      let list = this.byClient.get(item.id.client);
      if (!list) this.byClient.set(item.id.client, (list = []));
      list.push(range);
      this.order.push({ client: item.id.client, range });
    }
    while (this.order.length > this.kept) {
      const { client, range } = this.order.shift()!;
      const list = this.byClient.get(client)!;
      list.splice(list.indexOf(range), 1);
      if (list.length === 0) this.byClient.delete(client);
    }
  }

  /** The refused change that held the Item at `clock` of `client`, if one did. */
  changeAt(client: number, clock: number): RefusedChange | undefined {
    const list = this.byClient.get(client);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const range = list[i]!;
      if (clock >= range.clock && clock < range.end) return range.change;
    }
    return undefined;
  }

  /**
   * The refused changes an unresolved part goes on from: every Item in it names, as the one Yjs
   * places it by, an Item refused earlier or one of the part's own that does; every deletion
   * begins and ends in refused Items. Null when anything in it does not: then it is what it
   * says, a change the server can't check.
   */
  changesBuiltOn(part: UpdatePart): RefusedChange[] | null {
    const found = new Set<RefusedChange>();
    // the part's Items placed so far (decodeUpdate gives each client's Items in clock order, and
    // an Item only ever names ones written before it)
    const placed = new RefusedRanges(Infinity);
    for (const item of part.items) {
      const parent = item.parent as unknown;
      const ref = item.origin ?? item.rightOrigin ?? (isId(parent) ? parent : null);
      const change = ref && (this.changeAt(ref.client, ref.clock) ?? placed.changeAt(ref.client, ref.clock));
      if (!change) return null;
      found.add(change);
      placed.remember([item], change);
    }
    const refusedAt = (client: number, clock: number) => this.changeAt(client, clock) ?? placed.changeAt(client, clock);
    for (const { client, clock, len } of part.deletes) {
      const first = refusedAt(client, clock);
      const last = refusedAt(client, clock + len - 1);
      if (!first || !last) return null;
      found.add(first).add(last);
    }
    return found.size > 0 ? [...found] : null;
  }
}
