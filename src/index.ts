// The app's entry module: package.json `main` lists it before the functions, and the deploy
// bundle's entry imports it first, so telemetry is set up before any function registers (the
// Functions OpenTelemetry instrumentation must hook @azure/functions first, or trace
// correlation breaks). Without an exporter configured this loads nothing more.
import { startFunctionsTelemetry } from './telemetry/functionsTelemetry.js';

await startFunctionsTelemetry(process.env, (message) => {
  process.stderr.write(`todo-sync: warning: ${message}\n`);
});
