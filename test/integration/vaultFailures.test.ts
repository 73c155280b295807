import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/loadConfig.js';
import { VaultError } from '../../src/errors.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import { createDaemonCertificate } from '../../stack/daemonCertificate.js';
import {
  VAULT_CERTIFICATE_NAME,
  VAULT_CLIENT_SECRET_NAME,
  type LocalStack,
} from '../../stack/localStack.js';
import { captureLogger } from '../support/capture.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { startTestStack } from '../support/stackForTests.js';

let stack: LocalStack;
let cwd: string;

/** The vault-certificate settings with some replaced or removed. */
function settings(changes: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...stack.settings, SYNC_CONTAINER: 'vault-failures', ...changes };
}

/** One sync in a runtime of its own (another instance). */
function sync(changes: Record<string, string | undefined>) {
  const { logger, lines } = captureLogger();
  const runtime = createRuntime(loadConfig(settings(changes)), { logger });
  return { result: runtime.sync('cli'), lines };
}

async function rejectsWithVaultError(changes: Record<string, string | undefined>, message: RegExp) {
  await assert.rejects(sync(changes).result, (err: unknown) => {
    assert.ok(err instanceof VaultError, `expected VaultError, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('Key Vault failures', () => {
  before(async () => {
    stack = await startTestStack({ credential: 'vaultCertificate' });
    process.env.IDENTITY_ENDPOINT = stack.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = stack.managedIdentity.header;
    cwd = await mkdtemp(join(tmpdir(), 'todo-sync-vault-'));
  });
  after(async () => {
    await stack.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('403 names the vault, the item and the role', async () => {
    stack.vault.setForbidden(true);
    try {
      await rejectsWithVaultError(
        {},
        new RegExp(
          `secret "${VAULT_CERTIFICATE_NAME}" in Key Vault https://127\\.0\\.0\\.1:\\d+ \\(403 Forbidden\\): the identity needs the "Key Vault Secrets User" role`,
        ),
      );
      // The CLI: a vault refusal is a server refusal, exit 1, the same words on stderr.
      const run = await runCliProcess(['--op', 'getToDos'], {
        env: {
          ...cliBaseEnv(),
          ...settings({}),
        },
        cwd,
      });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Key Vault Secrets User/);
    } finally {
      stack.vault.setForbidden(false);
    }
  });

  it('404 for a missing item', async () => {
    await rejectsWithVaultError(
      { CLIENT_CERTIFICATE_NAME: 'no-such-cert' },
      /secret "no-such-cert" in Key Vault .* was not found \(404\)/,
    );
  });

  it('a disabled secret', async () => {
    const certificate = await createDaemonCertificate();
    const version = stack.vault.setSecret('disabled-cert', {
      value: certificate.pemBundle,
      contentType: 'application/x-pem-file',
    });
    stack.vault.setEnabled('disabled-cert', version, false);
    await rejectsWithVaultError(
      { CLIENT_CERTIFICATE_NAME: 'disabled-cert' },
      /is disabled: enable it/,
    );
  });

  it('the wrong content type, either way round', async () => {
    await rejectsWithVaultError(
      { CLIENT_CERTIFICATE_NAME: VAULT_CLIENT_SECRET_NAME },
      /has content type "text\/plain", not a certificate's .* For a plain secret use CLIENT_SECRET_NAME/,
    );
    await rejectsWithVaultError(
      { CLIENT_CERTIFICATE_NAME: undefined, CLIENT_SECRET_NAME: VAULT_CERTIFICATE_NAME },
      /is a certificate \(application\/x-pem-file\): set CLIENT_CERTIFICATE_NAME=/,
    );
  });

  it('a vault that cannot be reached', async () => {
    await rejectsWithVaultError(
      { KEY_VAULT_URL: 'https://127.0.0.1:9' },
      /Could not reach Key Vault to read the secret "todo-sync-daemon" in Key Vault https:\/\/127\.0\.0\.1:9/,
    );
  });

  it('a pinned version is the one used', async () => {
    const current = stack.vault.currentVersion(VAULT_CERTIFICATE_NAME) ?? '';
    stack.vault.setSecret(VAULT_CERTIFICATE_NAME, {
      value: (await createDaemonCertificate()).pemBundle,
      contentType: 'application/x-pem-file',
    });
    // The new current version is not registered at the IdP; the pinned one is.
    const { result } = sync({ KEY_VAULT_CERTIFICATE_VERSION: current });
    assert.equal((await result).count, 3);
  });

  it('warns once per runtime (so per process) when the certificate expires within 30 days', async () => {
    const expiring = await createDaemonCertificate({
      notAfter: new Date(Date.now() + 10 * 24 * 60 * 60 * 1000),
    });
    stack.idp.setClientCertificate(stack.clientId, expiring.certPem);
    stack.vault.setSecret('expiring-cert', {
      value: expiring.pemBundle,
      contentType: 'application/x-pem-file',
    });
    const { logger, lines } = captureLogger();
    const runtime = createRuntime(
      loadConfig(settings({ CLIENT_CERTIFICATE_NAME: 'expiring-cert' })),
      { logger },
    );
    assert.equal((await runtime.sync('cli')).count, 3);
    const warnings = lines.filter((l) => l.includes('expires in'));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /^warn: The certificate "expiring-cert" in Key Vault .* expires in (9|10) day\(s\)/,
    );
    // A refused credential makes the runtime read the vault again (the same certificate, so
    // the refusal stands): it has warned about that certificate already.
    const reads = stack.vault.reads('expiring-cert');
    stack.idp.failNextTokenRequests(1, 401);
    await assert.rejects(runtime.tokens.getToken({ forceRefresh: true }), /invalid_client/);
    assert.equal(stack.vault.reads('expiring-cert'), reads + 1);
    assert.equal(lines.filter((l) => l.includes('expires in')).length, 1);
    // Another instance (a runtime of its own) warns once too.
    const other = sync({ CLIENT_CERTIFICATE_NAME: 'expiring-cert' });
    await other.result;
    assert.equal(other.lines.filter((l) => l.includes('expires in')).length, 1);
  });
});
