import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import functions, { type LogHookHandler, type PreInvocationHandler } from '@azure/functions';
import { logs } from '@opentelemetry/api-logs';
import { emulateFunctionsHost, type EmulatedHost } from '../../stack/functionsHost.js';
import {
  applyFunctionsInstrumentation,
  InstrumentationHooks,
} from '../../src/telemetry/lateFunctionsInstrumentation.js';

/**
 * How the Functions instrumentation is applied after the app has started: its patch meets an
 * @azure/functions whose setup is done and whose hooks are the ones registered at start. The
 * integration tests apply the real instrumentation; here a stand-in patch does what a future
 * version might (other setup, hooks of its own), to check what our side promises.
 */
type Patch = (azFunc: typeof functions) => void;

/** A stand-in for AzureFunctionsInstrumentation whose patch is `patch`. */
function instrumentationClass(patch: Patch) {
  return class {
    setLoggerProvider(): void {
      // The logger is the real instrumentation's business.
    }
    getModuleDefinitions() {
      return [{ patch }];
    }
  } as unknown as Parameters<typeof applyFunctionsInstrumentation>[0];
}

let host: EmulatedHost;
let hooks: InstrumentationHooks;

describe('applying the Functions instrumentation after the app has started', () => {
  before(async () => {
    host = emulateFunctionsHost();
    hooks = new InstrumentationHooks();
    hooks.holdWorkerLogs();
    functions.app.http('probe', { handler: () => ({ status: 204 }) });
    // What the worker does once the app has loaded: setup is locked from then on.
    assert.equal((await host.capabilities()).WorkerOpenTelemetryEnabled, 'true');
  });

  it('refuses, naming them, setup options other than the ones set at start', () => {
    const asksMore = instrumentationClass((azFunc) => {
      azFunc.app.setup({ enableHttpStream: true });
    });
    assert.throws(
      () => {
        applyFunctionsInstrumentation(asksMore, hooks, logs.getLoggerProvider(), () => undefined);
      },
      {
        message:
          'it asks for app.setup({"enableHttpStream":true}), which only works before the app has started',
      },
    );
  });

  it('hands the lines kept to its log hook in order, then the new ones; runs its preInvocation hook', async () => {
    host.workerLog('information', 'first');
    host.workerLog('warning', 'second');
    const seen: string[] = [];
    let bound = 0;
    let logHandler: LogHookHandler | undefined;
    const registers = instrumentationClass((azFunc) => {
      azFunc.app.setup({ capabilities: { WorkerOpenTelemetryEnabled: true } });
      logHandler = (context) => seen.push(`${context.level}: ${context.message}`);
      azFunc.app.hook.log(logHandler);
      const preInvocation: PreInvocationHandler = () => {
        bound++;
      };
      azFunc.app.hook.preInvocation(preInvocation);
    });
    const warnings: string[] = [];
    applyFunctionsInstrumentation(registers, hooks, logs.getLoggerProvider(), (m) =>
      warnings.push(m),
    );
    assert.deepEqual(seen, ['information: first', 'warning: second']);
    host.workerLog('information', 'third');
    assert.deepEqual(seen, ['information: first', 'warning: second', 'information: third']);
    assert.deepEqual(warnings, [], 'nothing was dropped');

    await host.invoke('probe', new functions.HttpRequest({ method: 'GET', url: 'http://x/' }), []);
    assert.equal(bound, 1, 'its preInvocation hook ran, in the slot registered at start');
  });
});
