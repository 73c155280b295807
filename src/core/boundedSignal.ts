import { ensureError } from '../errors.js';

/** A signal bounded in time, and the way to stop its timer once the work is done. */
export interface BoundedSignal {
  readonly signal: AbortSignal;
  /** Stops the timer and detaches from the parent; call it when the work has ended. */
  dispose(): void;
}

/**
 * A signal that aborts when `parent` does (with the parent's reason) or after `ms`, with
 * `onTimeout()` as its reason, whichever comes first.
 *
 * Built from a timer and a listener, not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`:
 * on Node 20 that combination stops firing once garbage collection has taken the timeout signal.
 */
export function boundedSignal(
  parent: AbortSignal | undefined,
  ms: number,
  onTimeout: () => Error,
): BoundedSignal {
  const controller = new AbortController();
  const onParentAbort = (): void => {
    controller.abort(parent?.reason);
  };
  const timer = setTimeout(() => {
    controller.abort(onTimeout());
  }, ms);
  const dispose = (): void => {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  };
  if (parent?.aborted) {
    onParentAbort();
    dispose();
  } else {
    parent?.addEventListener('abort', onParentAbort, { once: true });
    controller.signal.addEventListener('abort', dispose, { once: true });
  }
  return { signal: controller.signal, dispose };
}

/**
 * Settles as `work` does, or rejects with `signal.reason` as soon as `signal` aborts, whichever
 * comes first. For an SDK call that takes a signal but does not always honour it: the wait then
 * ends at its bound even when the call does not (the call's late outcome is dropped).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(ensureError(signal.reason));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(ensureError(error));
      },
    );
  });
}

/**
 * Runs `call` with a signal bounded as boundedSignal's, and settles when it does or when that
 * signal aborts, whichever is first (the wait ends at the bound even if the call ignores its
 * signal). When the bound itself ran out, rejects with `onTimeout()`'s error, so the caller's
 * message says which call timed out; when `parent` aborted, with the parent's reason.
 */
export async function callWithin<T>(
  parent: AbortSignal | undefined,
  ms: number,
  onTimeout: () => Error,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = boundedSignal(parent, ms, onTimeout);
  try {
    return await untilAborted(call(limit.signal), limit.signal);
  } finally {
    limit.dispose();
  }
}
