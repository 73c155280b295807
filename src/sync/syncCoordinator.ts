import type { SyncRun, SyncSummary, SyncTrigger } from './syncRecords.js';

/**
 * Shares the run in flight on this instance: concurrent triggers join it instead of starting
 * another (which would only find the lock held). Across instances the blob lease decides.
 * A run starts only once the previous one has settled (status and run record written, lock
 * released).
 */
export class SyncCoordinator {
  private inFlight: Promise<SyncSummary> | undefined;
  /** The settling of the last run started: the next run starts after it. */
  private previous: Promise<void> = Promise.resolve();
  /** The bookkeeping of the last run that answered. */
  private bookkeeping: Promise<void> = Promise.resolve();

  constructor(private readonly start: (trigger: SyncTrigger) => Promise<SyncRun>) {}

  run(trigger: SyncTrigger): Promise<SyncSummary> {
    if (!this.inFlight) {
      const running = this.previous.then(() => this.start(trigger));
      this.previous = running.then(
        (run) => run.settled,
        () => undefined,
      );
      this.inFlight = running
        .then((run) => {
          this.bookkeeping = run.settled;
          return run.summary;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  /**
   * Resolves once the runs that have answered have settled (status and run record written,
   * lock released), without waiting for one still in flight. Never rejects.
   */
  settled(): Promise<void> {
    return this.bookkeeping;
  }
}
