import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
const loader = Module as unknown as {
  _load: (request: string, parent: unknown, isMain: boolean) => unknown;
};
const originalLoad = loader._load;
loader._load = function (request: string, parent: unknown, isMain: boolean): unknown {
  if (request === '@azure/functions-core') return fakeCore;
  return originalLoad.call(this, request, parent, isMain);
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The entry points the host loads: package.json `main`, a glob of the form `dir/*.js`. */
function entryPoints(): string[] {
  const { main } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  const match = /^(.*)\/\*\.js$/.exec(main);
  assert.ok(match?.[1], `package.json main should be a dir/*.js glob, is ${main}`);
  const dir = join(root, match[1]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f));
}

describe('function registrations', () => {
  it('registers exactly the timer and HTTP functions through package.json main', async () => {
    const files = entryPoints();
    assert.deepEqual(files.map((f) => relative(root, f)).sort(), [
      'dist/src/functions/syncTodos.js',
      'dist/src/functions/syncTodosTimer.js',
    ]);
    for (const file of files) await import(pathToFileURL(file).href);
    assert.deepEqual(registrations.map((r) => r.name).sort(), ['syncTodos', 'syncTodosTimer']);

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
  });

  it('uses authLevel function on every HTTP function', () => {
    const httpTriggers = registrations.flatMap((r) =>
      Object.values(r.bindings).filter((b) => b.type === 'httpTrigger'),
    );
    assert.ok(httpTriggers.length > 0);
    for (const trigger of httpTriggers) assert.equal(trigger.authLevel, 'function');
  });
});
