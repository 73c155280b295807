import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { DEPLOY_MAIN } from './paths.js';

/**
 * Provided by the Functions host at run time, never installed: `@azure/functions` asks for it
 * with `require()` inside a try/catch and, when that fails, silently registers nothing.
 */
export const HOST_PROVIDED = ['@azure/functions-core'];

/**
 * An ESM bundle has no `require`; esbuild turns the `require()` calls of bundled CommonJS
 * packages (and of the external above) into calls to the `require` in scope, so give every
 * output file a real one. Node's `require` goes through Module.prototype.require, where the
 * host's worker serves @azure/functions-core.
 */
const REQUIRE_BANNER = [
  "import { createRequire as __todoSyncCreateRequire } from 'node:module';",
  'const require = __todoSyncCreateRequire(import.meta.url);',
].join('\n');

/**
 * Bundles both functions from the TypeScript sources into `outDir`: index.js plus chunks/.
 * ESM with code splitting, so each dynamic import (storage, identity, Key Vault, node-forge)
 * becomes a chunk that is loaded, and evaluated, only when a run needs it; without splitting
 * esbuild would inline them and every cold start would pay for all of them.
 */
export async function bundleFunctions(repoRoot: string, outDir: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: {
      [DEPLOY_MAIN.replace(/\.js$/, '')]: join(repoRoot, 'scripts', 'package', 'appEntry.ts'),
    },
    outdir: outDir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // Our Node 20 and Azure's Node 22 both run node20 output unchanged.
    target: 'node20',
    tsconfig: join(repoRoot, 'tsconfig.json'),
    external: HOST_PROVIDED,
    banner: { js: REQUIRE_BANNER },
    // Smaller files parse faster at cold start; keepNames keeps class and function names
    // (error names, stack frames) as they are in the source.
    minify: true,
    keepNames: true,
    // Linked .map files without the sources: mapping a stack trace needs only the mappings.
    // They are deployed but not switched on at run time (reading them costs about 15% of the
    // cold start): map a trace with `npm run map-stack`, or run with --enable-source-maps.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  if (result.errors.length > 0) throw new Error('esbuild failed (its messages are above)');
  return result.metafile;
}
