import type { SyncRun, SyncSummary, SyncTrigger } from './syncRecords.js';

/**
 * Shares the run in flight on this instance: concurrent triggers join it instead of starting
 * another (which would only find the lock held). Across instances the blob lease decides.
 * A run starts only once the previous one has settled (history written, lock released).
 */
export class SyncCoordinator {
  private inFlight: Promise<SyncSummary> | undefined;
  private settled: Promise<void> = Promise.resolve();

  constructor(private readonly start: (trigger: SyncTrigger) => Promise<SyncRun>) {}

  run(trigger: SyncTrigger): Promise<SyncSummary> {
    if (!this.inFlight) {
      const running = this.settled.then(() => this.start(trigger));
      this.settled = running.then(
        (run) => run.settled,
        () => undefined,
      );
      this.inFlight = running
        .then((run) => run.summary)
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  /** Resolves once the runs started so far have settled. Never rejects. */
  idle(): Promise<void> {
    return this.settled;
  }
}
