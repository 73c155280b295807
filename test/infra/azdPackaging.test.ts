/**
 * `azd package` / `azd up` from a fresh clone, without azd. azd's Node framework service, for the
 * service in azure.yaml, runs `npm run build --if-present` in its build step and again in its
 * package step, with the service's declared hooks around each step (prebuild/postbuild,
 * prepackage/postpackage), and then zips the folder `dist` names, failing when that folder is
 * empty or missing. It never runs `npm run package` on its own.
 *
 * This test reads azure.yaml, copies the repository as a clone would have it (tracked and
 * not-ignored files: no dist/, no .local/), runs exactly those commands there in azd's order, and
 * checks the folder azd would zip: not empty, with the bundle entry its package.json `main`
 * names, host.json, and no dependencies to install. Then it leaves a stale file in that folder and
 * runs the package step again, as `azd package` would on a developer's clone: the stale file must
 * be gone. node_modules is linked from this checkout (azd's restore step is `npm install`, which
 * this checkout's `npm ci` already did).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

function findRepoRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'azure.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('no azure.yaml above this test');
  }
}

const ROOT = findRepoRoot();

// ---------------------------------------------------------------------------------------------
// azure.yaml, as azd reads the parts that decide what gets packaged

interface Hook {
  readonly shell: string;
  readonly run: string;
}

interface Service {
  readonly name: string;
  readonly project: string;
  readonly language: string;
  readonly host: string;
  readonly dist: string | undefined;
  readonly remoteBuild: unknown;
  readonly hooks: Readonly<Record<string, readonly Hook[]>>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One hook entry: `{shell, run}`, or per-OS `{posix: {...}, windows: {...}}` (azd picks one). */
function hookOf(event: string, entry: unknown): Hook {
  assert.ok(isRecord(entry), `hook ${event} is not a mapping`);
  const chosen = isRecord(entry.posix) ? { ...entry, ...entry.posix } : entry;
  const { shell, run } = chosen;
  assert.ok(typeof run === 'string' && run.trim() !== '', `hook ${event} has no run`);
  assert.equal(shell, 'sh', `hook ${event}: only shell sh is run here (got ${String(shell)})`);
  return { shell, run };
}

