import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFields, Logger } from './logger.js';

const current = new AsyncLocalStorage<Logger>();

/**
 * Runs `fn` with `logger` as the logger of everything it calls. Process-wide parts (MSAL, the
 * API client) log through `routedLogger`, so their lines land in the invocation that caused
 * them, even when several invocations run at once.
 */
export function withLogger<T>(logger: Logger, fn: () => Promise<T>): Promise<T> {
  return current.run(logger, fn);
}

/** A logger that forwards to the current invocation's logger, or to `fallback` outside one. */
export function routedLogger(fallback: Logger): Logger {
  const target = (): Logger => current.getStore() ?? fallback;
  return {
    debug: (m: string, f?: LogFields) => {
      target().debug(m, f);
    },
    info: (m: string, f?: LogFields) => {
      target().info(m, f);
    },
    warn: (m: string, f?: LogFields) => {
      target().warn(m, f);
    },
    error: (m: string, f?: LogFields) => {
      target().error(m, f);
    },
  };
}
