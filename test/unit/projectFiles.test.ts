import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import semver from 'semver';
import { loadConfig } from '../../src/config/loadConfig.js';
import { SETTINGS } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const schemas = join(root, '..', 'shared', 'schemas');
// A CommonJS module: under NodeNext its default import is module.exports, typed as the namespace.
const Ajv = AjvDraft04 as unknown as typeof AjvDraft04.default;
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;

/**
 * False (test skipped) without ../shared/schemas. With REQUIRE_SHARED_SCHEMAS=1 (.ci/run sets
 * it) a missing folder fails the test instead, so CI cannot skip the schema checks unnoticed.
 */
function haveSchemas(t: TestContext): boolean {
  if (existsSync(schemas)) return true;
  const missing = `../shared/schemas not found beside the clone (${schemas})`;
  if (process.env.REQUIRE_SHARED_SCHEMAS === '1') {
    assert.fail(`REQUIRE_SHARED_SCHEMAS=1 but ${missing}`);
  }
  t.skip(`${missing}: schema checks skipped`);
  return false;
}

describe('project files against the SchemaStore schemas', () => {
  it('host.json is a valid version 2.0 host.json with the v4 extension bundle', (t) => {
    if (!haveSchemas(t)) return;
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(readJson(join(schemas, 'host.schema.json')) as object, 'host');
    const { telemetryMode, ...host } = readJson(join(root, 'host.json')) as {
      version: string;
      extensionBundle: { version: string };
      telemetryMode?: string;
    };
    // The worker sends its own OpenTelemetry (src/telemetry); the SchemaStore snapshot in
    // ../shared/schemas predates the `telemetryMode` property, so it is checked here instead.
    assert.equal(telemetryMode, 'OpenTelemetry');
    // The root is a oneOf that a plain 2.0 file matches twice; see the schemas' README.
    const valid = ajv.validate({ $ref: 'host#/definitions/version-2' }, host);
    assert.ok(valid, ajv.errorsText());
    assert.equal(host.version, '2.0');
    assert.equal(host.extensionBundle.version, '[4.*, 5.0.0)');
  });

  it('local.settings.json.example is a valid local.settings.json', (t) => {
    if (!haveSchemas(t)) return;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const valid = ajv.validate(
      readJson(join(schemas, 'local.settings.schema.json')) as object,
      readJson(join(root, 'local.settings.json.example')),
    );
    assert.ok(valid, ajv.errorsText());
  });
});

describe('local.settings.json.example', () => {
  const values = (
    readJson(join(root, 'local.settings.json.example')) as { Values: Record<string, string> }
  ).Values;

  it('sets the schedule the timer reads and the v4 worker runtime', () => {
    assert.equal(values.SYNC_SCHEDULE, '0 */15 * * * *');
    assert.equal(values.FUNCTIONS_WORKER_RUNTIME, 'node');
  });

  it("still holds the tutorial's placeholders, which the config refuses by name", () => {
    assert.throws(
      () => loadConfig(values),
      (err: unknown) =>
        err instanceof ConfigError &&
        ['CLIENT_ID', 'AUTHORITY', 'CLIENT_SECRET', 'SCOPES'].every((name) =>
          err.problems.some((p) => p.startsWith(`${name} still holds a placeholder`)),
        ),
    );
  });
});

describe('README', () => {
  it('documents every setting the code reads', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    // A setting counts as documented when it stands in code quotes, alone or as NAME=value;
    // `__accountName` style is how the table lists siblings of AzureWebJobsStorage__blobServiceUri.
    const documented = (name: string): boolean =>
      [name, name.replace(/^AzureWebJobsStorage__/, '__')].some(
        (n) => readme.includes(`\`${n}\``) || readme.includes(`\`${n}=`),
      );
    const missing = SETTINGS.map((s) => s.name).filter((name) => !documented(name));
    assert.deepEqual(missing, []);
  });

  it('says where to run the CLI and what to export before the first npx todo-sync line', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf("### As the tutorial's daemon (CLI)");
    assert.ok(start >= 0, 'the CLI section is there');
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const beforeFirstRun = section.slice(0, section.indexOf('npx todo-sync'));
    // Outside the project folder npx would look for a public package of that name.
    assert.match(beforeFirstRun, /inside\s+the\s+project\s+folder/);
    assert.match(beforeFirstRun, /npm\s+run\s+build/);
    assert.match(beforeFirstRun, /public\s+npm\s+registry/);
    // Against `npm run stack`, Node must trust the stack's CA from the start.
    assert.match(beforeFirstRun, /NODE_EXTRA_CA_CERTS/);
    assert.match(beforeFirstRun, /npm\s+run\s+stack/);
  });
});

describe('the Node versions it runs on', () => {
  const manifest = readJson(join(root, 'package.json')) as { engines: { node: string } };
  const range = manifest.engines.node;

  it('admits Node 20 and 22 (Azure runs 22), and the Node running these tests', () => {
    assert.ok(semver.subset(range, '>=20'), `${range}: nothing older than 20`);
    for (const major of ['20', '22']) {
      assert.ok(semver.intersects(range, major), `${range} admits Node ${major}`);
    }
    assert.ok(semver.satisfies(process.version, range), `${process.version} is in ${range}`);
  });

  it('promises no Node a package the lock file installs does not run on', () => {
    // npm only warns when a package's engines leave out the Node it installs on: an upgrade to
    // a release that needs Node 22 (as the Azure SDKs' latest do) would pass unnoticed on 22.
    const lock = readJson(join(root, 'package-lock.json')) as {
      packages: Record<string, { version?: string; dev?: boolean; engines?: unknown }>;
    };
    const narrower = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const engines = entry.engines as { node?: unknown } | undefined;
        const node = typeof engines?.node === 'string' ? engines.node : undefined;
        if (node === undefined || semver.subset(range, node)) return [];
        const name = path.replace(/^.*node_modules\//, '');
        return [`${name}@${entry.version ?? '?'} needs ${node}${entry.dev ? ' (dev)' : ''}`];
      });
    assert.deepEqual(narrower, [], `package.json promises ${range}`);
  });
});
