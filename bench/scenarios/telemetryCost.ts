// What exporting telemetry costs: warm syncs and cold start with export on (to the local
// stack's OTLP receiver) against the same with export off, in alternating pairs of processes.
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
  // back to back.
  const warm = await alternate(plan.warmPairs, ['on', 'off'] as const, async (which) => {
    const { times } = (await runProbe('telemetryWarm', [plan.warmTodos, plan.warmSyncs], {
      env: envs[which],
      serve: bench.serve,
    })) as { times: number[] };
    return median(times);
  });
  const cold = await alternate(plan.coldPairs, ['on', 'off'] as const, async (which) => {
    const { registeredAtMs } = (await runProbe('coldStart', ['bundle'], {
      env: envs[which],
    })) as { registeredAtMs: number };
    return registeredAtMs;
  });

  const row = (metric: string, figures: { on: number[]; off: number[] }, notes: string): Row => {
    const paired = pairedRatio(figures.on, figures.off);
    return {
      metric,
      measured: `${ms(median(figures.on))} on`,
      floor: `${ms(median(figures.off))} off`,
      ratio: ratio(paired),
      target: `<= ${LIMIT.toFixed(2)}x`,
      met: paired <= LIMIT,
      notes,
    };
  };
  return [
    row(
      `Telemetry export, warm sync (${plan.warmTodos.toLocaleString('en')} todos, changed list)`,
      warm,
      `POST /api/sync through the host's hooks until the postInvocation export is done; ${plan.warmPairs} pairs of processes (on, off alternating first), each the median of ${plan.warmSyncs} syncs`,
    ),
    row(
      'Telemetry export, cold start (bundle)',
      cold,
      `process start to functions registered, the OpenTelemetry SDK loaded and started when on; medians of ${plan.coldPairs} alternating pairs`,
    ),
  ];
}
