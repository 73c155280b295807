import { AsyncLocalStorage } from 'node:async_hooks';
import type { TodoSyncError } from '../errors.js';

/**
 * The token request in progress, as seen from the code MSAL calls back into (its network
 * client, the client-assertion callback). MSAL's API carries no AbortSignal, and it replaces
 * any error our network client throws with its own generic `network_error`; so the request's
 * deadline travels here, and our own error comes back here to be thrown instead.
 */
export interface TokenCall {
  readonly signal: AbortSignal | undefined;
  /** The failure our callback met, in our words: thrown instead of MSAL's wrapper. */
  failure: TodoSyncError | undefined;
}

// Holds no state of its own between calls: each token request runs in a context of its own.
const calls = new AsyncLocalStorage<TokenCall>();

/** Runs one token request with `signal` as the deadline of everything MSAL calls back into. */
export function runTokenCall<T>(call: TokenCall, fn: () => Promise<T>): Promise<T> {
  return calls.run(call, fn);
}

/** The token request this code runs in, if any. */
export function currentTokenCall(): TokenCall | undefined {
  return calls.getStore();
}
