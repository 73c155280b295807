import { build, type Metafile } from 'esbuild';
import { join } from 'node:path';

/**
 * An ESM bundle has no `require`; esbuild turns the `require()` calls of bundled CommonJS
 * packages (and of externals) into calls to the `require` in scope, so give every output file
 * a real one. Node's `require` goes through Module.prototype.require, where the Functions
 * host's worker serves @azure/functions-core.
 */
const REQUIRE_BANNER = [
  "import { createRequire as __todoSyncCreateRequire } from 'node:module';",
  'const require = __todoSyncCreateRequire(import.meta.url);',
].join('\n');

const MODULE_HOOKS_LEFT_OUT = './scripts/package/moduleHooksLeftOut.ts';

export interface NodeBundle {
  /** Output name (no .js) to source file, relative to the repository root or absolute. */
  readonly entryPoints: Readonly<Record<string, string>>;
  readonly outDir: string;
  /** Left to `import`/`require` at run time (besides Node's built-ins). */
  readonly external?: readonly string[];
}

/**
 * Bundles TypeScript sources for Node, the way both of our bundles (the deploy package and the
 * CLI) are built: ESM with code splitting, so each dynamic `import()` in the code (storage, the
 * identity and Key Vault SDKs, node-forge; in the CLI also the config and the runtime) becomes a
 * chunk in `chunks/` that is loaded, and evaluated, only when a run needs it. Without splitting
 * esbuild would inline them and every start would pay for all of them. Returns esbuild's
 * metafile (what went into each output file).
 */
export async function bundleForNode(repoRoot: string, bundle: NodeBundle): Promise<Metafile> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { ...bundle.entryPoints },
    outdir: bundle.outDir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // A package without an `exports` map is taken from its ES module build (`module`) when it
    // has one. OpenTelemetry's packages are such: esbuild's node default (`main`, CommonJS)
    // cannot be tree-shaken, and starting telemetry cost 55 ms instead of 20 (semantic
    // conventions alone were 82 KB, of which the SDK uses 2).
    mainFields: ['module', 'main'],
    // Our Node 20 and Azure's Node 22 both run node20 output unchanged.
    target: 'node20',
    tsconfig: join(repoRoot, 'tsconfig.json'),
    external: [...(bundle.external ?? [])],
    // The instrumentations' module hooks, which our bundles never use (why: in that file).
    alias: {
      'require-in-the-middle': MODULE_HOOKS_LEFT_OUT,
      'import-in-the-middle': MODULE_HOOKS_LEFT_OUT,
    },
    banner: { js: REQUIRE_BANNER },
    // Smaller files parse faster at start; keepNames keeps class and function names (error
    // names, stack frames) as they are in the source.
    minify: true,
    keepNames: true,
    // Linked .map files without the sources: mapping a stack trace needs only the mappings.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  if (result.errors.length > 0) throw new Error('esbuild failed (its messages are above)');
  return result.metafile;
}
