/**
 * The container recipe cannot be run here (no Docker engine), so this holds it to what can be:
 * the Dockerfile installs with the `npm ci` CI runs and builds with `npm run build`, its CMD is
 * the command `npm run serve` runs, its Node is the .nvmrc one, the port and data folder are the
 * server's own defaults in the Dockerfile and in compose.yaml, it does not run as root, and its
 * HEALTHCHECK command, run exactly as written, passes against a real server and fails once that
 * server is gone.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from '../environment.ts';
import { startServer } from '../test/harness.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } };

type Instruction = { keyword: string; args: string; stage: number };

/** The Dockerfile's instructions, continuation lines joined, comments dropped, numbered by stage. */
function dockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) || (pending === '' && line.trim() === '')) continue;
    pending += line.replace(/\\\s*$/, ' ');
    if (!/\\\s*$/.test(line)) {
      logical.push(pending.trim().replace(/\s+/g, ' '));
      pending = '';
    }
  }
  let stage = -1;
  return logical.map((line) => {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM') stage++;
    return { keyword: keyword!.toUpperCase(), args: args!, stage };
  });
}

const steps = dockerfile(read('Dockerfile'));
const lastStage = Math.max(...steps.map((s) => s.stage));
const final = steps.filter((s) => s.stage === lastStage);
const one = (list: Instruction[], keyword: string) => {
  const found = list.filter((s) => s.keyword === keyword);
  expect(found, keyword).toHaveLength(1);
  return found[0]!.args;
};
/** A JSON-array (exec form) argument list, as Docker reads CMD ["a", "b"]. */
const execForm = (args: string) => JSON.parse(args) as string[];

describe('Dockerfile', () => {
  it('installs with the npm ci that CI runs and builds with npm run build', () => {
    const runs = steps.filter((s) => s.keyword === 'RUN' && s.stage < lastStage).map((s) => s.args);
    const ciInstall = /^npm ci .*$/m.exec(read('.ci/run'))![0];
    expect(runs).toContain(ciInstall);
    const scripts = runs.flatMap((r) => [...r.matchAll(/npm run (\S+)/g)].map((m) => m[1]!));
    expect(scripts).toEqual(['build']);
    expect(pkg.scripts.build).toBeDefined();
    // the runtime stage builds nothing: it takes what the build stage made
    expect(final.filter((s) => s.keyword === 'RUN' && /\bnpm\b/.test(s.args))).toEqual([]);
    const copied = final.filter((s) => s.keyword === 'COPY').map((s) => s.args);
    for (const folder of ['node_modules', 'dist', 'dist-server']) expect(copied).toContain(`--from=build /app/${folder} ./${folder}`);
  });

  it('starts the server with exactly the command npm run serve runs, node itself as the process', () => {
    const serve = pkg.scripts.serve!.replace(/^exec /, '').split(' ');
    expect(execForm(one(final, 'CMD'))).toEqual(serve);
    expect(serve[0]).toBe('node');
  });

  it('runs every stage on the Node of .nvmrc, which package.json accepts', () => {
    const major = read('.nvmrc').trim();
    expect(major).toBe('20');
    expect(steps.filter((s) => s.keyword === 'FROM').map((s) => s.args.split(' ')[0])).toEqual(['node:20-slim', 'node:20-slim']);
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('listens on the default port, keeps its data on the volume, and is not root', () => {
    const env = one(final, 'ENV');
    expect(env).toContain(`PORT=${DEFAULT_PORT}`);
    expect(env).toContain('DATA_DIR=/app/data');
    expect(one(final, 'VOLUME')).toBe('/app/data');
    expect(one(final, 'EXPOSE')).toBe(String(DEFAULT_PORT));
    expect(one(final, 'USER')).not.toMatch(/^(root|0)(:|$)/);

    const compose = read('compose.yaml');
    expect(compose).toContain(`- "${DEFAULT_PORT}:${DEFAULT_PORT}"`);
    expect(compose).toMatch(/^\s+- crossboard-data:\/app\/data$/m);
    expect(compose).toMatch(/^volumes:\n\s+crossboard-data:/m);
    expect(compose).toMatch(/^\s+build: \.$/m);
  });

  it('HEALTHCHECK, run as written, passes while the server answers /api/health and fails when it is gone', async () => {
    const check = one(final, 'HEALTHCHECK');
    // HEALTHCHECK [--option=value ...] CMD ["node", ...]
    const command = execForm(check.replace(/^(--\S+\s+)*CMD\s+/, ''));
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/api/health');
    const run = (port: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, command.slice(1), { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
        child.once('exit', (code) => resolve(code));
      });

    const server = await startServer();
    try {
      expect(await run(server.port)).toBe(0);
    } finally {
      await server.close();
    }
    expect(await run(server.port)).toBe(1);
  });
});
