import { Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** The logger the core is given. Fields are identifiers and counts, never secret values. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where a formatted, redacted line goes. */
export type LogSink = (level: LogLevel, line: string) => void;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Formats `message key=value ...`, redacts, filters by level and hands the line to the sink.
 * Without a redactor of its own it scrubs the known credential shapes only.
 */
export function createLogger(
  sink: LogSink,
  options: { minLevel?: LogLevel; redactor?: Redactor } = {},
): Logger {
  const min = ORDER[options.minLevel ?? 'debug'];
  const redactor = options.redactor ?? new Redactor();
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[level] < min) return;
    let line = message;
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) line += ` ${key}=${String(value)}`;
      }
    }
    sink(level, redactor.redact(line));
  };
  return {
    debug: (m, f) => {
      emit('debug', m, f);
    },
    info: (m, f) => {
      emit('info', m, f);
    },
    warn: (m, f) => {
      emit('warn', m, f);
    },
    error: (m, f) => {
      emit('error', m, f);
    },
  };
}

/** A logger that writes to stderr, keeping stdout for the CLI's JSON output. */
export function createStderrLogger(minLevel: LogLevel = 'info', redactor?: Redactor): Logger {
  return createLogger(
    (level, line) => {
      process.stderr.write(`[${level}] ${line}\n`);
    },
    { minLevel, redactor },
  );
}

/**
 * Scrubs `redactor`'s secrets from every message and text field before `inner` sees them: the
 * runtime wraps the logger it is given, so whatever logger a host or test passes in, the
 * runtime's secrets (settings and vault values) never reach it.
 */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  const clean = (fields: LogFields | undefined): LogFields | undefined => {
    if (!fields) return fields;
    const out: Record<string, string | number | boolean | undefined> = {};
    for (const [key, value] of Object.entries(fields)) {
      out[key] = typeof value === 'string' ? redactor.redact(value) : value;
    }
    return out;
  };
  return {
    debug: (m, f) => {
      inner.debug(redactor.redact(m), clean(f));
    },
    info: (m, f) => {
      inner.info(redactor.redact(m), clean(f));
    },
    warn: (m, f) => {
      inner.warn(redactor.redact(m), clean(f));
    },
    error: (m, f) => {
      inner.error(redactor.redact(m), clean(f));
    },
  };
}

export const silentLogger: Logger = createLogger(() => undefined, { minLevel: 'error' });
