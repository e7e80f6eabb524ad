/**
 * The facilitation rules on a client's document update, as the room's `checkUpdate` hook asks
 * them: the update is taken apart (updateParts.ts), each part judged (judgeUpdate.ts), and what
 * may stay is kept — the refused parts listed back to the sender with the reason, and cards
 * credited to someone else re-credited to the sender once applied.
 *
 * Holds the state the judging needs across updates: who each deleted card credited when it went
 * (`removedCredits`), so that undo brings a card back as it was; and which Items it refused, as
 * what (`refusedItems`), so that what the sender builds on them before it hears of the refusal is
 * refused as the same change. A record of a merge is judged after the cards of its update (it
 * stands or falls with the merged idea's deletion), and once one is applied `mergesChanged` is
 * called: the votes it moved change the results.
 */
import type { RefusedChange } from '../../../shared/protocol.ts';
import type { Template } from '../../../shared/schema.ts';
import type { SessionState, Standing } from '../../../shared/facilitation/index.ts';
import type { DecodedUpdate, Room, UpdateDecision } from '../../rooms/room.ts';
import type { ParticipantRecord } from '../../storage/storage.ts';
import {
  authorOf,
  creditsOfRemoved,
  creditsOfRestored,
  ideaChanges,
  judgeMerge,
  judgePart,
  refusedChange,
  type JudgeContext,
  type Judged,
} from './judgeUpdate.ts';
import { analyseUpdate, withoutParts, type UpdatePart } from './updateParts.ts';
import { RefusedRanges } from './refusedRanges.ts';
import { findRecord, recordCredits, setAuthor, type Author } from '../../../shared/board/index.ts';

/** A refused part, and the changes its sender is told were refused. */
type Refused = { part: UpdatePart; changes: RefusedChange[] };

/** How many deleted cards' credits a board keeps for undo. */
const REMOVED_CREDITS_KEPT = 5000;

/** Who wrote an update: their standing now, and who the server saw join on their connection. */
export type Writer = { standing: Standing; participant: ParticipantRecord | null };

/** What the rules are judged against: the session as it now is. */
export type WriteRules = { readonly state: SessionState; readonly template: Template };

export class WriteGate {
  /** card id -> who it credited when it was deleted (see rememberCredits) */
  private readonly removedCredits = new Map<string, Author[]>();
  /** the Items refused so far, and as what: what builds on them is refused as the same change */
  private readonly refusedItems = new RefusedRanges();

  constructor(
    private readonly board: Pick<Room, 'doc' | 'changeAsServer'>,
    private readonly rules: WriteRules,
    /** after an update that changed where merged ideas went is applied */
    private readonly mergesChanged: () => void = () => {},
  ) {}

