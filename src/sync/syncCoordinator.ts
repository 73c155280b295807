import type { SyncSummary, SyncTrigger } from '../core/syncRecords.js';
import type { SyncOutcome, SyncRequest } from './runSync.js';

/**
 * Shares the run in flight on this instance: concurrent triggers join it instead of starting
 * another (which would only find the lock held). Across instances the blob lease decides.
 * Remembers the snapshot version the last run ended with, for the next run's early GET.
 */
export class SyncCoordinator {
  private inFlight: Promise<SyncSummary> | undefined;
  private knownSnapshotVersion: string | undefined;

  constructor(private readonly start: (request: SyncRequest) => Promise<SyncOutcome>) {}

  run(trigger: SyncTrigger): Promise<SyncSummary> {
    this.inFlight ??= this.start({ trigger, knownSnapshotVersion: this.knownSnapshotVersion })
      .then((outcome) => {
        this.knownSnapshotVersion = outcome.snapshotVersion;
        return outcome.summary;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
