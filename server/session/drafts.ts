/**
 * Private writing. While private mode is on, people's new problems and ideas are drafts kept
 * here and in storage — per participant, never in the shared document — and sent only to their
 * author's own connections. `revealDrafts` writes every draft into the board as a real card by
 * its author, all in one server transaction, so they appear for everyone at once.
 */
import { addIdea, addProblem, cardBodyById, newId, type Author } from '../../shared/board/index.ts';
import { SERVER_ORIGIN } from '../../shared/origins.ts';
import type { Draft } from '../../shared/protocol.ts';
import { findCard } from '../../shared/schema.ts';
import { draftRefusal } from '../../shared/facilitation/index.ts';
import { bodyWriter } from '../bodyWriter.ts';
import { refuse, type BoardSession, type CommandContext, type Outcome } from './boardSession.ts';
import { DRAFT_LIMITS, type ParsedArgs } from './commands.ts';

/** Inner transactions take the room's server origin from `changeAsServer`; this names it for the model's types. */

export async function saveDraft(session: BoardSession, ctx: CommandContext, args: ParsedArgs<'saveDraft'>): Promise<Outcome> {
  const participant = ctx.participant!;
  const kind = args.kind ?? 'idea';
  const refusal = draftRefusal(session.state, session.template, ctx.standing, kind);
  if (refusal) return refuse(refusal.code, refusal.message);
  const mine = session.draftsOf(participant.id);
  const draftId = args.draftId ?? newId();
  if (!mine.has(draftId) && mine.size >= DRAFT_LIMITS.perPerson) {
    return refuse('too-many', `You can keep at most ${DRAFT_LIMITS.perPerson} drafts. Delete one, or ask the facilitator to reveal them.`);
  }
  const draft: Draft = {
    draftId,
    kind,
    title: args.title.replace(/\s+/g, ' ').trim(),
    body: args.body ?? '',
    problemId: kind === 'idea' ? (args.problemId ?? null) : null,
    updatedAt: ctx.now,
  };
  await session.storage.putDraft({
    boardId: session.boardId,
    participantId: participant.id,
    draftId,
    data: JSON.stringify(draft),
    updatedAt: ctx.now,
  });
  mine.set(draftId, draft);
  session.sendDrafts(participant.id);
  return { ok: true, value: { draftId } };
}

export async function deleteDraft(session: BoardSession, ctx: CommandContext, { draftId }: ParsedArgs<'deleteDraft'>): Promise<Outcome> {
  const participant = ctx.participant!;
  if (!session.drafts.get(participant.id)?.has(draftId)) return refuse('not-found', 'You have no draft with that id.');
  await session.storage.deleteDraft(session.boardId, participant.id, draftId);
  session.drafts.get(participant.id)!.delete(draftId);
  session.sendDrafts(participant.id);
  return { ok: true };
}

export async function revealDrafts(session: BoardSession): Promise<Outcome> {
  const all: Array<{ author: Author; draft: Draft }> = [];
  for (const [participantId, drafts] of session.drafts) {
    const person = session.participants.get(participantId);
    if (!person) continue;
    const author: Author = {
      participantId: person.id,
      name: person.name,
      organisation: person.organisation,
      sector: person.sector,
    };
    for (const draft of drafts.values()) all.push({ author, draft });
  }
  if (all.length === 0) return { ok: true, value: { revealed: 0 } };
  // oldest first, so the lane reads in the order people wrote
  all.sort((a, b) => a.draft.updatedAt - b.draft.updatedAt);
  const authors = new Set(all.map((d) => d.author.participantId));
  const writeMarkdownToBody = all.some(({ draft }) => draft.body.trim()) ? await bodyWriter() : null;
  session.room.changeAsServer((doc) => {
    for (const { author, draft } of all) {
      const id =
        draft.kind === 'problem'
          ? addProblem(doc, { title: draft.title, author }, SERVER_ORIGIN)
          : addIdea(
              doc,
              {
                title: draft.title,
                author,
                // the problem may have been deleted since the draft was written
                problemId: draft.problemId && findCard(doc, draft.problemId)?.kind === 'problem' ? draft.problemId : null,
              },
              SERVER_ORIGIN,
            );
      const body = cardBodyById(doc, id);
      if (body && draft.body.trim() && writeMarkdownToBody) writeMarkdownToBody(doc, body, draft.body, SERVER_ORIGIN);
    }
  });
  // The cards' update is appended to the log by a task changeAsServer queued; this runs after
  // it, so a crash in between can at worst reveal a draft twice, never lose one.
  session.room.schedule(() => session.storage.deleteDrafts(session.boardId));
  session.drafts.clear();
  for (const participantId of authors) session.sendDrafts(participantId);
  return { ok: true, value: { revealed: all.length } };
}
