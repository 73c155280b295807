// The checks both bundles pass while they are built: what only some configurations use stays
// out of what a start evaluates, and MSAL is bundled once.

/** Packages that must never be evaluated at start: each serves only some configurations. */
export const LAZY_ONLY = [
  '@azure/storage-blob',
  '@azure/identity',
  '@azure/keyvault-secrets',
  'node-forge',
  // Telemetry's SDK, exporters and instrumentations load only when an exporter is configured.
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/sdk-logs',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/exporter-logs-otlp-http',
  '@azure/monitor-opentelemetry-exporter',
  '@azure/opentelemetry-instrumentation-azure-sdk',
  '@opentelemetry/instrumentation',
];

/** Lazy-only too, in the deploy package only (the CLI has no Functions host to instrument). */
export const FUNCTIONS_LAZY_ONLY = ['@azure/functions-opentelemetry-instrumentation'];

/** Packages of which the bundle must hold exactly one copy (two MSALs, two token caches). */
export const SINGLE_COPY = ['@azure/msal-node', '@azure/msal-common'];

/** A problem for each lazy-only package among `packages`, those evaluated `when`. */
export function lazyOnlyProblems(packages: readonly string[], when: string): string[] {
  return [...LAZY_ONLY, ...FUNCTIONS_LAZY_ONLY]
    .filter((name) => packages.includes(name))
    .map((name) => `${name} is evaluated ${when}: import it dynamically where it is used`);
}

/** A problem for each single-copy package bundled from more than one folder. */
export function duplicateProblems(copies: ReadonlyMap<string, readonly string[]>): string[] {
  return SINGLE_COPY.flatMap((name) => {
    const dirs = copies.get(name) ?? [];
    return dirs.length > 1 ? [`${name} is bundled ${dirs.length} times: ${dirs.join(', ')}`] : [];
  });
}

export function assertLean(problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(`The bundle is not lean:\n  - ${problems.join('\n  - ')}`);
  }
}
