// The product half of `npm run demo`, in its own process so that it starts after the local CA
// exists and trusts it through NODE_EXTRA_CA_CERTS, as a deployed app trusts real CAs. It calls
// the real function handlers, as the Functions host would, and prints what they returned.
import { randomUUID } from 'node:crypto';
import functions from '@azure/functions';
import { syncTodos } from '../src/functions/syncTodos.js';
import { syncTodosTimer } from '../src/functions/syncTodosTimer.js';

function invocation(functionName: string): {
  context: InstanceType<typeof functions.InvocationContext>;
  log: string[];
} {
  const log: string[] = [];
  const context = new functions.InvocationContext({
    invocationId: randomUUID(),
    functionName,
    logHandler: (level, ...args) => log.push(`[${level}] ${args.map(String).join(' ')}`),
  });
  return { context, log };
}

const http = invocation('syncTodos');
const response = await syncTodos(
  new functions.HttpRequest({ method: 'POST', url: 'http://localhost:7071/api/sync' }),
  http.context,
);
const timer = invocation('syncTodosTimer');
const now = new Date().toISOString();
let timerError: string | undefined;
try {
  await syncTodosTimer(
    {
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: { last: now, next: now, lastUpdated: now },
    },
    timer.context,
  );
} catch (err) {
  timerError = err instanceof Error ? err.message : 'unknown error';
}

process.stdout.write(
  JSON.stringify({
    http: {
      status: response.status,
      body: (response.jsonBody ?? response.body) as unknown,
      log: http.log,
    },
    timer: { error: timerError, log: timer.log },
  }),
);
