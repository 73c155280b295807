// The product half of `npm run demo`, in its own process so that it starts after the local CA
// exists and trusts it through NODE_EXTRA_CA_CERTS, as a deployed app trusts real CAs. It loads
// the app as the Functions host does (the entry module, then the functions), invokes the real
// handlers through the host's hooks, and prints what they returned and the trace each ran in.
import { emulateFunctionsHost } from './functionsHost.js';

const host = emulateFunctionsHost();
// package.json `main`, in its order: telemetry first (it exports to the stack's OTLP receiver
// when the demo passes its settings), then the functions.
await import('../src/index.js');
await import('../src/functions/syncTodos.js');
await import('../src/functions/syncTodosTimer.js');
const { default: functions } = await import('@azure/functions');

const httpLog: string[] = [];
const http = await host.invoke(
  'syncTodos',
  new functions.HttpRequest({ method: 'POST', url: 'http://localhost:7071/api/sync' }),
  httpLog,
);
const response = (http.result ?? {}) as { status?: number; jsonBody?: unknown; body?: unknown };
const timerLog: string[] = [];
const now = new Date().toISOString();
const timer = await host.invoke(
  'syncTodosTimer',
  {
    isPastDue: false,
    schedule: { adjustForDST: true },
    scheduleStatus: { last: now, next: now, lastUpdated: now },
  },
  timerLog,
);
const timerError =
  timer.error === undefined
    ? undefined
    : timer.error instanceof Error
      ? timer.error.message
      : 'unknown error';

process.stdout.write(
  JSON.stringify({
    http: {
      status: response.status,
      body: response.jsonBody ?? response.body,
      log: httpLog,
      traceparent: http.traceparent,
    },
    timer: { error: timerError, log: timerLog, traceparent: timer.traceparent },
  }),
);
