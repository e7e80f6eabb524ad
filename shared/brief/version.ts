/**
 * The board version a brief states. Kept apart from brief.ts, which reads card bodies through
 * Lexical, so the server can fingerprint a board without loading the editor.
 */
import { digest as sha256 } from 'lib0/hash/sha256';
import * as Y from 'yjs';

/**
 * A fingerprint of the document state. A state vector plus a delete set determine a Yjs document's
 * content exactly, and `encodeSnapshot` writes both in a canonical (sorted, merged) form, so two
 * replicas holding the same state get the same version however they got there — unlike
 * `encodeStateAsUpdate`, whose bytes depend on how items happen to be split in memory.
 */
export function boardVersion(doc: Y.Doc): string {
  const bytes = sha256(Y.encodeSnapshot(Y.snapshot(doc)));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}
