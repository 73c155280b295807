// Where `npm run package` writes: under .local/ (git-ignored), never into dist/, which is
// what `npm run build` and `func start` in a clone use.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs as dist/scripts/package/paths.js. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The bundle's entry file, what the deploy package's package.json `main` names. */
export const DEPLOY_MAIN = 'index.js';

export interface PackagePaths {
  /** Everything the packaging writes. */
  readonly root: string;
  /** The folder that is deployed (azure.yaml `dist`): host.json, package.json, the bundle. */
  readonly appDir: string;
  /** The same folder as a zip, for a manual zip deploy and for its size. */
  readonly zipFile: string;
  /** esbuild's metafile: what went into each output file (not deployed). */
  readonly metafile: string;
}

export function packagePaths(repoRoot = REPO_ROOT): PackagePaths {
  const root = join(repoRoot, '.local', 'package');
  return {
    root,
    appDir: join(root, 'app'),
    zipFile: join(root, 'todo-sync.zip'),
    metafile: join(root, 'metafile.json'),
  };
}
