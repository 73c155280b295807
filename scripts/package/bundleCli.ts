import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Metafile } from 'esbuild';
import { assertLean, duplicateProblems, lazyOnlyProblems } from './bundleChecks.js';
import { bundleForNode } from './bundleForNode.js';
import {
  inspectBundle,
  outputOf,
  packagesIn,
  staticClosure,
  type Closure,
} from './inspectBundle.js';
import { cliBundlePaths, REPO_ROOT, type CliBundlePaths } from './paths.js';

/** The program the bin runs. */
const CLI_SOURCE = 'src/cli/main.ts';

/**
 * How far a CLI run gets, each step by the source module whose chunk it imports (src/cli/runCli.ts
 * imports them in this order), and the npm packages a run that stops there may have evaluated
 * (`undefined`: any but the lazy-only ones, which load only in the ops and credential modes
 * that use them).
 */
export const CLI_STEPS: readonly {
  readonly step: string;
  readonly module: string;
  readonly allowed: readonly string[] | undefined;
}[] = [
  { step: '--help or bad arguments', module: CLI_SOURCE, allowed: [] },
  // croner checks SYNC_SCHEDULE, which a local.settings.json usually sets (about 20 KB).
  { step: 'a bad setting', module: 'src/config/loadConfig.ts', allowed: ['croner', 'zod'] },
  { step: 'an op (getToDos)', module: 'src/runtime/createRuntime.ts', allowed: undefined },
];

export interface CliStep extends Closure {
  readonly step: string;
  /** False when the step's module has no chunk of its own: an earlier step evaluates it. */
  readonly onDemand: boolean;
}

export interface CliBundle {
  readonly paths: CliBundlePaths;
  readonly metafile: Metafile;
  /** What a run evaluates by each step of CLI_STEPS (each includes the ones before). */
  readonly steps: readonly CliStep[];
}

/** What a run evaluates by each step of CLI_STEPS, read from the bundle's metafile. */
export function cliSteps(metafile: Metafile): CliStep[] {
  const files = new Set<string>();
  return CLI_STEPS.map(({ step, module }) => {
    const output = outputOf(metafile, module);
    if (output) for (const file of staticClosure(metafile, output).files) files.add(file);
    const closure = [...files].sort();
    const bytes = closure.reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
    const packages = [...packagesIn(metafile, closure)].sort();
    return { step, onDemand: output !== undefined, files: closure, bytes, packages };
  });
}

/**
 * Bundles the `todo-sync` command from the TypeScript sources into the folder package.json
 * `bin` names, with the deploy package's esbuild settings (ESM, a chunk per dynamic import).
 * Fails when --help would evaluate any package, a bad setting one other than zod and croner, any step a
 * lazy-only one (storage, identity, Key Vault, node-forge), or MSAL would be bundled twice.
 */
export async function bundleCli(repoRoot = REPO_ROOT): Promise<CliBundle> {
  const paths = cliBundlePaths(repoRoot);
  await rm(paths.outDir, { recursive: true, force: true });
  await mkdir(paths.outDir, { recursive: true });
  const metafile = await bundleForNode(repoRoot, {
    entryPoints: { [relative(paths.outDir, paths.bin).replace(/\.js$/, '')]: CLI_SOURCE },
    outDir: paths.outDir,
  });
  await writeFile(paths.metafile, JSON.stringify(metafile));

  const entry = relative(repoRoot, paths.bin).split('\\').join('/');
  const steps = cliSteps(metafile);
  const problems = duplicateProblems(inspectBundle(metafile, entry).copies);
  CLI_STEPS.forEach(({ step, module, allowed }, i) => {
    if (steps[i]?.onDemand === false) {
      problems.push(`${module} is not loaded on demand: import it with import() where it is used`);
    }
    const packages = steps[i]?.packages ?? [];
    problems.push(...lazyOnlyProblems(packages, `by ${step}`));
    for (const name of packages.filter((p) => allowed && !allowed.includes(p))) {
      problems.push(`${name} is evaluated by ${step}: import it where an op needs it`);
    }
  });
  assertLean(problems);
  return { paths, metafile, steps };
}

/** Reads what `npm run build` left: the metafile of the CLI bundle in dist/. */
export async function readCliMetafile(repoRoot = REPO_ROOT): Promise<Metafile> {
  return JSON.parse(await readFile(cliBundlePaths(repoRoot).metafile, 'utf8')) as Metafile;
}
