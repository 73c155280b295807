// `npm run demo`: the main job end to end on the embedded local stack, no Azure account needed.
// Starts the IdP, the protected ToDo API and Azurite; runs `todo-sync --op getToDos` and then a
// sync through the real HTTP and timer handlers, each in a process that trusts the local CA;
// prints the results; stops everything.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cliBundlePaths } from '../scripts/package/paths.js';
import { startLocalStack, type LocalStack, type StackCredential } from './localStack.js';
import { renderTraceTree } from './otlpReceiver.js';
import { REPO_ROOT } from './paths.js';
import { runNodeScript, type ScriptRun } from './runNodeScript.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from './tls.js';

/** `todo-sync` as package.json `bin` names it (the bundle `npm run build` makes). */
const CLI = cliBundlePaths(REPO_ROOT).bin;
const INVOCATIONS = join(REPO_ROOT, 'dist', 'stack', 'demoInvocations.js');

function fail(step: string, result: ScriptRun): never {
  process.stderr.write(`demo: ${step} failed (exit ${String(result.code)}):\n${result.stderr}\n`);
  process.exit(1);
}

const out = (text = ''): boolean => process.stdout.write(`${text}\n`);

const CREDENTIALS: Record<StackCredential, string> = {
  vaultCertificate: 'certificate (PEM) from Key Vault, read with a managed identity',
  vaultCertificatePkcs12: 'certificate (PKCS#12) from Key Vault, read with a managed identity',
  vaultSecret: 'client secret from Key Vault, read with a managed identity',
  managedIdentity: 'managed identity as a federated credential (no secret)',
  secret: 'client secret from CLIENT_SECRET',
};

/** `npm run demo -- --credential <mode>`; the default is the production-style vault certificate. */
function credentialMode(): StackCredential {
  const { values } = parseArgs({ options: { credential: { type: 'string' } } });
  const mode = values.credential ?? 'vaultCertificate';
  if (!(mode in CREDENTIALS)) {
    process.stderr.write(
      `demo: unknown --credential "${mode}": use one of ${Object.keys(CREDENTIALS).join(', ')}\n`,
    );
    process.exit(2);
  }
  return mode as StackCredential;
}

async function main(): Promise<void> {
  const credential = credentialMode();
  const ca = await ensureLocalCa(DEFAULT_CA_DIR);
  let stack: LocalStack | undefined;
  let workDir: string | undefined;
  try {
    stack = await startLocalStack({ ca, credential });
    out(`Local stack up in ${(stack.startupMs / 1000).toFixed(1)} s:`);
    out(`  identity provider  ${stack.idp.authority}`);
    out(`  ToDo API           ${stack.api.endpoint}`);
    out(`  Azurite (blobs)    ${stack.azurite.blobEndpoint}`);
    out(`  Key Vault          ${stack.vault.vaultUrl}`);
    out(`Credential: ${CREDENTIALS[credential]}`);
    out();

    // Only what the product needs: the settings (no local.settings.json involved) and the CA.
    const env = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: ca.bundlePath,
      ...stack.settings,
    };

    // A directory of its own, so that a local.settings.json of the user's plays no part.
    workDir = await mkdtemp(join(tmpdir(), 'todo-sync-demo-'));
    const todos = await runNodeScript(CLI, ['--op', 'getToDos'], { env, cwd: workDir });
    if (todos.code !== 0) fail('todo-sync --op getToDos', todos);
    out('$ todo-sync --op getToDos');
    out(JSON.stringify(JSON.parse(todos.stdout), null, 2));
    out();

    // The functions export their telemetry to the stack's OTLP receiver.
    const invocations = await runNodeScript(INVOCATIONS, [], {
      env: { ...env, ...stack.otlp.settings },
      cwd: workDir,
    });
    if (invocations.code !== 0) fail('the function handlers', invocations);
    const result = JSON.parse(invocations.stdout) as {
      http: { status: number; body: unknown; log: string[]; traceparent: string };
      timer: { error?: string; log: string[]; traceparent: string };
    };
    out(`POST /api/sync (function syncTodos) -> ${String(result.http.status)}`);
    out(JSON.stringify(result.http.body, null, 2));
    out();
    out("Its trace (OpenTelemetry, as the stack's OTLP receiver got it):");
    const traceId = result.http.traceparent.split('-')[1] ?? '';
    for (const line of renderTraceTree(stack.otlp.spans(), traceId)) out(`  ${line}`);
    out();
    out('Timer run (function syncTodosTimer), its log:');
    for (const line of result.timer.log) out(`  ${line}`);
    if (result.http.status !== 200 || result.timer.error) {
      process.stderr.write(`demo: a sync failed: ${result.timer.error ?? 'see above'}\n`);
      process.exitCode = 1;
    }
  } finally {
    await stack?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}

await main();
