import assert from 'node:assert/strict';
import {
  emulateFunctionsHost,
  type EmulatedHost,
  type EmulatedHostOptions,
} from '../../stack/functionsHost.js';
import { captureStderr } from './capture.js';
import { startTestStack, type LocalStack } from './stackForTests.js';
import { loadMainEntries } from './testTarget.js';

/** The app as the Functions host runs it, in this test's process, on a local stack. */
export interface HostedApp {
  readonly stack: LocalStack;
  readonly host: EmulatedHost;
  /** Every line written to stderr since the start (the app's warnings among them). */
  readonly stderr: string[];
  /** The lines of stderr that speak of telemetry. */
  telemetryLines(): string[];
  /** Loads the app's main entries as the host does (done by `startHostedApp` unless told). */
  load(): Promise<void>;
  /** Puts stderr back and stops the stack. */
  stop(): Promise<void>;
}

export interface HostedAppOptions {
  /**
   * Settings put in process.env beside the stack's, before the app loads: the OTLP receiver's
   * unless given (e.g. Application Insights', or more OTEL_* settings with the receiver's).
   */
  readonly settings?: (
    stack: LocalStack,
  ) => Record<string, string> | Promise<Record<string, string>>;
  readonly host?: EmulatedHostOptions;
  /** Where the main entries are loaded from: the test target's unless given. */
  readonly root?: string;
  /** false: the test calls `load` itself (e.g. to hold a module first). Default true. */
  readonly load?: boolean;
}

/**
 * Asserts what the app registers with telemetry on: its three functions, the telemetry hooks
 * (preInvocation, postInvocation, log), and the host told that the worker sends its own logs.
 */
export async function assertTelemetrySetUp(host: EmulatedHost): Promise<void> {
  assert.deepEqual([...host.functions.keys()].sort(), ['health', 'syncTodos', 'syncTodosTimer']);
  assert.deepEqual([...new Set(host.hookNames)].sort(), ['log', 'postInvocation', 'preInvocation']);
  assert.equal((await host.capabilities()).WorkerOpenTelemetryEnabled, 'true');
}

/**
 * Starts a local stack, puts its settings in process.env, captures stderr, installs the
 * stand-in host (stack/functionsHost.ts) and loads the app's main entries (the entry module,
 * then the functions) as the host does.
 */
export async function startHostedApp(options: HostedAppOptions = {}): Promise<HostedApp> {
  const stack = await startTestStack();
  const settings = options.settings ? await options.settings(stack) : stack.otlp.settings;
  Object.assign(process.env, stack.settings, settings);
  const stderr: string[] = [];
  const restoreStderr = captureStderr(stderr);
  const host = emulateFunctionsHost(options.host);
  const app: HostedApp = {
    stack,
    host,
    stderr,
    telemetryLines: () => stderr.filter((line) => line.includes('telemetry')),
    load: async () => {
      await loadMainEntries(options.root);
    },
    stop: async () => {
      restoreStderr();
      await stack.stop();
    },
  };
  if (options.load ?? true) await app.load();
  return app;
}
