import type { Todo, TodoId } from '../api/todo.js';

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

/** The last good list, as stored. */
export interface Snapshot {
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly syncedAt: string;
  readonly count: number;
  readonly todos: readonly Todo[];
}

/** One record per run, success or failure; the latest is also kept as the last run's status. */
export type RunRecord =
  | (SyncSummary & { readonly schemaVersion: 1; readonly status: 'succeeded' })
  | {
      readonly schemaVersion: 1;
      readonly status: 'failed';
      readonly runId: string;
      readonly trigger: SyncTrigger;
      readonly startedAt: string;
      readonly finishedAt: string;
      readonly durationMs: number;
      readonly error: { readonly code: string; readonly message: string };
    };
