// What exporting telemetry costs: warm syncs and cold start with export on (to the local
// stack's OTLP receiver) against the same with export off, in alternating pairs of processes.
import { readFile } from 'node:fs/promises';
import type { Metafile } from 'esbuild';
import { outputOf, staticClosure } from '../../scripts/package/inspectBundle.js';
import { packagePaths } from '../../scripts/package/paths.js';
import type { BenchContext } from '../parent/benchContext.js';
import { alternate } from '../parent/bothTargets.js';
import { runProbe } from '../parent/runProbe.js';
import type { Row } from '../report/row.js';
import { median, ms, pairedRatio, ratio } from '../stats.js';

export interface TelemetryPlan {
  /** Pairs of warm processes (one with export on, one off), alternating which goes first. */
  readonly warmPairs: number;
  readonly warmSyncs: number;
  readonly warmTodos: number;
  readonly coldPairs: number;
}

const LIMIT = 1.05;

export async function telemetryCost(bench: BenchContext, plan: TelemetryPlan): Promise<Row[]> {
  const off = { ...bench.env, SYNC_CONTAINER: 'bench-telemetry' };
  const on = { ...off, ...bench.otlpSettings };
  const envs = { on, off };

  // Each warm process reports the median of its syncs; a pair is an on and an off process run
  // back to back. With export on, the app's postInvocation hooks (the export) are timed too,
  // and the floor of any export made before an invocation returns.
  const exportTimes: number[] = [];
  const floors: number[] = [];
  const firstSync = { on: [] as number[], off: [] as number[] };
  const warm = await alternate(plan.warmPairs, ['on', 'off'] as const, async (which) => {
    const result = (await runProbe('telemetryWarm', [plan.warmTodos, plan.warmSyncs], {
      env: envs[which],
      serve: bench.serve,
    })) as { times: number[]; hookTimes: number[]; firstSyncAtMs: number; floorMs?: number };
    firstSync[which].push(result.firstSyncAtMs);
    if (which === 'on') {
      exportTimes.push(median(result.hookTimes));
      if (result.floorMs !== undefined) floors.push(result.floorMs);
    }
    return median(result.times);
  });
  const offWarm = median(warm.off);
  const floor = median(floors);
  const cold = await alternate(plan.coldPairs, ['on', 'off'] as const, async (which) => {
    const { registeredAtMs } = (await runProbe('coldStart', ['bundle'], {
      env: envs[which],
    })) as { registeredAtMs: number };
    return registeredAtMs;
  });

  const code = await telemetryCode();
  const row = (
    metric: string,
    figures: { on: number[]; off: number[] },
    notes: string,
    /** null: a figure to read, with no target. */
    limit: number | null = LIMIT,
  ): Row => {
    const paired = pairedRatio(figures.on, figures.off);
    return {
      metric,
      measured: `${ms(median(figures.on))} on`,
      floor: `${ms(median(figures.off))} off`,
      ratio: ratio(paired),
      target: limit === null ? '' : `<= ${limit.toFixed(2)}x`,
      met: limit === null ? undefined : paired <= limit,
      notes,
    };
  };
  return [
    row(
      `Telemetry export, warm sync (${plan.warmTodos.toLocaleString('en')} todos, changed list)`,
      warm,
      `POST /api/sync through the host's hooks until the postInvocation export is done; ${plan.warmPairs} pairs of processes (on, off alternating first), each the median of ${plan.warmSyncs} syncs; the export itself (spans, metrics and logs, three OTLP POSTs in parallel) took ${ms(median(exportTimes))} of each sync with export on; the floor of exporting before the invocation returns, three empty POSTs in parallel to the same receiver, is ${ms(floor)} (${((floor / offWarm) * 100).toFixed(1)}% of a sync with export off)`,
    ),
    row(
      'Telemetry export, cold start (bundle)',
      cold,
      `process start to functions registered; medians of ${plan.coldPairs} alternating pairs; on loads ${kb(code.telemetryBytes)} more code (SDK, OTLP exporters, instrumentations) beside the app's ${kb(code.appBytes)}, of which the SDK and exporters (${kb(code.sdkBytes)}) after the functions are registered, while the host starts their listeners: the first invocation waits for them (next row)`,
    ),
    row(
      'Telemetry export, new process to first sync done (bundle)',
      firstSync,
      `process start to the first POST /api/sync done, invoked as soon as the functions are registered (the worst case: on Azure the host's own start, reading the functions and starting their listeners, comes in between and overlaps the SDK's load), token from the IdP, export included when on; the same ${plan.warmPairs} pairs of processes as the warm row`,
      null,
    ),
  ];
}

const kb = (bytes: number): string => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;

/**
 * What a start evaluates in the deploy package: the app (its entry's static imports) and, with
 * export on, the telemetry chunks besides: the Functions instrumentation, before the functions
 * register, and the SDK with its exporters (`sdkBytes`), after. From the metafile of the
 * package the bench has just built.
 */
async function telemetryCode(): Promise<{
  appBytes: number;
  telemetryBytes: number;
  sdkBytes: number;
}> {
  const metafile = JSON.parse(await readFile(packagePaths().metafile, 'utf8')) as Metafile;
  const outputs = Object.keys(metafile.outputs);
  const entry = outputs.find((file) => file.endsWith('/app/index.js'));
  const sdk = outputOf(metafile, 'src/telemetry/telemetrySdk.ts');
  const functionsInstrumentation = outputs.find(
    (file) =>
      metafile.outputs[file]?.entryPoint?.includes(
        '@azure/functions-opentelemetry-instrumentation/',
      ) ?? false,
  );
  if (!entry || !sdk || !functionsInstrumentation) {
    throw new Error('the deploy package has no entry or no telemetry chunks to measure');
  }
  const app = staticClosure(metafile, entry);
  const beyondApp = (file: string): string[] =>
    staticClosure(metafile, file).files.filter((f) => !app.files.includes(f));
  const atStart = new Set(beyondApp(functionsInstrumentation));
  const afterRegistration = new Set(beyondApp(sdk).filter((f) => !atStart.has(f)));
  const bytes = (files: Set<string>): number =>
    [...files].reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
  return {
    appBytes: app.bytes,
    telemetryBytes: bytes(atStart) + bytes(afterRegistration),
    sdkBytes: bytes(afterRegistration),
  };
}