function readServices(): Service[] {
  const doc: unknown = parse(readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8'));
  assert.ok(isRecord(doc) && isRecord(doc.services), 'azure.yaml has services');
  return Object.entries(doc.services).map(([name, raw]) => {
    assert.ok(isRecord(raw), `service ${name}`);
    const hooks: Record<string, Hook[]> = {};
    if (raw.hooks !== undefined) {
      assert.ok(isRecord(raw.hooks), `service ${name}: hooks is not a mapping`);
      for (const [event, value] of Object.entries(raw.hooks)) {
        hooks[event] = (Array.isArray(value) ? value : [value]).map((h) => hookOf(event, h));
      }
    }
    return {
      name,
      project: typeof raw.project === 'string' ? raw.project : '.',
      language: String(raw.language),
      host: String(raw.host),
      dist: typeof raw.dist === 'string' ? raw.dist : undefined,
      remoteBuild: raw.remoteBuild,
      hooks,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// A fresh copy and the commands azd runs in it

/** Files a clone of this checkout has: tracked, plus new files not yet committed or ignored. */
function cloneFiles(): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `git ls-files failed (this test needs a git checkout): ${r.stderr}`);
  return r.stdout
    .split('\0')
    .filter((f) => f !== '')
    .filter((f) => existsSync(path.join(ROOT, f)) && statSync(path.join(ROOT, f)).isFile());
}

function freshCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'todo-sync-azd-'));
  for (const file of cloneFiles()) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

interface Step {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
}

/** What azd runs for one lifecycle event: its pre hooks, the framework's command, post hooks. */
function eventSteps(service: Service, event: 'build' | 'package'): Step[] {
  const hooks = (name: string): Step[] =>
    (service.hooks[name] ?? []).map((h) => ({
      label: `${name} hook: ${h.run}`,
      command: h.shell,
      args: ['-c', h.run],
    }));
  return [
    ...hooks(`pre${event}`),
    // The Node framework service's command for both its build and its package step.
    {
      label: `${event} step: npm run build --if-present`,
      command: 'npm',
      args: ['run', 'build', '--if-present'],
    },
    ...hooks(`post${event}`),
  ];
}

function runSteps(t: TestContext, steps: readonly Step[], cwd: string): void {
  for (const step of steps) {
    const started = performance.now();
    const r = spawnSync(step.command, step.args, {
      cwd,
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.error, undefined, `${step.label}: ${String(r.error)}`);
    assert.equal(r.status, 0, `${step.label} failed:\n${r.stdout}\n${r.stderr}`);
    t.diagnostic(`${step.label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

function listFiles(dir: string, prefix = ''): { file: string; bytes: number }[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) return listFiles(path.join(dir, e.name), rel);
      return [{ file: rel, bytes: statSync(path.join(dir, e.name)).size }];
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** What azd zips must be the deploy package: fails with what is wrong, or returns its files. */
function checkDeployFolder(dist: string): { file: string; bytes: number }[] {
  assert.ok(existsSync(dist), `${dist} does not exist: azd fails with "package source is empty"`);
  const files = listFiles(dist);
  assert.ok(files.length > 0, `${dist} is empty: azd fails with "package source is empty"`);
  const pkg = JSON.parse(readFileSync(path.join(dist, 'package.json'), 'utf8')) as {
    main?: unknown;
    type?: unknown;
    dependencies?: unknown;
  };
  assert.equal(typeof pkg.main, 'string', 'package.json has a main');
  const main = String(pkg.main);
  assert.ok(!/[*?{]/.test(main), `main ${main} is one file (the bundle), not a glob`);
  assert.ok(
    files.some((f) => f.file === main),
    `main ${main} is in ${dist}`,
  );
  assert.equal(pkg.type, 'module');
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'nothing to install (remoteBuild: false)');
  // The bundle holds both functions' registrations, so it is the app and not a stub.
  const bundle = readFileSync(path.join(dist, main), 'utf8');
  for (const name of ['syncTodosTimer', 'syncTodos']) {
    assert.ok(bundle.includes(`"${name}"`), `the bundle registers ${name}`);
  }
  assert.deepEqual(
    readFileSync(path.join(dist, 'host.json')),
    readFileSync(path.join(ROOT, 'host.json')),
    'host.json is the repository one',
  );
  return files;
}

// ---------------------------------------------------------------------------------------------

void describe('azd packaging (azure.yaml)', () => {
  const copies: string[] = [];
  after(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  void test('declares one function service whose dist is written by a prepackage hook', () => {
    const services = readServices();
    assert.deepEqual(
      services.map((s) => s.name),
      ['api'],
    );
    const [api] = services;
    assert.ok(api);
    assert.equal(api.project, '.');
    assert.ok(['ts', 'js'].includes(api.language), 'the Node framework service');
    assert.equal(api.host, 'function');
    assert.equal(api.remoteBuild, false);
    assert.ok(api.dist, 'dist names the folder azd zips');
    assert.ok(
      (api.hooks.prepackage ?? []).some((h) => /\bnpm run package\b/.test(h.run)),
      'a prepackage hook runs npm run package',
    );
  });

  void test('a fresh clone: the commands azd up runs leave the deploy package in dist', (t) => {
    const api = readServices().find((s) => s.name === 'api');
    assert.ok(api?.dist);
    const copy = freshCopy();
    copies.push(copy);
    const project = path.resolve(copy, api.project);
    const dist = path.resolve(project, api.dist);
    assert.ok(!existsSync(path.join(copy, 'dist')), 'the copy starts without dist/');
    assert.ok(!existsSync(dist), `the copy starts without ${api.dist}`);

    // `azd up` after provisioning (and `azd deploy`): restore, then the build step...
    runSteps(t, eventSteps(api, 'build'), project);
    // ...whose `npm run build` alone writes no deploy package: without the prepackage hook the
    // package step (the same command again) would leave azd nothing to zip.
    assert.throws(() => checkDeployFolder(dist), /package source is empty/);
    // ...then the package step, with its hooks, and azd zips dist.
    runSteps(t, eventSteps(api, 'package'), project);
    const files = checkDeployFolder(dist);
    for (const { file, bytes } of files) t.diagnostic(`${api.dist}/${file} ${String(bytes)} B`);

    // A developer's clone: what an earlier run left in dist is not deployed again, because the
    // prepackage hook rewrites the folder (`azd package` runs it before every package step).
    writeFileSync(path.join(dist, 'stale.js'), 'throw new Error("stale");\n');
    runSteps(
      t,
      eventSteps(api, 'package').filter((s) => s.label.startsWith('prepackage')),
      project,
    );
    assert.ok(!existsSync(path.join(dist, 'stale.js')), 'the prepackage hook rewrites dist');
    checkDeployFolder(dist);
  });
});
