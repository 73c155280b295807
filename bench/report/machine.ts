import { availableParallelism, cpus, release, type } from 'node:os';

/** The machine a bench ran on, for the results' heading. */
export function describeMachine(date = new Date()): string[] {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- Machine: ${model}, ${availableParallelism()} cores, ${type()} ${release()}`,
    `- Node.js: ${process.version}`,
    `- Date: ${date.toISOString()}`,
  ];
}
