/**
 * The logger the server writes through. In a running server it is `jsonLogger`: JSON lines on
 * stdout through pino, `{"level":"info","time":"…","msg":"…", …fields}`, which any log pipeline
 * reads. Tests pass `silentLogger` or a capturing logger instead of patching console.
 *
 * Board links carry their tokens in URLs (`/b/:id?token=`, `/ws/:id?token=`), and a token is the
 * whole of a board's access, so nothing reaches a line unscrubbed. This file is the one place
 * that ensures it, for every caller: the message and every string field, nested ones included,
 * lose query strings, `Bearer` credentials, URL passwords and token-shaped words
 * (`scrubLogText`), and pino's `redact` blanks fields named like credentials whatever they hold.
 * Callers may log paths, URLs and error messages as they are.
 */
import pino from 'pino';
import type { LogLevel } from './environment.ts';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type { LogLevel };

/** A query string: `?` and what follows up to white space or a quote. */
const QUERY = /\?[^\s"'<>]+/g;
/** The credentials of an Authorization header quoted in a message. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
/** `scheme://user:password@host`: the password. */
const URL_PASSWORD = /(\/\/[^/\s:@]*:)[^@\s/]+@/g;
/**
 * A run of base64url characters as long as a board token (192 bits: 32 characters) or longer.
 * Only runs with both upper- and lower-case letters count as tokens, so long constants
 * (`WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`) and hex digests stay readable; a random token lacks
 * either with a chance of about 1 in 10^7. Board ids (24 characters) are kept: they grant nothing.
 */
const LONG_WORD = /[A-Za-z0-9_-]{32,}/g;
const REDACTED = '[redacted]';

function tokenShaped(word: string): boolean {
  return /[a-z]/.test(word) && /[A-Z]/.test(word);
}

/** `text` without anything in it that could be a board token or another credential. */
export function scrubLogText(text: string): string {
  return text
    .replace(QUERY, '')
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(LONG_WORD, (word) => (tokenShaped(word) ? REDACTED : word));
}

/** Every string in `value` scrubbed, to a bounded depth (fields are small, flat records). */
function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubLogText(value);
  if (value === null || typeof value !== 'object') return value;
  // an Error serialises to {} in JSON: keep what it says instead
  if (value instanceof Error) return scrubLogText(String(value));
  // bytes (an update, a hash) say nothing in a log but their size
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (depth >= 4) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubValue(item, depth + 1);
  return out;
}

/** Fields that hold credentials by their name: blanked whatever their value looks like. */
const REDACT_PATHS = ['token', 'tokens', 'authorization', 'cookie', 'password', 'secret'].flatMap((key) => [key, `*.${key}`]);

/** Where lines go: stdout by default, or anything with `write(line)` (tests capture lines). */
export type LogDestination = pino.DestinationStream;

/** JSON lines through pino from `level` up (LOG_LEVEL in main.ts). */
export function jsonLogger(options: { level?: LogLevel; destination?: LogDestination } = {}): Logger {
  const log = pino(
    {
      level: options.level ?? 'info',
      // "info" rather than 30, and an ISO time: readable by people and by pipelines that do not know pino
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => scrubValue(fields, 0) as Record<string, unknown>,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: {
        // the message itself (fields go through formatters.log)
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubLogText(arg) : arg)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (fields && Object.keys(fields).length > 0) log[level](fields, message);
      else log[level](message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
