/**
 * Exports a board's brief from the data directory, with the server stopped (or running: SQLite's
 * WAL lets a reader in beside it). The board is loaded by the same code the server uses for a
 * room (snapshot plus log, through `Rooms`), over storage that refuses every write; the vote
 * results are the stored session's, read as the server reads them; and the brief is built and
 * rendered by the same job the server's workers run — so the file equals the endpoint's download
 * for the same version.
 *
 *   npm run brief -- <boardId> [--format md|html|pdf|docx|json] [--out <file>|-] [--version <id>]
 *                              [--data-dir <dir>] [--by <name>] [--no-names]
 *
 * --format defaults to the extension of --out; --out defaults to the file name from the board's
 * title, in the current directory; `--out -` writes to standard output. --data-dir defaults to
 * DATA_DIR, then ./data. Relative paths are taken from where `npm run` was started (INIT_CWD).
 * SOURCE_DATE_EPOCH (seconds), when set, is the export time (reproducible files). PUBLIC_URL, as
 * for the server, is where the board is served: the brief then links long cards to the board.
 * Exit code 0 when the file is written, 1 with a message on standard error otherwise.
 */
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ExportRole } from '../../shared/brief/brief.ts';
import { BRIEF_FORMATS, isBriefFormat, type BriefFormat } from '../../shared/brief/formats.ts';
import { cleanPersonName } from '../api/brief.ts';
import type { BriefJob } from '../brief/job.ts';
import { inlineRenderer, type BriefRenderer } from '../brief/pool.ts';
import {
  boardUrl,
  liveSource,
  loadVersionSource,
  namesShownByDefault,
  type ShowNamesSetting,
  type VoteResultsSource,
} from '../brief/source.ts';
import { DEFAULT_LIMITS } from '../config.ts';
import { silentLogger, type Logger } from '../log.ts';
import { Rooms } from '../rooms/rooms.ts';
import { FacilitationService } from '../facilitation/facilitationService.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import type { Storage } from '../storage/storage.ts';

const FORMATS = Object.keys(BRIEF_FORMATS) as BriefFormat[];

const USAGE = `Usage: npm run brief -- <boardId> [--format ${FORMATS.join('|')}] [--out <file>|-] [--version <id>] [--data-dir <dir>] [--by <name>] [--no-names]`;

export type BriefCliIo = {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string): unknown };
  /** the board's vote results; default: the stored session's, as the server's brief API reads them */
  voteResults?: VoteResultsSource;
  /** the board's names setting; default: shown */
  showNames?: ShowNamesSetting;
  /** who the brief says exported it; default `{name: --by, role: 'cli'}` (tests compare with the endpoint) */
  exportedBy?: { name: string; role: ExportRole };
  renderer?: BriefRenderer;
  logger?: Logger;
};

class CliError extends Error {}

/** Storage calls that only read. Anything else fails loudly: the CLI must never change the data. */
const READS = new Set(['getBoard', 'findRoleByTokenHash', 'loadDocument', 'loadSession', 'listVersions', 'getVersion', 'close']);

export function readOnlyStorage(storage: Storage): Storage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (READS.has(String(property))) return value.bind(target);
      return () => {
        throw new Error(`the brief CLI does not write to storage (${String(property)} refused)`);
      };
    },
  });
}

function exportTime(env: NodeJS.ProcessEnv): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return Date.now();
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new CliError(`SOURCE_DATE_EPOCH must be seconds since 1970, got "${raw}"`);
  return Math.round(seconds * 1000);
}

/** Fails early, before any rendering, if the file cannot be written there. */
function checkWritable(file: string): void {
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new CliError(`cannot write ${file}: it is a directory`);
    try {
      accessSync(file, constants.W_OK);
    } catch {
      throw new CliError(`cannot write ${file}: permission denied`);
    }
    return;
  }
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`cannot write ${file}: no directory ${dir}`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new CliError(`cannot write ${file}: permission denied in ${dir}`);
  }
}

function describeWriteError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOSPC') return 'the disk is full';
  return String((error as Error).message ?? error);
}

