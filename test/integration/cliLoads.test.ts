// What the bundled CLI evaluates for each kind of run, recorded as the process loads it (a
// module hook appends every URL it loads to a file): --help, bad arguments and bad settings load
// almost nothing; getToDos loads MSAL and axios but no SDK its credential mode does not use.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { readCliMetafile } from '../../scripts/package/bundleCli.js';
import { LAZY_ONLY } from '../../scripts/package/bundleChecks.js';
import { packagesIn } from '../../scripts/package/inspectBundle.js';
import { cliBundlePaths, REPO_ROOT } from '../../scripts/package/paths.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { startTestStack, type LocalStack } from '../support/stackForTests.js';

const RECORDER = pathToFileURL(
  join(fileURLToPath(new URL('.', import.meta.url)), '..', 'support', 'recordLoads.js'),
).href;

let stack: LocalStack;
let cwd: string;
let metafile: Metafile;
let runs = 0;

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The bundle's files the run loaded, as the metafile names them. */
  files: string[];
  /** npm packages with code in them. */
  packages: string[];
}

/** Runs the bin with the load recorder; only the given settings are in its environment. */
async function loadsOf(args: string[], settings: Record<string, string | undefined>) {
  const recordFile = join(cwd, `loads-${++runs}.txt`);
  const run = await runCliProcess(args, {
    env: {
      ...cliBaseEnv(),
      TODO_SYNC_LOAD_RECORD: recordFile,
      ...settings,
    },
    cwd,
    nodeOptions: ['--import', RECORDER],
  });
  const outDir = cliBundlePaths().outDir;
  const files = (await readFile(recordFile, 'utf8'))
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url))
    .filter((path) => !relative(outDir, path).startsWith('..'))
    .map((path) => relative(REPO_ROOT, path).split('\\').join('/'));
  for (const file of files) assert.ok(file in metafile.outputs, `${file} is in the bundle`);
  return { ...run, files, packages: [...packagesIn(metafile, files)].sort() } satisfies Loaded;
}

describe('what the bundled CLI loads', () => {
  before(async () => {
    // The vault holds the certificate and the client secret: one stack serves both modes.
    stack = await startTestStack({ credential: 'vaultCertificate' });
    cwd = await mkdtemp(join(tmpdir(), 'todo-sync-cli-loads-'));
    metafile = await readCliMetafile();
  });
  after(async () => {
    await stack.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  /** The settings of the tutorial's daemon: a client secret in the environment. */
  const secretSettings = (): Record<string, string | undefined> => ({
    CLIENT_ID: stack.settings.CLIENT_ID,
    AUTHORITY: stack.settings.AUTHORITY,
    CLIENT_SECRET: stack.clientSecret,
    API_ENDPOINT: stack.settings.API_ENDPOINT,
    SCOPES: stack.settings.SCOPES,
    AzureWebJobsStorage: stack.settings.AzureWebJobsStorage,
    SYNC_CONTAINER: 'cli-loads',
  });

  it('--help and a bad argument load no package, only the bin and its own chunks', async () => {
    for (const args of [['--help'], ['--op', 'deleteEverything']]) {
      const run = await loadsOf(args, {});
      assert.equal(run.code, args[0] === '--help' ? 0 : 2, run.stderr);
      assert.deepEqual(run.packages, [], args.join(' '));
      assert.ok(run.files.includes(relative(REPO_ROOT, cliBundlePaths().bin)), 'the bin itself');
    }
  });

  it('a bad setting loads only the config parser (zod, croner), neither MSAL nor axios', async () => {
    const run = await loadsOf(['--op', 'getToDos'], {
      ...secretSettings(),
      CLIENT_ID: 'Enter_the_Application_Id_Here',
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /CLIENT_ID still holds a placeholder/);
    assert.deepEqual(run.packages, ['croner', 'zod']);
  });

  it('getToDos with a client secret loads MSAL and axios, no storage, identity or vault SDK', async () => {
    const run = await loadsOf(['--op', 'getToDos'], secretSettings());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), stack.api.todos());
    for (const name of ['@azure/msal-node', 'axios']) assert.ok(run.packages.includes(name), name);
    for (const name of LAZY_ONLY) assert.ok(!run.packages.includes(name), name);
  });

  it('getToDos with a certificate from Key Vault loads identity and Key Vault, not storage', async () => {
    const run = await loadsOf(['--op', 'getToDos'], stack.settings);
    assert.equal(run.code, 0, run.stderr);
    for (const name of ['@azure/identity', '@azure/keyvault-secrets', 'node-forge']) {
      assert.ok(run.packages.includes(name), name);
    }
    assert.ok(!run.packages.includes('@azure/storage-blob'));
  });

  it('sync with a client secret loads storage, not identity or Key Vault', async () => {
    const run = await loadsOf(['--op', 'sync'], secretSettings());
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.packages.includes('@azure/storage-blob'));
    for (const name of ['@azure/identity', '@azure/keyvault-secrets', 'node-forge']) {
      assert.ok(!run.packages.includes(name), name);
    }
  });
});
