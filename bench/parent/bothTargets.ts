// Two things measured the same number of times, in new processes each, in alternating order.
import type { Target } from '../protocol.js';

/**
 * Runs `measure` for both of `pair` `rounds` times, alternating which goes first so that
 * neither always follows the other, and `afterRound` (if any) after each round; returns each
 * one's figures in order (the i-th of each make a pair).
 */
export async function alternate<K extends string, T>(
  rounds: number,
  pair: readonly [K, K],
  measure: (which: K) => Promise<T>,
  afterRound?: () => Promise<void>,
): Promise<Record<K, T[]>> {
  const [a, b] = pair;
  const figures = { [a]: [], [b]: [] } as unknown as Record<K, T[]>;
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 === 0 ? [a, b] : [b, a]) figures[which].push(await measure(which));
    await afterRound?.();
  }
  return figures;
}

/** The bundle and the tsc output, alternated as above. */
export function measureBothTargets(
  rounds: number,
  measure: (target: Target) => Promise<number>,
  afterRound?: () => Promise<void>,
): Promise<Record<Target, number[]>> {
  return alternate(rounds, ['bundle', 'source'], measure, afterRound);
}
