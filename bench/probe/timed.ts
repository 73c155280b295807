/** Milliseconds `run` takes, by the process's monotonic clock. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}
