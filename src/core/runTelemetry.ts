import type { SyncTrigger } from './syncRecords.js';

/** The instrumentation scope of every span and metric the app makes itself. */
export const TELEMETRY_SCOPE = 'todo-sync';

/** How a run ended, as a low-cardinality metric attribute. */
export type RunOutcome = 'succeeded' | 'failed' | 'lock-held';

/** A finished run, as the metrics see it: counts and kinds, never ids or values. */
export interface FinishedRun {
  readonly trigger: SyncTrigger;
  readonly outcome: RunOutcome;
  readonly durationMs: number;
  /** Todos in the list the run read (successful runs only). */
  readonly count?: number;
  readonly added?: number;
  readonly removed?: number;
  readonly changed?: number;
  /** When the run finished, if it succeeded: the new last success. */
  readonly succeededAt?: Date;
}

/** Where the sync reports its finished runs (metrics); a no-op when telemetry is off. */
export interface RunMetrics {
  runFinished(run: FinishedRun): void;
}

export const NO_RUN_METRICS: RunMetrics = { runFinished: () => undefined };
