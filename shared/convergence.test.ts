/**
 * Convergence: in-memory peers make random edits through the named write functions and exchange
 * their updates in a seeded random order (out of order, interleaved with more edits, as a flaky
 * network would). After everything is delivered every peer must read the same board.
 * The seed is printed on failure; rerun one with CONVERGENCE_SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import {
  addIdea,
  addNote,
  addProblem,
  addTheme,
  deleteCard,
  initBoard,
  mergeIdeas,
  moveIdea,
  moveNote,
  readBoard,
  reorderCard,
  setIdeaTheme,
  updateCardTitle,
  type Author,
  type BoardSnapshot,
} from './board/index.ts';
import { SECTORS, cardBody, findCard } from './schema.ts';
import type { BoardOrigin } from './origins.ts';

type Peer = { doc: Y.Doc; author: Author; origin: BoardOrigin; inbox: Uint8Array[] };

function createPeers(count: number): Peer[] {
  const base = new Y.Doc();
  initBoard(base, { title: 'Convergence', createdAt: 1 });
  const initial = Y.encodeStateAsUpdate(base);
  const peers = Array.from({ length: count }, (_, n): Peer => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, initial);
    const author: Author = {
      participantId: `p${n}`,
      name: `Person ${n}`,
      organisation: `Org ${n}`,
      sector: SECTORS[n % SECTORS.length]!,
    };
    return { doc, author, origin: { kind: 'local', participantId: author.participantId }, inbox: [] };
  });
  for (const peer of peers) {
    peer.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'network') return;
      for (const other of peers) if (other !== peer) other.inbox.push(update);
    });
  }
  return peers;
}

function pick<T>(gen: prng.PRNG, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[prng.int32(gen, 0, items.length - 1)];
}

/** One random edit on one peer, through the public write functions only. */
function randomEdit(gen: prng.PRNG, peer: Peer): void {
  const { doc, author, origin } = peer;
  const snap = readBoard(doc);
  const problem = pick(gen, snap.problems);
  const idea = pick(gen, snap.ideas);
  const note = pick(gen, snap.notes);
  const theme = pick(gen, snap.themes);
  const anyCard = pick(gen, [...snap.problems, ...snap.ideas, ...snap.notes]);
  const title = prng.word(gen, 1, 12);
  switch (prng.int32(gen, 0, 12)) {
    case 0:
      addProblem(doc, { title, author }, origin);
      return;
    case 1:
      addIdea(doc, { title, author, problemId: problem?.id ?? null, themeId: theme?.id ?? null }, origin);
      return;
    case 2:
      addNote(doc, { title, author, ideaId: idea?.id ?? null }, origin);
      return;
    case 3:
      if (snap.themes.length < 4) addTheme(doc, { title, author }, origin);
      return;
    case 4:
      if (anyCard) updateCardTitle(doc, anyCard.id, anyCard.title + ' ' + title, origin);
      return;
    case 5: {
      const other = pick(gen, snap.problems);
      if (problem && other && other.id !== problem.id) reorderCard(doc, problem.id, { beforeId: other.id }, origin);
      return;
    }
    case 6:
      if (idea) moveIdea(doc, idea.id, { problemId: problem?.id ?? null, themeId: theme?.id }, origin);
      return;
    case 7:
      if (note) moveNote(doc, note.id, { ideaId: idea?.id ?? null }, origin);
      return;
    case 8:
      if (idea) setIdeaTheme(doc, idea.id, theme?.id ?? null, origin);
      return;
    case 9:
      // Deletes are rarer than adds so the board grows.
      if (anyCard && prng.bool(gen)) deleteCard(doc, anyCard.id, origin);
      return;
    case 10:
      if (theme && prng.int32(gen, 0, 3) === 0) deleteCard(doc, theme.id, origin);
      return;
    case 11: {
      // Merges are rare too; two peers may merge the same pair, or merge both ways, at once.
      const dup = pick(gen, snap.ideas);
      if (idea && dup && dup.id !== idea.id && prng.int32(gen, 0, 2) === 0) mergeIdeas(doc, { keepId: idea.id, mergeId: dup.id }, origin);
      return;
    }
    default: {
      // Type into a body: the first paragraph, as an editor would.
      const body = anyCard && cardBody(findCard(doc, anyCard.id)!.record);
      const paragraph = body?.toDelta()[0]?.insert;
      if (paragraph instanceof Y.XmlText) {
        doc.transact(() => paragraph.insert(prng.int32(gen, 0, paragraph.length), title), origin);
      }
    }
  }
}

function deliverOne(gen: prng.PRNG, peers: Peer[]): boolean {
  const waiting = peers.filter((p) => p.inbox.length > 0);
  const peer = pick(gen, waiting);
  if (!peer) return false;
  // Any pending message, not the oldest: updates arrive out of order.
  const [update] = peer.inbox.splice(prng.int32(gen, 0, peer.inbox.length - 1), 1);
  Y.applyUpdate(peer.doc, update!, 'network');
  return true;
}

/** The snapshot plus every body's content, which is what users see. */
function visibleState(doc: Y.Doc): BoardSnapshot & { bodies: Record<string, string> } {
  const snap = readBoard(doc);
  const bodies: Record<string, string> = {};
  for (const card of [...snap.problems, ...snap.ideas, ...snap.notes]) {
    bodies[card.id] = cardBody(findCard(doc, card.id)!.record)?.toString() ?? '';
  }
  return { ...snap, bodies };
}

function runScenario(seed: number, peerCount: number, steps: number): void {
  const gen = prng.create(seed);
  const peers = createPeers(peerCount);
  for (let i = 0; i < steps; i++) {
    if (prng.int32(gen, 0, 2) === 0) deliverOne(gen, peers);
    else randomEdit(gen, pick(gen, peers)!);
  }
  while (deliverOne(gen, peers));
  const first = visibleState(peers[0]!.doc);
  for (const peer of peers.slice(1)) {
    expect(visibleState(peer.doc), `seed ${seed}: peer ${peer.author.participantId} diverged`).toEqual(first);
  }
  // Links in the snapshot always point at cards that exist (repaired on read if needed).
  const ids = new Set([...first.problems, ...first.ideas, ...first.themes].map((c) => c.id));
  for (const idea of first.ideas) {
    if (idea.problemId) expect(ids.has(idea.problemId), `seed ${seed}`).toBe(true);
    if (idea.themeId) expect(ids.has(idea.themeId), `seed ${seed}`).toBe(true);
  }
  for (const note of first.notes) if (note.ideaId) expect(ids.has(note.ideaId), `seed ${seed}`).toBe(true);
}

describe('convergence of random concurrent edits', () => {
  const fixed = process.env.CONVERGENCE_SEED;
  const seeds = fixed ? [Number(fixed)] : Array.from({ length: 16 }, (_, i) => 1000 + i * 7919);

  it.each(seeds)('seed %i: 4 peers, 300 steps, converge', (seed) => {
    try {
      runScenario(seed, 4, 300);
    } catch (error) {
      console.error(`convergence failed; rerun with CONVERGENCE_SEED=${seed}`);
      throw error;
    }
  });

  it('a run with many peers and few deliveries until the end still converges', () => {
    const seed = fixed ? Number(fixed) : 424242;
    runScenario(seed, 8, 600);
  });
});
