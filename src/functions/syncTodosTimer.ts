import { app, type InvocationContext, type Timer } from '@azure/functions';
import { inInvocation } from '../adapters/invocationScope.js';
import { LockHeldError } from '../errors.js';
import { getProcessRuntime, type ProcessRuntime } from '../runtime/processRuntime.js';

/**
 * Scheduled sync. It returns once the run's snapshot, status and record are stored and the lock
 * released. A held lock means another instance is syncing: log and skip. Any other failure is
 * logged and rethrown so the host records a failed invocation.
 */
export function syncTodosTimerHandler(
  processRuntime: () => ProcessRuntime,
): (timer: Timer, context: InvocationContext) => Promise<void> {
  return (timer: Timer, context: InvocationContext): Promise<void> =>
    inInvocation(processRuntime, context, async ({ runtime, logger }) => {
      logger.info('timer fired', { isPastDue: timer.isPastDue });
      if (timer.isPastDue) logger.warn('timer is past due: the previous schedule was missed');
      try {
        const summary = await runtime().sync('timer');
        logger.info('timer sync done', {
          runId: summary.runId,
          count: summary.count,
          added: summary.added.length,
          removed: summary.removed.length,
          changed: summary.changed.length,
        });
      } catch (err) {
        if (err instanceof LockHeldError) {
          logger.info('skipped: another sync holds the lock');
          return;
        }
        logger.error(`timer sync failed: ${err instanceof Error ? err.message : 'unknown error'}`);
        throw err;
      }
    });
}

/** The handler the host calls: over the process's runtime. */
export const syncTodosTimer = syncTodosTimerHandler(getProcessRuntime);

app.timer('syncTodosTimer', {
  // Read from the SYNC_SCHEDULE app setting by the host; it cannot default an unset one.
  schedule: '%SYNC_SCHEDULE%',
  // runOnStartup would run on every scale-out and restart.
  runOnStartup: false,
  handler: syncTodosTimer,
});
