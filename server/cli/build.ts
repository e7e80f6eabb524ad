/**
 * Compiles the server to plain JavaScript with esbuild, so that `npm run serve` runs it with
 * `node` alone (no tsx at run time):
 *
 *   dist-server/main.js            the server (server/main.ts)
 *   dist-server/renderWorker.mjs   the brief render worker (server/brief/renderWorker.ts), under
 *                                  the name pool.ts starts it by, beside main.js
 *   dist-server/cluster.js         `npm run cluster` (server/cli/cluster.ts)
 *   dist-server/package.json       `"type": "module"`, so the files are ESM wherever they are copied
 *   dist-server/<name>-<hash>.js   what main.js and cluster.js load with import() (see ENTRIES)
 *
 * The client is built by Vite into dist/, which the server serves to browsers; the server's own
 * code goes to a folder of its own so it is never served.
 *
 * Packages stay external (`packages: 'external'`): they load from node_modules at run time, so
 * native modules (better-sqlite3) and files packages read by path (pdfkit's font metrics, the
 * Source Sans files pdf.ts resolves with require.resolve) are found as they are under tsx. The
 * output folder must therefore sit inside the project, below its node_modules.
 *
 *   npm run build:server [-- --out <dir>]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');

export const DEFAULT_OUT_DIR = path.join(root, 'dist-server');

/**
 * Each output file and the source it is built from. `split` entries are built together with code
 * splitting: what they import with `import()` goes to a chunk of its own, loaded only when that
 * import runs. Chunks sit beside main.js, so that what they find relative to themselves
 * (`./renderWorker.mjs` in pool.ts) is where it is for main.js. main.ts relies on it to open its
 * port before the rest of the server (and the packages it imports) load; without splitting,
 * esbuild would inline the imported code and hoist its packages' imports to the top of main.js.
 */
const ENTRIES: { source: string; out: string; split: boolean }[] = [
  { source: 'server/main.ts', out: 'main.js', split: true },
  // pool.ts starts `new URL('./renderWorker.mjs', import.meta.url)`: under tsx that is the
  // loader shim beside the TypeScript worker, in the build it is the compiled worker itself
  { source: 'server/brief/renderWorker.ts', out: 'renderWorker.mjs', split: false },
  { source: 'server/cli/cluster.ts', out: 'cluster.js', split: true },
];

export type BuiltServer = {
  outDir: string;
  files: string[];
  /** what the built files import from node_modules at run time (`hono/utils/mime`, `yjs`), so a production install must hold them */
  externalImports: string[];
};

/** Builds every entry into `outDir` (emptied first). */
export async function buildServer(outDir: string = DEFAULT_OUT_DIR): Promise<BuiltServer> {
  const relative = path.relative(root, path.resolve(outDir));
  if (relative.startsWith('..') || path.isAbsolute(relative) || relative === '' || relative === 'dist') {
    // outside the project, packages would not resolve; dist/ is the client, served to browsers
    throw new Error(`the server must be built into a folder of its own inside ${root}, not ${outDir}`);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common: BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
  };
  const split = ENTRIES.filter((entry) => entry.split);
  const results = await Promise.all([
    build({
      ...common,
      entryPoints: split.map((entry) => ({ in: entry.source, out: entry.out.replace(/\.js$/, '') })),
      outdir: outDir,
      splitting: true,
      chunkNames: '[name]-[hash]',
    }),
    ...ENTRIES.filter((entry) => !entry.split).map((entry) => build({ ...common, entryPoints: [entry.source], outfile: path.join(outDir, entry.out) })),
  ]);
  writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ type: 'module', private: true }, null, 2) + '\n');
  const externalImports = new Set(
    results.flatMap((result) => Object.values(result.metafile?.outputs ?? {}).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path))),
  );
  return { outDir, files: ENTRIES.map((entry) => path.join(outDir, entry.out)), externalImports: [...externalImports].filter((i) => !i.startsWith('node:')).sort() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const startedAt = performance.now();
  buildServer(values.out ? path.resolve(values.out) : DEFAULT_OUT_DIR).then(
    (built) => console.log(`Built the server into ${path.relative(root, built.outDir)}/ in ${Math.round(performance.now() - startedAt)} ms`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
