// `npm run demo`: the main job end to end on the embedded local stack, no Azure account needed.
// Starts the IdP, the protected ToDo API and Azurite; runs `todo-sync --op getToDos` and then a
// sync through the real HTTP and timer handlers, each in a process that trusts the local CA;
// prints the results; stops everything.
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from './localStack.js';
import { REPO_ROOT } from './paths.js';
import { runNodeScript, type ScriptRun } from './runNodeScript.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from './tls.js';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const INVOCATIONS = join(REPO_ROOT, 'dist', 'stack', 'demoInvocations.js');

function fail(step: string, result: ScriptRun): never {
  process.stderr.write(`demo: ${step} failed (exit ${String(result.code)}):\n${result.stderr}\n`);
  process.exit(1);
}

const out = (text = ''): boolean => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const ca = await ensureLocalCa(DEFAULT_CA_DIR);
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({ ca });
    out(`Local stack up in ${(stack.startupMs / 1000).toFixed(1)} s:`);
    out(`  identity provider  ${stack.idp.authority}`);
    out(`  ToDo API           ${stack.api.endpoint}`);
    out(`  Azurite (blobs)    ${stack.azurite.blobEndpoint}`);
    out();

    // Only what the product needs: the settings (no local.settings.json involved) and the CA.
    const env = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: ca.bundlePath,
      ...stack.settings,
    };

    const todos = await runNodeScript(CLI, ['--op', 'getToDos'], { env, cwd: REPO_ROOT });
    if (todos.code !== 0) fail('todo-sync --op getToDos', todos);
    out('$ todo-sync --op getToDos');
    out(JSON.stringify(JSON.parse(todos.stdout), null, 2));
    out();

    const invocations = await runNodeScript(INVOCATIONS, [], { env, cwd: REPO_ROOT });
    if (invocations.code !== 0) fail('the function handlers', invocations);
    const result = JSON.parse(invocations.stdout) as {
      http: { status: number; body: unknown; log: string[] };
      timer: { error?: string; log: string[] };
    };
    out(`POST /api/sync (function syncTodos) -> ${String(result.http.status)}`);
    out(JSON.stringify(result.http.body, null, 2));
    out();
    out('Timer run (function syncTodosTimer), its log:');
    for (const line of result.timer.log) out(`  ${line}`);
    if (result.http.status !== 200 || result.timer.error) {
      process.stderr.write(`demo: a sync failed: ${result.timer.error ?? 'see above'}\n`);
      process.exitCode = 1;
    }
  } finally {
    await stack?.stop();
  }
}

await main();
