// The app's entry module: package.json `main` lists it before the functions, and the deploy
// bundle's entry imports it first, so telemetry is set up before any function registers (its
// hooks must come first, and the worker's telemetry capability must be set before the app has
// loaded, or trace correlation and worker logs break). The OpenTelemetry SDK and the Functions
// instrumentation load after this module has finished, and each invocation waits for them (see
// startFunctionsTelemetry). Without an exporter configured this loads nothing more.
import { secretSettingValues } from './config/loadConfig.js';
import { Redactor } from './logging/redact.js';
import { startFunctionsTelemetry } from './telemetry/functionsTelemetry.js';

// What telemetry says goes to stderr (the host's log), scrubbed like every other output: an
// exporter's message or a diagnostic may quote a collector's headers or a URL's credentials.
const redactor = new Redactor(secretSettingValues(process.env));
startFunctionsTelemetry(process.env, {
  warn: (message) => {
    process.stderr.write(`todo-sync: warning: ${redactor.redact(message)}\n`);
  },
  diagnostic: (line) => {
    process.stderr.write(`todo-sync: ${redactor.redact(line)}\n`);
  },
});
