// `npm run package`: builds the deploy package (see bench/README.md) and prints what it holds.
import { relative } from 'node:path';
import { buildDeployPackage } from './buildDeployPackage.js';
import { REPO_ROOT } from './paths.js';

const started = performance.now();
const { paths, zipBytes, shape } = await buildDeployPackage();
const duplicates = [...shape.copies].filter(([, dirs]) => dirs.length > 1).map(([name]) => name);
const lines = [
  `Deploy package in ${relative(REPO_ROOT, paths.appDir)} (azure.yaml dist)`,
  `  zip  ${relative(REPO_ROOT, paths.zipFile)}  ${(zipBytes / 1024 / 1024).toFixed(2)} MB (${zipBytes} bytes)`,
  `  evaluated at start: ${shape.startPackages.join(', ')}`,
  `  loaded on first use: ${shape.lazyPackages.join(', ')}`,
  `  packages bundled twice: ${duplicates.length > 0 ? duplicates.join(', ') : 'none'}`,
  `  built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
];
process.stdout.write(`${lines.join('\n')}\n`);
