import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleForNode } from './bundleForNode.js';
import { DEPLOY_MAIN } from './paths.js';

/**
 * Provided by the Functions host at run time, never installed: `@azure/functions` asks for it
 * with `require()` inside a try/catch and, when that fails, silently registers nothing. The
 * bundle's `require` (see bundleForNode) is Node's, through which the host's worker serves it.
 */
export const HOST_PROVIDED = ['@azure/functions-core'];

/**
 * Bundles both functions from the TypeScript sources into `outDir`: index.js plus chunks/.
 * The deployed source maps are not switched on at run time (reading them costs about 15% of
 * the cold start): map a trace with `npm run map-stack`, or run with --enable-source-maps.
 */
export async function bundleFunctions(repoRoot: string, outDir: string): Promise<Metafile> {
  return bundleForNode(repoRoot, {
    entryPoints: {
      [DEPLOY_MAIN.replace(/\.js$/, '')]: join(repoRoot, 'scripts', 'package', 'appEntry.ts'),
    },
    outDir,
    external: HOST_PROVIDED,
  });
}
