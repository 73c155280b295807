import { untilAborted } from '../core/boundedSignal.js';
import { RunTimeoutError } from '../errors.js';

/**
 * A run's time budget. Every call the run makes gets `signal`; each wait is labelled with what it
 * waits for, so when the budget runs out the error names the peer that held the run up (and for
 * how long), not just "aborted".
 */
export class RunDeadline {
  private readonly controller = new AbortController();
  /** Aborted when the budget runs out (not on cancel): what every wait gives up on. */
  private readonly budget = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** Labels of the waits in progress, with when each began. */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly budgetMs: number,
    private readonly settingName: string,
  ) {
    this.timer = setTimeout(() => {
      const error = this.timeoutError();
      this.budget.abort(error);
      this.controller.abort(error);
    }, budgetMs);
  }

  /** Aborts when the budget runs out or the run is cancelled. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error the run ends with when its budget ran out; undefined otherwise. */
  get expired(): RunTimeoutError | undefined {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof RunTimeoutError ? reason : undefined;
  }

  /**
   * Awaits `work`, labelled `what` while it is pending. Gives up when the budget runs out even if
   * the work ignores the run's signal (an SDK that drops it): the budget is a promise to the
   * caller, kept whatever a dependency does.
   */
  async wait<T>(what: string, work: Promise<T>): Promise<T> {
    // The same label twice (never at once in a run) keeps the earlier start.
    if (!this.waiting.has(what)) this.waiting.set(what, performance.now());
    try {
      return await untilAborted(work, this.budget.signal);
    } finally {
      this.waiting.delete(what);
    }
  }

  /** Aborts the calls still in flight (one has failed, the run is over); not a timeout. */
  cancel(): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(new Error('cancelled: another call of the run failed'));
    }
  }

  /** Stops the budget's timer; call it once the run has ended, whatever the outcome. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  private timeoutError(): RunTimeoutError {
    const now = performance.now();
    const pending = [...this.waiting].map(
      ([what, since]) => `${what} (for ${((now - since) / 1000).toFixed(1)} s)`,
    );
    const budget = `${(this.budgetMs / 1000).toString()} s`;
    return new RunTimeoutError(
      pending.length > 0
        ? `The sync ran out of its ${budget} budget (${this.settingName}) while waiting for ${pending.join(' and ')}.`
        : `The sync ran out of its ${budget} budget (${this.settingName}).`,
      [...this.waiting.keys()],
    );
  }
}
