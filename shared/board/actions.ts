/**
 * The brief's next steps as actions: what will be done, by whom, by when, and how far it has got.
 * Writing them; `readActions` (read.ts) reads them back. Each action is a record of its own in
 * the board's `actions` map (shared/schema.ts `ACTION`), ordered by a fractional key like cards,
 * so two facilitators editing different actions at once both keep their change. Only those who run the session may write them: the server judges every
 * change to `actions` as it judges the meta (server/facilitation/writes/).
 *
 * An action may name the idea it carries forward (`ideaId`), so that a facilitator who turns the
 * top-voted ideas into actions during the session writes the same records the brief exports; if
 * that idea is merged into another later, the action reads as carrying the other forward.
 */
import * as Y from 'yjs';
import { ACTION, ACTION_STATUSES, LIMITS, boardMaps } from '../schema.ts';
import { isOrderKey } from '../order.ts';
import type { BoardOrigin } from '../origins.ts';
import { byOrder, isActionStatus, isDueDate, readOwner, records } from './read.ts';
import type { ActionInput, ActionOwner } from './types.ts';
import { BoardWriteError, newId, placeAmong, type Placement } from './write.ts';

// ---------------------------------------------------------------------------------------------
// Writing. Bad input is refused with a BoardWriteError saying what is wrong, before anything changes.

function cleanInput(input: Partial<ActionInput>): Partial<ActionInput> {
  const out: Partial<ActionInput> = {};
  if (input.title !== undefined) {
    if (typeof input.title !== 'string') throw new BoardWriteError('an action’s title must be text');
    out.title = input.title.replace(/\s+/g, ' ').trim().slice(0, LIMITS.actionTitle);
  }
  if (input.owner !== undefined) {
    if (input.owner === null) out.owner = null;
    else {
      const owner = readOwner(input.owner);
      if (!owner) throw new BoardWriteError('an action’s owner needs a name');
      if (input.owner.kind === 'participant' && owner.kind !== 'participant') {
        throw new BoardWriteError('a participant owner needs their participantId');
      }
      out.owner = owner;
    }
  }
  if (input.due !== undefined) {
    if (input.due !== '' && !isDueDate(input.due)) throw new BoardWriteError(`a due date must be a date written YYYY-MM-DD, not "${String(input.due)}"`);
    out.due = input.due;
  }
  if (input.status !== undefined) {
    if (!isActionStatus(input.status)) throw new BoardWriteError(`an action’s status must be one of: ${ACTION_STATUSES.join(', ')}`);
    out.status = input.status;
  }
  if (input.ideaId !== undefined) {
    if (input.ideaId !== null && typeof input.ideaId !== 'string') throw new BoardWriteError('ideaId must be an idea’s id or null');
    out.ideaId = input.ideaId;
  }
  return out;
}

/** The owner as it is stored: a plain object, without the `kind` the reader puts back. */
function storedOwner(owner: ActionOwner | null): Record<string, string> | null {
  if (!owner) return null;
  if (owner.kind === 'name') return { name: owner.name };
  return { participantId: owner.participantId, name: owner.name, organisation: owner.organisation, sector: owner.sector };
}

function write(record: Y.Map<unknown>, patch: Partial<ActionInput>): void {
  if (patch.title !== undefined) record.set(ACTION.title, patch.title);
  if (patch.owner !== undefined) record.set(ACTION.owner, storedOwner(patch.owner));
  if (patch.due !== undefined) record.set(ACTION.due, patch.due);
  if (patch.status !== undefined) record.set(ACTION.status, patch.status);
  if (patch.ideaId !== undefined) record.set(ACTION.ideaId, patch.ideaId);
}

function siblings(doc: Y.Doc, excludeId?: string): Array<{ id: string; order: string }> {
  return records(boardMaps(doc).actions)
    .filter(([id]) => id !== excludeId)
    .map(([id, r]) => {
      const order = r.get(ACTION.order);
      return { id, order: isOrderKey(order) ? order : '' };
    })
    .sort(byOrder);
}


function requireAction(doc: Y.Doc, id: string): Y.Map<unknown> {
  const record = boardMaps(doc).actions.get(id);
  if (!(record instanceof Y.Map)) throw new BoardWriteError(`no action with id ${id}`);
  return record;
}

/** Adds an action (at the end unless placed); returns its id. */
export function addAction(
  doc: Y.Doc,
  input: Partial<ActionInput> & { id?: string } & Placement,
  origin: BoardOrigin,
): string {
  const patch = cleanInput({ title: '', owner: null, due: '', status: 'open', ideaId: null, ...input });
  const actions = boardMaps(doc).actions;
  if (actions.size >= LIMITS.actions) throw new BoardWriteError(`a board can have at most ${LIMITS.actions} actions`);
  const id = input.id ?? newId();
  doc.transact(() => {
    const record = new Y.Map<unknown>();
    const now = Date.now();
    record.set(ACTION.id, id);
    record.set(ACTION.order, placeAmong(siblings(doc), input));
    record.set(ACTION.createdAt, now);
    record.set(ACTION.updatedAt, now);
    write(record, patch);
    actions.set(id, record);
  }, origin);
  return id;
}

/** Changes some of an action's fields. */
export function updateAction(doc: Y.Doc, id: string, input: Partial<ActionInput>, origin: BoardOrigin): void {
  const record = requireAction(doc, id);
  const patch = cleanInput(input);
  doc.transact(() => {
    write(record, patch);
    record.set(ACTION.updatedAt, Date.now());
  }, origin);
}

/** Moves an action before or after another (to the end when neither is found). */
export function moveAction(doc: Y.Doc, id: string, placement: Placement, origin: BoardOrigin): void {
  const record = requireAction(doc, id);
  doc.transact(() => record.set(ACTION.order, placeAmong(siblings(doc, id), placement)), origin);
}

export function deleteAction(doc: Y.Doc, id: string, origin: BoardOrigin): void {
  requireAction(doc, id);
  doc.transact(() => boardMaps(doc).actions.delete(id), origin);
}
