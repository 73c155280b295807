// The bundle's single entry: every function module, so their shared code is evaluated once
// and the host loads one file. Re-exporting the handlers lets tests call the bundled ones.
// src/index.ts comes first: it sets telemetry up before any function registers (ES modules
// evaluate imports in order; the OpenTelemetry SDK and the Functions instrumentation load after,
// see startFunctionsTelemetry).
import '../../src/index.js';
export { syncTodos } from '../../src/functions/syncTodos.js';
export { syncTodosTimer } from '../../src/functions/syncTodosTimer.js';
export { health } from '../../src/functions/health.js';
