import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { assertLean, duplicateProblems, lazyOnlyProblems } from './bundleChecks.js';
import { bundleFunctions } from './bundleFunctions.js';
import { inspectBundle, type BundleShape } from './inspectBundle.js';
import { DEPLOY_MAIN, packagePaths, REPO_ROOT, type PackagePaths } from './paths.js';
import { writeDeployFiles } from './writeDeployFiles.js';
import { zipDirectory } from './zipDirectory.js';

export interface DeployPackage {
  readonly paths: PackagePaths;
  readonly zipBytes: number;
  readonly shape: BundleShape;
}

/**
 * Builds the deploy package from the sources: the bundle (index.js, chunks/, source maps),
 * host.json and its package.json in `.local/package/app`, the same as a zip beside it, and
 * esbuild's metafile.
 * Fails when the bundle would evaluate a lazy-only package at start or holds two MSALs.
 */
export async function buildDeployPackage(repoRoot = REPO_ROOT): Promise<DeployPackage> {
  const paths = packagePaths(repoRoot);
  await rm(paths.root, { recursive: true, force: true });
  await mkdir(paths.appDir, { recursive: true });

  const metafile = await bundleFunctions(repoRoot, paths.appDir);
  await writeFile(paths.metafile, JSON.stringify(metafile));
  const entry = relative(repoRoot, join(paths.appDir, DEPLOY_MAIN)).split('\\').join('/');
  const shape = inspectBundle(metafile, entry);

  assertLean([
    ...lazyOnlyProblems(shape.startPackages, 'at start'),
    ...duplicateProblems(shape.copies),
  ]);

  await writeDeployFiles(repoRoot, paths.appDir);
  const zipBytes = await zipDirectory(paths.appDir, paths.zipFile);
  return { paths, zipBytes, shape };
}
