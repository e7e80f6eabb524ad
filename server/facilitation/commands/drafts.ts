/**
 * Private writing. While private mode is on, people's new problems and ideas are drafts kept in
 * the model — per participant, never in the shared document — and sent only to their author's
 * own connections. `revealDrafts` writes every draft into the board as a real card by its author,
 * all in one server transaction, so they appear for everyone at once.
 */
import type { Draft } from '../../../shared/protocol.ts';
import { findCard } from '../../../shared/schema.ts';
import { bodyWriter } from '../../bodyWriter.ts';
import { refuse, type CommandContext, type CommandGroup, type Facilitation, type Outcome } from '../command.ts';
import { DRAFT_LIMITS, type ParsedArgs } from '../parseCommand.ts';
import { addIdea, addProblem, cardBodyById, newId, type Author } from '../../../shared/board/index.ts';
import { SERVER_ORIGIN } from '../../../shared/origins.ts';
import { draftRefusal } from '../../../shared/facilitation/index.ts';


async function saveDraft(f: Facilitation, ctx: CommandContext, args: ParsedArgs<'saveDraft'>): Promise<Outcome> {
  const participant = ctx.participant!;
  const kind = args.kind ?? 'idea';
  const refusal = draftRefusal(f.model.state, f.model.template, ctx.standing, kind);
  if (refusal) return refuse(refusal.code, refusal.message);
  const mine = f.model.draftsOf(participant.id);
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
  await f.model.saveDraft(participant.id, draft);
  f.publish.sendDrafts(participant.id);
  return { ok: true, value: { draftId } };
}

async function deleteDraft(f: Facilitation, ctx: CommandContext, { draftId }: ParsedArgs<'deleteDraft'>): Promise<Outcome> {
  const participant = ctx.participant!;
  if (!f.model.draftsOf(participant.id).has(draftId)) return refuse('not-found', 'You have no draft with that id.');
  await f.model.deleteDraft(participant.id, draftId);
  f.publish.sendDrafts(participant.id);
  return { ok: true };
}

async function revealDrafts(f: Facilitation): Promise<Outcome> {
  const all: Array<{ author: Author; draft: Draft }> = [];
  for (const [participantId, drafts] of f.model.allDrafts()) {
    const person = f.model.participants.get(participantId);
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
  f.board.changeAsServer((doc) => {
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
  // The cards' update is appended to the log by a task changeAsServer queued; the drafts are
  // deleted from storage in a task queued after it.
  f.model.clearDrafts((task) => f.board.schedule(task));
  for (const participantId of authors) f.publish.sendDrafts(participantId);
  return { ok: true, value: { revealed: all.length } };
}

export const DRAFT_COMMANDS: CommandGroup<'saveDraft' | 'deleteDraft' | 'revealDrafts'> = {
  saveDraft: { access: 'joined', run: saveDraft },
  deleteDraft: { access: 'joined', run: deleteDraft },
  revealDrafts: { access: 'runs-session', run: (f) => revealDrafts(f) },
};
