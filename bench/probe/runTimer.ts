// A timer run through the registered timer function, as the host would call it.
import { randomUUID } from 'node:crypto';
import type { LoadedTarget } from './loadTarget.js';

/**
 * Runs the timer function with a plain context object that has the log methods the handlers
 * use, so that nothing but the target is loaded. Returns the run's log lines.
 */
export async function runTimer(target: LoadedTarget): Promise<string[]> {
  const lines: string[] = [];
  const log = (level: string) => (message: unknown) => lines.push(`${level}: ${String(message)}`);
  const context = {
    invocationId: randomUUID(),
    functionName: 'syncTodosTimer',
    log: log('information'),
    trace: log('trace'),
    debug: log('debug'),
    info: log('information'),
    warn: log('warning'),
    error: log('error'),
  };
  const timer = { isPastDue: false, schedule: { adjustForDST: true } };
  const handler = target.handlers.get('syncTodosTimer');
  if (!handler) throw new Error('syncTodosTimer is not registered');
  await handler(timer, context);
  if (!lines.some((l) => l.includes('timer sync done'))) {
    throw new Error(`the timer run did not sync:\n${lines.join('\n')}`);
  }
  return lines;
}
