import { app, type InvocationContext, type Timer } from '@azure/functions';
import { invocationLogger } from '../adapters/invocationLogger.js';
import { LockHeldError } from '../errors.js';
import { withLogger } from '../logging/logContext.js';
import { getProcessRuntime } from '../runtime/processRuntime.js';

/**
 * Scheduled sync. A held lock means another instance is syncing: log and skip. Any other
 * failure is logged and rethrown so the host records a failed invocation.
 */
export async function syncTodosTimer(timer: Timer, context: InvocationContext): Promise<void> {
  const logger = invocationLogger(context);
  logger.info('timer fired', { isPastDue: timer.isPastDue });
  if (timer.isPastDue) logger.warn('timer is past due: the previous schedule was missed');
  await withLogger(logger, async () => {
    try {
      const runtime = getProcessRuntime();
      const summary = await runtime.sync('timer');
      // Nobody waits on a timer's answer: finish the run's housekeeping inside the invocation.
      await runtime.settled();
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

app.timer('syncTodosTimer', {
  // Read from the SYNC_SCHEDULE app setting by the host; it cannot default an unset one.
  schedule: '%SYNC_SCHEDULE%',
  // runOnStartup would run on every scale-out and restart.
  runOnStartup: false,
  handler: syncTodosTimer,
});
