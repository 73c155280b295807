// What our bundles get instead of `require-in-the-middle` and `import-in-the-middle` (esbuild's
// `alias` in bundleForNode.ts). OpenTelemetry's InstrumentationBase imports both to hook module
// loading, and makes its require hook as soon as any instrumentation is constructed, enabled or
// not: from then on every require() of the process (the bundles' built-ins included) goes
// through it. Ours never use module hooks: a hook cannot see into a bundle, so src/telemetry
// applies each instrumentation's patch to the one module the bundle has, explicitly. Leaving
// them out saves starting them (and import-in-the-middle's worker_threads) before the functions
// register, and that cost on every later require().

/** A module hook that hooks nothing: what InstrumentationBase makes for every require(). */
export class Hook {
  constructor(modules: readonly string[] | null) {
    if (modules !== null) {
      // An instrumentation enabled through its module hooks: say why that cannot work here.
      throw new Error(
        `module hooks are left out of this bundle (scripts/package/moduleHooksLeftOut.ts): apply the instrumentation's patch to the module explicitly, as src/telemetry does (asked to hook ${modules.join(', ')})`,
      );
    }
  }

  unhook(): void {
    // Nothing was hooked.
  }
}
