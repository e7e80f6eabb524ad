/**
 * The logger the server writes through: one line per event, fields as a JSON tail so lines stay
 * greppable. Tests pass `silentLogger` or a capturing logger instead of patching console.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

function line(level: string, message: string, fields?: LogFields): string {
  const tail = fields && Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
  return `${new Date().toISOString()} ${level} ${message}${tail}`;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

/** Logs to the console from `level` up (LOG_LEVEL in main.ts). */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  const on = (l: LogLevel) => RANK[l] >= RANK[level];
  return {
    info: (m, f) => on('info') && console.log(line('info', m, f)),
    warn: (m, f) => on('warn') && console.warn(line('warn', m, f)),
    error: (m, f) => on('error') && console.error(line('error', m, f)),
  } as Logger;
}

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
