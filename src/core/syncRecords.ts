import type { Todo, TodoId } from './todo.js';

export type SyncTrigger = 'timer' | 'http' | 'cli';

/** What a successful run returns to its trigger. Ids keep the API's JSON type. */
export interface SyncSummary {
  readonly runId: string;
  readonly trigger: SyncTrigger;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly count: number;
  readonly added: readonly TodoId[];
  readonly removed: readonly TodoId[];
  readonly changed: readonly TodoId[];
}

/**
 * The last good list. The blob holds the API's body byte for byte; this is what a run compares
 * against: its todos, and the body's digest, which lets an unchanged list skip the parse.
 */
export interface Snapshot {
  readonly runId: string;
  readonly syncedAt: string;
  readonly count: number;
  /** SHA-256 (base64) of the stored body; see bodyDigest. */
  readonly digest: string;
  readonly todos: readonly Todo[];
}

/**
 * One record per run, success or failure; the latest is also kept as the last run's status.
 * `lastSuccessAt` is when the last successful run finished: this run's end for a success, the
 * previous status's for a failure (absent before the first success, or when it could not be
 * read). Records written before it existed lack it.
 */
export type RunRecord =
  | (SyncSummary & {
      readonly schemaVersion: 1;
      readonly status: 'succeeded';
      readonly lastSuccessAt?: string;
    })
  | {
      readonly schemaVersion: 1;
      readonly status: 'failed';
      readonly lastSuccessAt?: string;
      readonly runId: string;
      readonly trigger: SyncTrigger;
      readonly startedAt: string;
      readonly finishedAt: string;
      readonly durationMs: number;
      readonly error: { readonly code: string; readonly message: string };
    };
