/**
 * The layers of shared/: the wire protocol (protocol.ts) and the HTTP shapes (api.ts) are the top
 * layer, built on the domain below them (schema, board, facilitation, votes, brief, richtext),
 * which must not import them back; and shared/ imports neither the client nor the server.
 * dpdm (npm run cycles) finds cycles; this finds a lower module reaching up before it makes one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SHARED = path.dirname(new URL(import.meta.url).pathname);
const TOP = new Set(['protocol.ts', 'api.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The modules a file imports (static, re-exported and dynamic), resolved against the repository. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

describe('layers of shared/', () => {
  const files = sourceFiles(SHARED);

  it('nothing below protocol.ts and api.ts imports them', () => {
    const upward = files
      .filter((file) => !TOP.has(path.relative(SHARED, file)))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => TOP.has(path.relative(SHARED, target)))
          .map((target) => `${path.relative(SHARED, file)} -> ${path.relative(SHARED, target)}`),
      );
    expect(upward).toEqual([]);
  });

  it('imports neither the client nor the server', () => {
    const outside = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => path.relative(SHARED, target).startsWith('..'))
        .map((target) => `${path.relative(SHARED, file)} -> ${path.relative(path.dirname(SHARED), target)}`),
    );
    expect(outside).toEqual([]);
  });
});
