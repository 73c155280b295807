/** The median of some samples (the mean of the middle two for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * The median of the ratios of paired samples: each pair ran back to back, under the same
 * load, so this is steadier on a busy machine than the ratio of the two medians.
 */
export function pairedRatio(measured: readonly number[], floor: readonly number[]): number {
  if (measured.length !== floor.length) throw new Error('samples are not paired');
  return median(measured.map((m, i) => m / (floor[i] ?? Number.NaN)));
}

export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

export function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}
