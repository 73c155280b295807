import type { InvocationContext } from '@azure/functions';
import { withLogger } from '../logging/logContext.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { Runtime } from '../runtime/createRuntime.js';
import type { ProcessRuntime } from '../runtime/processRuntime.js';
import { invocationLogger } from './invocationLogger.js';

/** What a handler works with during one invocation. */
export interface InvocationScope {
  /** The process's runtime; throws the config error when the settings are wrong. */
  readonly runtime: () => Runtime;
  /** Scrubs what the handler answers. */
  readonly redactor: Redactor;
  /** Writes to the invocation's log, scrubbed by the process's redactor. */
  readonly logger: Logger;
}

/**
 * Runs a handler's body for one invocation: its logger writes to the invocation's log and also
 * receives the lines of the process-wide parts the body calls (MSAL, the API client, the store),
 * so they land in this invocation even when several run at once.
 */
export function inInvocation<T>(
  processRuntime: () => ProcessRuntime,
  context: InvocationContext,
  body: (scope: InvocationScope) => Promise<T>,
): Promise<T> {
  const { redactor, runtime } = processRuntime();
  const logger = invocationLogger(context, redactor);
  return withLogger(logger, () => body({ runtime, redactor, logger }));
}
