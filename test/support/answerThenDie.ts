// A function host that dies the instant an invocation has answered: runs one handler (`http`
// for POST /api/sync, `timer` for the timer) over the settings in its environment, prints the
// answer, and kills itself with SIGKILL in the same turn of the event loop, so no work that
// was left running after the answer gets a chance to finish. What the answer promised must
// already be stored.
import { newInvocation, syncRequest, timerInfo } from './capture.js';

const trigger = process.argv[2];
if (trigger === 'http') {
  const { syncTodos } = await import('../../src/functions/syncTodos.js');
  const response = await syncTodos(syncRequest('POST'), newInvocation('syncTodos').context);
  process.stdout.write(
    `${JSON.stringify({ status: response.status, body: response.jsonBody as unknown })}\n`,
  );
} else if (trigger === 'timer') {
  const { syncTodosTimer } = await import('../../src/functions/syncTodosTimer.js');
  await syncTodosTimer(timerInfo(), newInvocation('syncTodosTimer').context);
  process.stdout.write('{"returned":true}\n');
} else {
  throw new Error(`usage: answerThenDie http|timer (got ${String(trigger)})`);
}
process.kill(process.pid, 'SIGKILL');
