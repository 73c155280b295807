import type { InvocationContext } from '@azure/functions';
import { createLogger, type Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';

/**
 * Our logger over the invocation's log methods, so lines carry the invocation id in the host;
 * every line is scrubbed by the process's redactor.
 */
export function invocationLogger(context: InvocationContext, redactor: Redactor): Logger {
  return createLogger(
    (level, line) => {
      switch (level) {
        case 'debug':
          context.debug(line);
          break;
        case 'info':
          context.info(line);
          break;
        case 'warn':
          context.warn(line);
          break;
        case 'error':
          context.error(line);
          break;
      }
    },
    { redactor },
  );
}
