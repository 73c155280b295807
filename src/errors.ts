/**
 * Error kinds of todo-sync. Every failure that leaves the core is one of these, with a stable
 * `code` the adapters map to an HTTP status or an exit code. Messages carry identifiers
 * (setting names, status, URL, request id), never secret values.
 */
export type ErrorCode =
  'config' | 'usage' | 'auth' | 'vault' | 'api' | 'storage' | 'lock-held' | 'timeout';

export abstract class TodoSyncError extends Error {
  abstract readonly code: ErrorCode;
  /**
   * When trying again could succeed, in seconds, when this error knows better than its kind's
   * default (the HTTP adapter sends it as Retry-After).
   */
  readonly retryAfterSeconds: number | undefined = undefined;
}

/** A setting is missing, a placeholder or malformed. Known before any network call. */
export class ConfigError extends TodoSyncError {
  override readonly name = 'ConfigError';
  readonly code = 'config';
  /** One line per problem, each naming the setting and how to fix it. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0] ?? ''}`
        : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Bad command-line arguments. */
export class UsageError extends TodoSyncError {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}

/** No token could be had from the identity provider. */
export class AuthError extends TodoSyncError {
  override readonly name = 'AuthError';
  readonly code = 'auth';
  /** MSAL's error code, e.g. `invalid_client`, `endpoints_resolution_error`. */
  readonly errorCode: string | undefined;
  /** The Entra error number (AADSTS...) when the server sent one. */
  readonly aadsts: string | undefined;
  constructor(
    message: string,
    details: { errorCode?: string | undefined; aadsts?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.errorCode = details.errorCode;
    this.aadsts = details.aadsts;
  }
}

/** Key Vault refused or failed to give the credential material, or the material is unusable. */
export class VaultError extends TodoSyncError {
  override readonly name = 'VaultError';
  readonly code = 'vault';
  readonly vaultUrl: string;
  readonly item: string;
  readonly status: number | undefined;
  constructor(
    message: string,
    details: { vaultUrl: string; item: string; status?: number | undefined },
  ) {
    super(message);
    this.vaultUrl = details.vaultUrl;
    this.item = details.item;
    this.status = details.status;
  }
}

/** The protected API refused or failed a call, or sent a body that is not a todo list. */
export class ApiError extends TodoSyncError {
  override readonly name = 'ApiError';
  readonly code = 'api';
  readonly status: number | undefined;
  readonly method: string;
  readonly url: string;
  readonly requestId: string | undefined;
  constructor(
    message: string,
    details: {
      status?: number | undefined;
      method: string;
      url: string;
      requestId?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
    this.requestId = details.requestId;
  }
}

/** Blob Storage refused or failed an operation. */
export class StorageError extends TodoSyncError {
  override readonly name = 'StorageError';
  readonly code = 'storage';
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  constructor(
    message: string,
    details: { status?: number | undefined; requestId?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.requestId = details.requestId;
  }
}

/** Another sync holds the lock. */
export class LockHeldError extends TodoSyncError {
  override readonly name = 'LockHeldError';
  readonly code = 'lock-held';
  /** The longest the lock can stay held if its holder died: it then frees itself. */
  override readonly retryAfterSeconds: number;
  constructor(lockSeconds: number) {
    // A run that was killed never finishes: say when its lock frees itself.
    super(
      `another sync is running (the sync lock is held); try again in a moment: if that run died, its lock expires by itself within ${lockSeconds} s`,
    );
    this.retryAfterSeconds = lockSeconds;
  }
}

/**
 * A run used up its time budget. Names what it was still waiting for, so the slow peer is
 * known without reading traces.
 */
export class RunTimeoutError extends TodoSyncError {
  override readonly name = 'RunTimeoutError';
  readonly code = 'timeout';
  /** What the run was waiting for when its budget ran out. */
  readonly waitingFor: readonly string[];
  constructor(message: string, waitingFor: readonly string[]) {
    super(message);
    this.waitingFor = waitingFor;
  }
}

/** Normalises anything thrown into an Error, so callers can rely on `message` and `name`. */
export function ensureError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : 'unknown error');
}
