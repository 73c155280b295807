import assert from 'node:assert/strict';
import { relative, sep } from 'node:path';
import { before, describe, it } from 'node:test';
import { provideFunctionsCore } from '../../stack/functionsCoreModule.js';
import { loadMainEntries, TEST_TARGET, targetRoot } from '../support/testTarget.js';

/**
 * The Functions host hands registrations to @azure/functions through the module
 * `@azure/functions-core`. Providing that module here (the host is not installable on this
 * machine) lets the test see exactly what the host would be told.
 */
interface Registration {
  name: string;
  bindings: Record<string, Record<string, unknown>>;
}
const registrations: Registration[] = [];
const fakeCore = {
  setProgrammingModel: () => undefined,
  registerHook: () => ({ dispose: () => undefined }),
  registerFunction: (metadata: Registration) => {
    registrations.push(metadata);
    return { dispose: () => undefined };
  },
};
provideFunctionsCore(fakeCore);

/** The clone (main: the tsc output) or the deploy package (main: the bundle's entry). */
const root = targetRoot();
const EXPECTED_ENTRIES = {
  source: [
    'dist/src/index.js',
    'dist/src/functions/health.js',
    'dist/src/functions/syncTodos.js',
    'dist/src/functions/syncTodosTimer.js',
  ],
  bundle: ['index.js'],
};

describe(`function registrations (${TEST_TARGET})`, () => {
  let files: string[] = [];
  // Loaded once for every test here, so each test holds on its own (alone, filtered or reordered).
  before(async () => {
    files = await loadMainEntries(root);
  });

  it('loads exactly the entry points package.json main names', () => {
    assert.deepEqual(
      files.map((f) => relative(root, f).split(sep).join('/')),
      EXPECTED_ENTRIES[TEST_TARGET],
    );
  });

  it('registers exactly the timer and the HTTP functions through package.json main', () => {
    assert.deepEqual(registrations.map((r) => r.name).sort(), [
      'health',
      'syncTodos',
      'syncTodosTimer',
    ]);

    const timer = registrations.find((r) => r.name === 'syncTodosTimer');
    const timerTrigger = Object.values(timer?.bindings ?? {}).find((b) => b.direction === 'in');
    assert.equal(timerTrigger?.type, 'timerTrigger');
    assert.equal(timerTrigger.schedule, '%SYNC_SCHEDULE%');
    assert.equal(timerTrigger.runOnStartup, false);

    const http = registrations.find((r) => r.name === 'syncTodos');
    const bindings = Object.values(http?.bindings ?? {});
    const httpTrigger = bindings.find((b) => b.type === 'httpTrigger');
    assert.equal(httpTrigger?.route, 'sync');
    assert.deepEqual(httpTrigger.methods, ['GET', 'POST']);
    assert.equal(httpTrigger.authLevel, 'function');
    assert.ok(bindings.some((b) => b.type === 'http' && b.direction === 'out'));

    const health = registrations.find((r) => r.name === 'health');
    const healthTrigger = Object.values(health?.bindings ?? {}).find(
      (b) => b.type === 'httpTrigger',
    );
    assert.equal(healthTrigger?.route, 'health');
    assert.deepEqual(healthTrigger.methods, ['GET']);
    assert.equal(healthTrigger.authLevel, 'function');
  });

  it('uses authLevel function on every HTTP function', () => {
    const httpTriggers = registrations.flatMap((r) =>
      Object.values(r.bindings).filter((b) => b.type === 'httpTrigger'),
    );
    assert.ok(httpTriggers.length > 0);
    for (const trigger of httpTriggers) assert.equal(trigger.authLevel, 'function');
  });
});
