// The bundle and the tsc output measured the same number of times, in new processes each.
import type { Target } from '../protocol.js';

/**
 * Runs `measure` for both targets `rounds` times, alternating which goes first so that
 * neither always follows the other, and `afterRound` (if any) after each round; returns each
 * target's figures in order.
 */
export async function measureBothTargets(
  rounds: number,
  measure: (target: Target) => Promise<number>,
  afterRound?: () => Promise<void>,
): Promise<Record<Target, number[]>> {
  const figures: Record<Target, number[]> = { bundle: [], source: [] };
  for (let i = 0; i < rounds; i++) {
    const order: Target[] = i % 2 === 0 ? ['bundle', 'source'] : ['source', 'bundle'];
    for (const target of order) figures[target].push(await measure(target));
    await afterRound?.();
  }
  return figures;
}