  /**
   * Judges a client's update part by part (each card, theme and meta field it touches) and keeps
   * the parts this person may make now; the refused ones are listed back to them with the reason.
   * A new card's author is whoever the server saw join on this connection: one that says
   * otherwise is kept and then credited to them (`after`).
   */
  check(writer: Writer, update: DecodedUpdate): UpdateDecision | null {
    const doc = this.board.doc;
    const analysis = analyseUpdate(doc, update);
    if (analysis.parts.size === 0 && !analysis.buildsOnCollected) return null;
    const removedCredits = (id: string) => this.removedCredits.get(id);
    const ctx: JudgeContext = {
      standing: writer.standing,
      participant: writer.participant,
      mergeCredits: creditsOfRemoved(doc, analysis),
      removedCredits,
      restoredCredits: creditsOfRestored(analysis, removedCredits),
    };
    const judged = new Map<UpdatePart, Judged>();
    const merges: UpdatePart[] = [];
    for (const part of analysis.parts.values()) {
      if (part.target.kind === 'merge') merges.push(part);
      else judged.set(part, judgePart(doc, this.rules.state, this.rules.template, ctx, part));
    }
    const changes = ideaChanges([...judged].filter(([, j]) => !j.refusal).map(([part]) => part));
    for (const part of merges) judged.set(part, judgeMerge(doc, part, changes));

    const refused: Refused[] = [];
    const recredit: string[] = [];
    let mergesChanged = false;
    for (const part of analysis.parts.values()) {
      const judgement = judged.get(part)!;
      if (judgement.refusal) {
        // what can't be placed because it builds on a change refused earlier is that change going on
        const changes = (part.target.kind === 'unresolved' && this.refusedItems.changesBuiltOn(part)) || [
          refusedChange(part, judgement.refusal, this.rules.state),
        ];
        this.refusedItems.remember(part.items, changes[0]!);
        refused.push({ part, changes });
        continue;
      }
      if (part.target.kind === 'merge') mergesChanged = true;
      if (part.removes) this.rememberCredits(part);
      if (judgement.recredit && (part.target.kind === 'card' || part.target.kind === 'theme')) recredit.push(part.target.id);
    }
    const credit = recredit.length > 0 && ctx.participant ? () => this.creditTo(recredit, ctx.participant!) : undefined;
    const after =
      credit || mergesChanged
        ? () => {
            credit?.();
            if (mergesChanged) this.mergesChanged();
          }
        : undefined;
    // nothing refused, nothing that builds on what was: the bytes as sent
    if (refused.length === 0 && !analysis.buildsOnCollected) return after ? { keep: 'all', after } : null;
    // Otherwise the update with placeholders for what goes. Refused whole, nothing is stored:
    // the sender's copy then still lacks nothing on the server, so if the notice is lost with
    // its connection, the next sync sends the refused change again and it is refused (and kept
    // for the person) again. Its later updates wait on the gap (Yjs holds them pending) until it
    // sends them again with what it holds: our page does so on `refused`, before it drops its
    // copy (client/facilitation/layer.tsx); a stock client does on its next sync.
    const keep =
      refused.length === analysis.parts.size && !analysis.buildsOnCollected
        ? null
        : withoutParts(update, analysis, refused.map((r) => r.part));
    return {
      keep,
      ...(refused.length > 0
        ? { notice: { type: 'refused', changes: told(refused), kept: refused.length < analysis.parts.size } }
        : {}),
      ...(after ? { after } : {}),
    };
  }

  /**
   * Who a card was credited to when it was deleted, so that undo can bring it back as it was.
   * Kept for the room's life (a restart forgets: undo after it credits the card to whoever
   * brings it back), at most REMOVED_CREDITS_KEPT cards.
   */
  private rememberCredits(part: UpdatePart): void {
    if (part.target.kind !== 'card' && part.target.kind !== 'theme') return;
    const record = findRecord(this.board.doc, part.target.id);
    if (!record) return;
    this.removedCredits.delete(part.target.id);
    this.removedCredits.set(part.target.id, recordCredits(record));
    if (this.removedCredits.size > REMOVED_CREDITS_KEPT) this.removedCredits.delete(this.removedCredits.keys().next().value!);
  }

  /** Credits cards and themes to `participant` (their author field said someone else). */
  private creditTo(ids: string[], participant: ParticipantRecord): void {
    const author = authorOf(participant);
    this.board.changeAsServer((doc) => {
      for (const id of ids) setAuthor(doc, id, author);
    });
  }
}

/**
 * The refused changes as the sender is told of them. A merge refused only because its idea's
 * deletion was (a locked board, say) is that same change to the person, already listed with the
 * idea: it is not listed again as a change of its own.
 */
function told(refused: readonly Refused[]): RefusedChange[] {
  const ideas = new Set(refused.flatMap(({ part: { target } }) => (target.kind === 'card' && target.lane === 'idea' ? [target.id] : [])));
  const changes = refused.filter(({ part: { target } }) => !(target.kind === 'merge' && ideas.has(target.ideaId)));
  return [...new Set(changes.flatMap((r) => r.changes))];
}