/** Runs the CLI; returns the exit code. Never calls process.exit, so tests can run it in-process. */
export async function runBriefCli(argv: string[], io: BriefCliIo): Promise<number> {
  let storage: Storage | undefined;
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          format: { type: 'string', short: 'f' },
          out: { type: 'string', short: 'o' },
          version: { type: 'string' },
          'data-dir': { type: 'string' },
          by: { type: 'string' },
          'no-names': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new CliError(`${(error as Error).message}\n${USAGE}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new CliError(`${positionals.length === 0 ? 'no board id given' : 'give one board id'}\n${USAGE}`);
    const boardId = positionals[0]!;

    // npm run changes into the package directory; INIT_CWD is where the command was typed
    const base = io.env.INIT_CWD || io.cwd;
    const toStdout = values.out === '-';
    const outExt = values.out && !toStdout ? path.extname(values.out).slice(1).toLowerCase() : '';
    const format = values.format ?? (isBriefFormat(outExt) ? outExt : undefined);
    if (format === undefined) {
      throw new CliError(`no format given: use --format ${FORMATS.join('|')} (or an --out file ending in one of them)`);
    }
    if (!isBriefFormat(format)) throw new CliError(`unknown format "${format}": use one of ${FORMATS.join(', ')}`);
    const exportedAt = exportTime(io.env);

    const dataDir = path.resolve(base, values['data-dir'] ?? (io.env.DATA_DIR || './data'));
    const file = path.join(dataDir, 'crossboard.sqlite');
    if (!existsSync(file)) throw new CliError(`no Crossboard data in ${dataDir} (no crossboard.sqlite there): give --data-dir or set DATA_DIR`);
    if (values.out && !toStdout) checkWritable(path.resolve(base, values.out));

    const sqlite = new SqliteStorage(file);
    storage = readOnlyStorage(sqlite);
    if (!(await storage.boards.getBoard(boardId))) throw new CliError(`unknown board ${boardId} in ${file}`);

    // the same results the server's brief API uses: what may be seen, from the stored session
    const facilitation = new FacilitationService({ storage, logger: io.logger ?? silentLogger });
    const voteResults: VoteResultsSource = io.voteResults ?? ((id) => facilitation.visibleVoteResults(id));

    let source;
    if (values.version) {
      source = await loadVersionSource(storage, boardId, values.version);
      if (!source) throw new CliError(`unknown version ${values.version} of board ${boardId}`);
    } else {
      // the room's own loading: snapshot and log in one transaction, nothing ever compacted here
      const rooms = new Rooms({
        storage,
        limits: { ...DEFAULT_LIMITS, compactAfterUpdates: Number.POSITIVE_INFINITY, idleUnloadMs: 2 ** 31 - 1 },
        logger: io.logger ?? silentLogger,
      });
      try {
        source = await liveSource(rooms, voteResults, boardId);
      } finally {
        // nobody will connect: free the room's timers (its awareness ticks), so the process can end
        rooms.peek(boardId)?.destroy();
      }
    }
    const showNames = (await (io.showNames ?? namesShownByDefault)(boardId)) && !values['no-names'];
    const job: BriefJob = {
      format,
      boardId,
      state: source.state,
      rounds: source.rounds,
      showNames,
      exportedBy: io.exportedBy ?? { name: showNames ? cleanPersonName(values.by) : '', role: 'cli' },
      exportedAt,
      ...(source.version ? { version: source.version } : {}),
      ...(io.env.PUBLIC_URL ? { boardUrl: boardUrl(io.env.PUBLIC_URL, boardId) } : {}),
    };
    const rendered = await (io.renderer ?? inlineRenderer).render(job);

    if (toStdout) {
      io.stdout.write(rendered.body);
      io.stderr.write(`${BRIEF_FORMATS[format].label} brief of “${rendered.title}” written to standard output\n`);
      return 0;
    }
    const out = path.resolve(base, values.out ?? rendered.fileName);
    if (!values.out) checkWritable(out);
    try {
      writeFileSync(out, rendered.body);
    } catch (error) {
      throw new CliError(`cannot write ${out}: ${describeWriteError(error)}`);
    }
    const what = source.version ? `saved version “${source.version.name}”` : 'the live board';
    io.stdout.write(
      `Wrote the ${BRIEF_FORMATS[format].label} brief of “${rendered.title}” (${what}, ${rendered.body.byteLength} bytes) to ${out}\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`brief: ${error instanceof CliError ? error.message : `failed: ${(error as Error).stack ?? String(error)}`}\n`);
    return 1;
  } finally {
    await storage?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runBriefCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
