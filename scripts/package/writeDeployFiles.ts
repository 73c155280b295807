import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEPLOY_MAIN } from './paths.js';

/**
 * Writes host.json and a package.json whose `main` is the bundle's entry. No dependencies:
 * everything but the host-provided @azure/functions-core is in the bundle, so there is nothing
 * for a remote build to install.
 */
export async function writeDeployFiles(repoRoot: string, appDir: string): Promise<void> {
  const rootPackage = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    description?: string;
    license?: string;
    engines?: Record<string, string>;
  };
  const deployPackage = {
    name: rootPackage.name,
    version: rootPackage.version,
    description: rootPackage.description,
    license: rootPackage.license,
    private: true,
    type: 'module',
    main: DEPLOY_MAIN,
    engines: rootPackage.engines,
    dependencies: {},
  };
  await Promise.all([
    copyFile(join(repoRoot, 'host.json'), join(appDir, 'host.json')),
    writeFile(join(appDir, 'package.json'), `${JSON.stringify(deployPackage, null, 2)}\n`),
  ]);
}
