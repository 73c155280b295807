import type { SyncSummary, SyncTrigger } from './syncRecords.js';

/**
 * Shares the run in flight on this instance: concurrent triggers join it instead of starting
 * another (which would only find the lock held). Across instances the blob lease decides.
 */
export class SyncCoordinator {
  private inFlight: Promise<SyncSummary> | undefined;

  constructor(private readonly start: (trigger: SyncTrigger) => Promise<SyncSummary>) {}

  run(trigger: SyncTrigger): Promise<SyncSummary> {
    if (!this.inFlight) {
      this.inFlight = this.start(trigger).finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }
}
