/**
 * Who this device said it is when commenting on a brief (name and organisation, both optional),
 * remembered so a sponsor types them once. Prefilled from the board identity when there is one.
 */
import { COMMENT_LIMITS } from '../../shared/brief/comments.ts';
import { loadIdentity } from '../lib/storage.ts';

const KEY = 'crossboard.commenter.v1';

export type Commenter = { name: string; organisation: string };

export function loadCommenter(): Commenter {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (raw && typeof raw === 'object') {
      const r = raw as Record<string, unknown>;
      return {
        name: typeof r.name === 'string' ? r.name.slice(0, COMMENT_LIMITS.name) : '',
        organisation: typeof r.organisation === 'string' ? r.organisation.slice(0, COMMENT_LIMITS.organisation) : '',
      };
    }
  } catch {
    // unreadable: fall through
  }
  const identity = loadIdentity();
  return { name: identity?.name ?? '', organisation: identity?.organisation ?? '' };
}

export function saveCommenter(who: Commenter): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ name: who.name.trim(), organisation: who.organisation.trim() }));
  } catch {
    // storage full or disabled: the comment still goes
  }
}
