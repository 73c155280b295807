// The CLI bundle that `npm run build` left in dist/bin (package.json `bin`): its shape, what each
// step of a run evaluates, and that its stack traces map to the TypeScript sources. What it
// loads at run time is checked in test/integration/cliLoads.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { cliSteps } from '../../scripts/package/bundleCli.js';
import { LAZY_ONLY, SINGLE_COPY } from '../../scripts/package/bundleChecks.js';
import { inspectBundle } from '../../scripts/package/inspectBundle.js';
import { mapStackTrace } from '../../scripts/package/mapStackTrace.js';
import { cliBundlePaths, REPO_ROOT } from '../../scripts/package/paths.js';
import { runCliProcess } from '../support/runCliProcess.js';

const paths = cliBundlePaths();
const metafile = (): Metafile => JSON.parse(readFileSync(paths.metafile, 'utf8')) as Metafile;

describe('CLI bundle (npm run build, package.json bin)', () => {
  it('is a Node script in dist/, with only Node built-ins external', () => {
    assert.equal(paths.bin, join(REPO_ROOT, 'dist', 'bin', 'todo-sync.js'));
    assert.ok(readFileSync(paths.bin, 'utf8').startsWith('#!/usr/bin/env node\n'));
    const external = Object.values(metafile().outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
    assert.deepEqual(
      external.filter((p) => !isBuiltin(p)),
      [],
    );
  });

  it('evaluates no package for --help, only zod and croner for a bad setting, no lazy-only SDK for an op', () => {
    const [help, settings, op] = cliSteps(metafile());
    assert.deepEqual(help?.packages, []);
    assert.deepEqual(settings?.packages, ['croner', 'zod']);
    assert.ok(op?.packages.includes('@azure/msal-node'));
    assert.ok(op?.packages.includes('axios'));
    for (const name of LAZY_ONLY) assert.ok(!op?.packages.includes(name), name);
    // They are in the bundle, in chunks that only the ops and modes that use them load.
    const shape = inspectBundle(metafile(), 'dist/bin/todo-sync.js');
    for (const name of LAZY_ONLY) assert.ok(shape.lazyPackages.includes(name), name);
    for (const name of SINGLE_COPY) assert.equal(shape.copies.get(name)?.length, 1, name);
  });

  describe('stack traces', () => {
    // The stack of the CLI's write of its usage text: frames in the bundle's files.
    const capture = pathToFileURL(
      join(fileURLToPath(new URL('.', import.meta.url)), '..', 'support', 'captureWriteStack.js'),
    ).href;
    const traceOf = async (nodeOptions: string[]): Promise<string> => {
      const run = await runCliProcess(['--help'], {
        env: { PATH: process.env.PATH },
        cwd: tmpdir(),
        nodeOptions: [...nodeOptions, '--import', capture],
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: todo-sync/);
      return run.stderr;
    };
    // The frame of runCli's `io.stdout(...)` for --help, in the TypeScript source.
    const runCliFrame = (trace: string): string => {
      const match = /src[/\\]cli[/\\]runCli\.ts:(\d+):\d+/.exec(trace);
      assert.ok(match, `a frame in src/cli/runCli.ts:\n${trace}`);
      const source = readFileSync(join(REPO_ROOT, 'src', 'cli', 'runCli.ts'), 'utf8');
      return source.split('\n')[Number(match[1]) - 1] ?? '';
    };

    it('map to the TypeScript sources offline (npm run map-stack -- dist/bin)', async () => {
      const trace = await traceOf([]);
      assert.match(trace, /dist[/\\]bin[/\\]todo-sync\.js:\d+:\d+/, 'printed as the bundle');
      assert.match(runCliFrame(mapStackTrace(trace, paths.outDir, REPO_ROOT)), /io\.stdout\(/);
    });

    it('map at run time under --enable-source-maps', async () => {
      assert.match(runCliFrame(await traceOf(['--enable-source-maps'])), /io\.stdout\(/);
    });
  });
});
