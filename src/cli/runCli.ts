import type { SettingsSource } from '../config/loadConfig.js';
import { TodoSyncError } from '../errors.js';
import { createStderrLogger } from '../logging/logger.js';
import { processRedactor } from '../logging/redact.js';
import { mergeSettings, readLocalSettings } from './localSettings.js';
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
  try {
    const command = parseCliArgs(argv);
    if (command.op === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    // Each step loads what it needs when it gets there (in the bundled bin, chunks): --help and
    // bad arguments load nothing more, a bad setting only the config's parser, and MSAL and
    // axios (the runtime) load once the settings are known to be good.
    const [{ loadConfig }, local] = await Promise.all([
      import('../config/loadConfig.js'),
      readLocalSettings(io.cwd),
    ]);
    const caFile = local.NODE_EXTRA_CA_CERTS;
    if (caFile && io.env.NODE_EXTRA_CA_CERTS !== caFile) {
      io.stderr(
        `todo-sync: note: local.settings.json sets NODE_EXTRA_CA_CERTS, but Node reads it only at start; run with NODE_EXTRA_CA_CERTS=${caFile} in the environment to trust that CA.\n`,
      );
    }
    const config = loadConfig(mergeSettings(local, io.env));
    const { createRuntime } = await import('../runtime/createRuntime.js');
    const runtime = createRuntime(config, {
      logger: createStderrLogger(command.verbose ? 'info' : 'warn'),
    });
    let result: unknown;
    switch (command.op) {
      case 'getToDos':
        result = await runtime.api.listTodos();
        break;
      case 'addToDo':
        result = await runtime.api.addTodo(command.description, command.owner);
        break;
      case 'sync':
        result = await runtime.sync('cli');
        await runtime.settled();
        break;
    }
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : 'unknown error';
    io.stderr(`todo-sync: ${processRedactor.redact(message)}\n`);
    return exitCodeFor(err);
  }
}
