// Where `npm run package` writes: under .local/ (git-ignored), never into dist/, which is
// what `npm run build` and `func start` in a clone use; and where `npm run build` puts the CLI
// bundle (the folder package.json `bin` names, in dist/).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/** The command's name, the key of package.json `bin`. */
export const CLI_NAME = 'todo-sync';

export interface CliBundlePaths {
  /** The bin, as package.json `bin` names it (dist/bin/todo-sync.js). */
  readonly bin: string;
  /** Its folder: the bin, chunks/, .map files, metafile.json. */
  readonly outDir: string;
  /** esbuild's record of what went into each file. */
  readonly metafile: string;
}

/** Where `npm run build` puts the CLI bundle: wherever package.json `bin` points. */
export function cliBundlePaths(repoRoot = REPO_ROOT): CliBundlePaths {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    bin?: Record<string, string>;
  };
  const binPath = manifest.bin?.[CLI_NAME];
  if (!binPath?.endsWith('.js')) throw new Error(`package.json bin.${CLI_NAME} is not a .js file`);
  const bin = resolve(repoRoot, binPath);
  return { bin, outDir: dirname(bin), metafile: join(dirname(bin), 'metafile.json') };
}
