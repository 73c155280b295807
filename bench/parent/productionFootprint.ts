// What the deploy package replaces: the tsc output plus the production node_modules that an
// unbundled deployment carries (the lock file's non-dev packages), on disk and zipped.
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles, zipFiles } from '../../scripts/package/zipDirectory.js';

export interface Footprint {
  readonly packages: number;
  readonly nodeModulesBytes: number;
  readonly files: number;
  readonly zipBytes: number;
}

export async function productionFootprint(repoRoot: string, workDir: string): Promise<Footprint> {
  const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const dirs = Object.entries(lock.packages)
    .filter(([path, info]) => path.startsWith('node_modules/') && !info.dev && !info.devOptional)
    .map(([path]) => join(repoRoot, path));
  // Nested node_modules are packages of their own in the lock file: count each file once.
  const moduleFiles = (await Promise.all(dirs.map((d) => listFiles(d, ['node_modules'])))).flat();
  let nodeModulesBytes = 0;
  for (const file of moduleFiles) nodeModulesBytes += (await stat(file)).size;

  const appFiles = [
    ...(await listFiles(join(repoRoot, 'dist', 'src'))),
    join(repoRoot, 'host.json'),
    join(repoRoot, 'package.json'),
  ];
  const zipFile = join(workDir, 'unbundled.zip');
  const files = [...appFiles, ...moduleFiles];
  const zipBytes = await zipFiles(repoRoot, files, zipFile);
  await rm(zipFile, { force: true });
  return { packages: dirs.length, nodeModulesBytes, files: files.length, zipBytes };
}
