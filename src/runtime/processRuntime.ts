import type { Clock } from '../core/clock.js';
import { loadConfig, secretSettingValues, type SettingsSource } from '../config/loadConfig.js';
import { routedLogger } from '../logging/logContext.js';
import { createStderrLogger } from '../logging/logger.js';
import { Redactor } from '../logging/redact.js';
import { createRuntime, type Runtime } from './createRuntime.js';

/** What the function triggers share in one process. */
export interface ProcessRuntime {
  /**
   * Scrubs every output of the process, the function's answers and log lines included. It
   * exists even when the settings are wrong, and knows the secret settings' values either way.
   */
  readonly redactor: Redactor;
  /**
   * The runtime (one MSAL client, one token cache), built from the settings on first use. A
   * config error is thrown again on every call: settings do not change under a running process,
   * and every invocation should report the same error.
   */
  readonly runtime: () => Runtime;
}

/**
 * A process runtime over `source` (the process's environment, or a test's settings); tests
 * may give it their clock.
 */
export function createProcessRuntime(
  source: SettingsSource,
  options: { clock?: Clock } = {},
): ProcessRuntime {
  const redactor = new Redactor(secretSettingValues(source));
  let built: { value: Runtime } | { error: unknown } | undefined;
  return {
    redactor,
    runtime: () => {
      if (!built) {
        try {
          built = {
            // Every function uses storage (a sync, the last run): report it with the rest.
            value: createRuntime(loadConfig(source, { needs: ['storage'] }), {
              logger: routedLogger(createStderrLogger('info', redactor)),
              redactor,
              ...options,
            }),
          };
        } catch (error) {
          built = { error };
        }
      }
      if ('error' in built) throw built.error;
      return built.value;
    },
  };
}

// The one piece of process-wide state the app keeps: the process's runtime, built on first use.
let processRuntime: ProcessRuntime | undefined;

/** The process's runtime over `process.env`, shared by every trigger of this process. */
export function getProcessRuntime(): ProcessRuntime {
  processRuntime ??= createProcessRuntime(process.env);
  return processRuntime;
}
