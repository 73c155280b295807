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
  // back to back. With export on, the app's postInvocation hooks (the export) are timed too.
  // The off processes' floor syncs (whose last hook sends one or three empty POSTs) time the
  // floor of any export made before an invocation returns, against their own plain syncs.
  const exportTimes: number[] = [];
  const cpu = { on: [] as number[], off: [] as number[] };
  const floor = { one: [] as number[], three: [] as number[], plain: [] as number[] };
  const firstSync = { on: [] as number[], off: [] as number[] };
  const warm = await alternate(plan.warmPairs, ['on', 'off'] as const, async (which) => {
    // Both send the floor's empty POSTs between their timed syncs, so that the on and off
    // syncs compared have the same history (more syncs and POSTs in a process speed it up).
    const env = {
      ...envs[which],
      BENCH_EXPORT_FLOOR_ENDPOINT: bench.otlpSettings.OTEL_EXPORTER_OTLP_ENDPOINT,
    };
    const result = (await runProbe('telemetryWarm', [plan.warmTodos, plan.warmSyncs], {
      env,
      serve: bench.serve,
    })) as {
      times: number[];
      cpuTimes: number[];
      hookTimes: number[];
      firstSyncAtMs: number;
      floorTimes?: { one: number[]; three: number[] };
    };
    firstSync[which].push(result.firstSyncAtMs);
    cpu[which].push(median(result.cpuTimes));
    if (which === 'on') exportTimes.push(median(result.hookTimes));
    if (which === 'off' && result.floorTimes) {
      floor.one.push(median(result.floorTimes.one));
      floor.three.push(median(result.floorTimes.three));
      floor.plain.push(median(result.times));
    }
    return median(result.times);
  });
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
    labels = { on: 'on', off: 'off' },
  ): Row => {
    const paired = pairedRatio(figures.on, figures.off);
    return {
      metric,
      measured: `${ms(median(figures.on))} ${labels.on}`,
      floor: `${ms(median(figures.off))} ${labels.off}`,
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
      `POST /api/sync through the host's hooks until the postInvocation export is done; ${plan.warmPairs} pairs of processes (on, off alternating first), each the median of ${plan.warmSyncs} syncs; the export itself (spans, metrics and logs, three OTLP POSTs in parallel) took ${ms(median(exportTimes))} of each sync with export on; CPU time per sync (the app's own work, steadier than wall time on a busy machine) ${ms(median(cpu.on))} on vs ${ms(median(cpu.off))} off (${ratio(pairedRatio(cpu.on, cpu.off))}); the least any export before return costs is the next row`,
    ),
    row(
      'Floor of exporting before return: 3 empty OTLP POSTs, warm sync',
      { on: floor.three, off: floor.plain },
      `the off processes of the row above, with telemetry off: between their timed syncs, as many again whose last postInvocation hook sends three empty POSTs in parallel (one per signal, OTLP's three paths) to the same receiver, and as many that send one (${ratio(pairedRatio(floor.one, floor.plain))}: the least for any export that holds the run's span); each against the same process's plain syncs; no telemetry can cost less and export before the invocation returns`,
      null,
      { on: 'with POSTs', off: 'without' },
    ),
    row(
      'Telemetry export, cold start (bundle)',
      cold,
      `process start to functions registered; medians of ${plan.coldPairs} alternating pairs; on loads ${kb(code.telemetryBytes)} more code (SDK, OTLP exporters, instrumentations) beside the app's ${kb(code.appBytes)}, all of it after the functions are registered, while the host starts their listeners: the first invocation waits for it (last row)`,
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
 * export on, the telemetry chunks besides (the SDK with its exporters, and the Functions
 * instrumentation), which load after the functions are registered. From the metafile of the
 * package the bench has just built.
 */
async function telemetryCode(): Promise<{ appBytes: number; telemetryBytes: number }> {
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
  const telemetry = new Set(
    [sdk, functionsInstrumentation].flatMap((file) =>
      staticClosure(metafile, file).files.filter((f) => !app.files.includes(f)),
    ),
  );
  const bytes = [...telemetry].reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
  return { appBytes: app.bytes, telemetryBytes: bytes };
}
