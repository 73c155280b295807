// The deploy package that runTests built from the current sources before this file runs.
// Its behaviour is tested by the handler and registration tests (second pass); this file
// checks its shape: what is deployed, what loads at start, and that stack traces map.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { LAZY_ONLY, SINGLE_COPY } from '../../scripts/package/bundleChecks.js';
import { HOST_PROVIDED } from '../../scripts/package/bundleFunctions.js';
import { inspectBundle } from '../../scripts/package/inspectBundle.js';
import { mapStackTrace } from '../../scripts/package/mapStackTrace.js';
import { DEPLOY_MAIN, packagePaths, REPO_ROOT } from '../../scripts/package/paths.js';

const paths = packagePaths();
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;

describe('deploy package (npm run package)', () => {
  const skip = existsSync(paths.metafile)
    ? false
    : `${paths.metafile} is missing: run the tests through npm test, which builds the package`;

  it(
    'holds host.json and a package.json whose main is the bundle, with no dependencies',
    { skip },
    () => {
      const deployed = readJson(join(paths.appDir, 'package.json')) as Record<string, unknown>;
      assert.equal(deployed.type, 'module');
      assert.equal(deployed.main, DEPLOY_MAIN);
      assert.deepEqual(deployed.dependencies, {});
      assert.ok(existsSync(join(paths.appDir, DEPLOY_MAIN)));
      assert.deepEqual(
        readJson(join(paths.appDir, 'host.json')),
        readJson(join(REPO_ROOT, 'host.json')),
      );
      // The clone keeps main on the tsc output, so func start in a clone works as before.
      assert.equal(
        (readJson(join(REPO_ROOT, 'package.json')) as { main: string }).main,
        'dist/src/{index.js,functions/*.js}',
      );
    },
  );

  it('is a zip of at most 3 MB', { skip }, () => {
    assert.ok(statSync(paths.zipFile).size <= 3 * 1024 * 1024);
  });

  it('leaves only Node built-ins and the host-provided module external', { skip }, () => {
    const metafile = readJson(paths.metafile) as Metafile;
    const external = new Set<string>();
    for (const output of Object.values(metafile.outputs)) {
      for (const imported of output.imports) if (imported.external) external.add(imported.path);
    }
    const unexpected = [...external].filter((p) => !isBuiltin(p) && !HOST_PROVIDED.includes(p));
    assert.deepEqual(unexpected, [], 'nothing is installed beside the bundle');
    assert.ok(external.has('@azure/functions-core'));
  });

  it('evaluates no lazy-only package at start and bundles one MSAL', { skip }, () => {
    const metafile = readJson(paths.metafile) as Metafile;
    const entry = relative(REPO_ROOT, join(paths.appDir, DEPLOY_MAIN)).split('\\').join('/');
    const shape = inspectBundle(metafile, entry);
    assert.ok(shape.startPackages.includes('@azure/msal-node'));
    assert.ok(shape.lazyPackages.includes('@azure/storage-blob'));
    for (const name of LAZY_ONLY) assert.ok(!shape.startPackages.includes(name), name);
    for (const name of SINGLE_COPY) assert.equal(shape.copies.get(name)?.length, 1, name);
  });

  it('leaves the module hooks out, for a stub that hooks nothing', { skip }, async () => {
    const inputs = Object.keys((readJson(paths.metafile) as Metafile).inputs);
    assert.deepEqual(
      inputs.filter((input) => /(require|import)-in-the-middle/.test(input)),
      [],
    );
    assert.ok(inputs.includes('scripts/package/moduleHooksLeftOut.ts'));
    const { Hook } = await import('../../scripts/package/moduleHooksLeftOut.js');
    // What OpenTelemetry's instrumentation base makes for every instrumentation it constructs.
    assert.doesNotThrow(() => {
      new Hook(null).unhook();
    });
    // What enabling an instrumentation through its module hooks would ask for.
    assert.throws(
      () => new Hook(['http']),
      /^Error: module hooks are left out of this bundle \(scripts\/package\/moduleHooksLeftOut\.ts\): .*\(asked to hook http\)$/,
    );
  });

  describe('stack traces', () => {
    // A timer run without settings fails in src/config; its stack names the bundle's files.
    const script = `
      const { syncTodosTimer } = await import(${JSON.stringify(pathToFileURL(join(paths.appDir, DEPLOY_MAIN)).href)});
      const quiet = () => undefined;
      const context = { invocationId: 'x', functionName: 'syncTodosTimer', debug: quiet, info: quiet, warn: quiet, error: quiet };
      try {
        await syncTodosTimer({ isPastDue: false, schedule: { adjustForDST: true } }, context);
      } catch (err) {
        process.stdout.write(err.stack);
      }`;
    const traceOf = async (nodeOptions: string[]): Promise<string> =>
      (
        await promisify(execFile)(
          process.execPath,
          [...nodeOptions, '--input-type=module', '-e', script],
          { env: { PATH: process.env.PATH ?? '' } },
        )
      ).stdout;
    const SOURCE_FRAME = /src[/\\]config[/\\]loadConfig\.ts:\d+:\d+/;

    it('map to the TypeScript sources offline (npm run map-stack)', { skip }, async () => {
      const trace = await traceOf([]);
      assert.match(trace, /ConfigError/);
      assert.doesNotMatch(trace, SOURCE_FRAME, 'source maps are not switched on at run time');
      assert.match(mapStackTrace(trace, paths.appDir, REPO_ROOT), SOURCE_FRAME);
    });

    it('map at run time under --enable-source-maps', { skip }, async () => {
      assert.match(await traceOf(['--enable-source-maps']), SOURCE_FRAME);
    });
  });
});
