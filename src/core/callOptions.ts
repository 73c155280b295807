/**
 * What every outbound call of a port accepts: the caller's deadline. An aborted signal ends the
 * call (and its retries) at once; the adapter adds its own per-call bound on top.
 */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}
