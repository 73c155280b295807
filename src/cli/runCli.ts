import type { SettingsSource } from '../config/loadConfig.js';
import { callWithin } from '../core/boundedSignal.js';
import { RunTimeoutError, TodoSyncError } from '../errors.js';
import { createStderrLogger } from '../logging/logger.js';
import { Redactor } from '../logging/redact.js';
import type { Telemetry } from '../telemetry/startTelemetry.js';
import { exposeOpenTelemetrySettings, mergeSettings, readLocalSettings } from './localSettings.js';
import { parseCliArgs, USAGE } from './parseCliArgs.js';

export interface CliIo {
  readonly env: SettingsSource;
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes: 0 ok; 2 wrong before any network call; 1 a server refused or failed. */
export function exitCodeFor(err: unknown): 1 | 2 {
  return err instanceof TodoSyncError && (err.code === 'config' || err.code === 'usage') ? 2 : 1;
}

/** Runs one CLI command; returns the exit code. Output JSON goes to stdout, the rest to stderr. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Scrubs the error line too; learns the settings' secrets once they are read.
  let redactor = new Redactor();
  let telemetry: Telemetry | undefined;
  try {
    const command = parseCliArgs(argv);
    if (command.op === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    // Each step loads what it needs when it gets there (in the bundled bin, chunks): --help and
    // bad arguments load nothing more, a bad setting only the config's parser, and MSAL and
    // axios (the runtime) load once the settings are known to be good.
    const [{ loadConfig, secretSettingValues }, local] = await Promise.all([
      import('../config/loadConfig.js'),
      readLocalSettings(io.cwd),
    ]);
    const caFile = local.NODE_EXTRA_CA_CERTS;
    if (caFile && io.env.NODE_EXTRA_CA_CERTS !== caFile) {
      io.stderr(
        `todo-sync: note: local.settings.json sets NODE_EXTRA_CA_CERTS, but Node reads it only at start; run with NODE_EXTRA_CA_CERTS=${caFile} in the environment to trust that CA.\n`,
      );
    }
    const settings = mergeSettings(local, io.env);
    redactor = new Redactor(secretSettingValues(settings));
    const config = loadConfig(settings, { needs: command.op === 'sync' ? ['storage'] : [] });
    // Exports like the functions when OTEL_EXPORTER_OTLP_* or APPLICATIONINSIGHTS_* are set
    // (the SDK is loaded only then); everything is exported before the command answers.
    const { startTelemetry } = await import('../telemetry/startTelemetry.js');
    exposeOpenTelemetrySettings(local);
    telemetry = await startTelemetry(settings, {
      serviceName: 'todo-sync-cli',
      warn: (message) => {
        io.stderr(`todo-sync: warning: ${redactor.redact(message)}\n`);
      },
      diagnostic: (line) => {
        io.stderr(`todo-sync: ${redactor.redact(line)}\n`);
      },
    });
    const { createRuntime } = await import('../runtime/createRuntime.js');
    const runtime = createRuntime(config, {
      logger: createStderrLogger(command.verbose ? 'info' : 'warn', redactor),
      redactor,
    });
    let result: unknown;
    if (command.op === 'sync') {
      // A sync bounds itself (SYNC_TIMEOUT_SECONDS) and answers once all of it is stored.
      result = await runtime.sync('cli');
    } else {
      // The same budget for the single calls, so a stalled peer never holds a script for ever.
      const seconds = (config.limits.runTimeoutMs / 1000).toString();
      result = await callWithin<unknown>(
        undefined,
        config.limits.runTimeoutMs,
        () =>
          new RunTimeoutError(
            `--op ${command.op} ran out of its ${seconds} s budget (SYNC_TIMEOUT_SECONDS).`,
            [command.op],
          ),
        (signal) =>
          command.op === 'getToDos'
            ? runtime.api.listTodos({ signal })
            : runtime.api.addTodo(command.description, command.owner, { signal }),
      );
    }
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : 'unknown error';
    io.stderr(`todo-sync: ${redactor.redact(message)}\n`);
    return exitCodeFor(err);
  } finally {
    await telemetry?.shutdown();
  }
}
