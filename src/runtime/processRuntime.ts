import { loadConfig, type SettingsSource } from '../config/loadConfig.js';
import { routedLogger } from '../logging/logContext.js';
import { createStderrLogger } from '../logging/logger.js';
import { createRuntime, type Runtime } from './createRuntime.js';

let runtime: { value: Runtime } | { error: unknown } | undefined;

/**
 * The process's one runtime (one MSAL client, one token cache), built from the settings on
 * first use and shared by every trigger. A config error is kept too: settings do not change
 * under a running process, and every invocation should report the same error.
 */
export function getProcessRuntime(source: SettingsSource = process.env): Runtime {
  if (!runtime) {
    try {
      runtime = {
        // Every function uses storage (a sync, the last run): report it with the rest.
        value: createRuntime(loadConfig(source, { needs: ['storage'] }), {
          logger: routedLogger(createStderrLogger('info')),
        }),
      };
    } catch (error) {
      runtime = { error };
    }
  }
  if ('error' in runtime) throw runtime.error;
  return runtime.value;
}
