import type { RunRecord } from './syncRecords.js';

/** Whether the stored data is recent enough: what `GET /api/health` answers. */
export type Freshness =
  | {
      readonly state: 'fresh' | 'stale';
      readonly lastSuccessAt: string;
      readonly ageMs: number;
      readonly staleAfterMs: number;
    }
  | { readonly state: 'never'; readonly staleAfterMs: number };

/**
 * Judges the last successful sync's age against the threshold. A run that failed keeps the
 * last success in its record, so a string of failures shows as a growing age, not as "never".
 */
export function assessFreshness(
  lastRun: RunRecord | undefined,
  now: Date,
  staleAfterMs: number,
): Freshness {
  const lastSuccessAt = lastRun?.lastSuccessAt;
  const at = lastSuccessAt === undefined ? Number.NaN : Date.parse(lastSuccessAt);
  if (lastSuccessAt === undefined || Number.isNaN(at)) return { state: 'never', staleAfterMs };
  const ageMs = Math.max(0, now.getTime() - at);
  return { state: ageMs <= staleAfterMs ? 'fresh' : 'stale', lastSuccessAt, ageMs, staleAfterMs };
}
