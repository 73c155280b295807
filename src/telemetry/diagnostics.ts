import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { format } from 'node:util';

/** OTEL_LOG_LEVEL's values, as the specification names them (any case). */
const LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  NONE: DiagLogLevel.NONE,
  ERROR: DiagLogLevel.ERROR,
  WARN: DiagLogLevel.WARN,
  INFO: DiagLogLevel.INFO,
  DEBUG: DiagLogLevel.DEBUG,
  VERBOSE: DiagLogLevel.VERBOSE,
  ALL: DiagLogLevel.ALL,
};

/**
 * OTEL_LOG_LEVEL: OpenTelemetry's own diagnostics (an exporter's refusals, which Azure Monitor's
 * reports nowhere else; a setting the SDK ignored) at that level and above, one `write` per
 * message, which scrubs it like every other output. Unset, the SDK says nothing.
 */
export function routeDiagnostics(
  env: Readonly<Record<string, string | undefined>>,
  write: (line: string) => void,
  warn: (message: string) => void,
): void {
  const value = env.OTEL_LOG_LEVEL?.trim();
  if (!value) return;
  const level = LEVELS[value.toUpperCase()];
  if (level === undefined) {
    warn(
      `telemetry: OTEL_LOG_LEVEL=${value} is not one of none, error, warn, info, debug, verbose, all; OpenTelemetry's diagnostics stay off`,
    );
    return;
  }
  const at =
    (name: string) =>
    (message: string, ...args: unknown[]): void => {
      write(`telemetry: [${name}] ${format(message, ...args)}`);
    };
  const logger: DiagLogger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    verbose: at('verbose'),
  };
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
}
