import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  VAULT_CERTIFICATE_NAME,
  VAULT_CLIENT_SECRET_NAME,
  type LocalStack,
} from '../../stack/localStack.js';
import { findLeaks, newInvocation, syncRequest } from '../support/capture.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { startTestStack } from '../support/stackForTests.js';

/**
 * The no-leak check for the vault and managed-identity modes: vault values, private keys,
 * PKCS#12 content, managed-identity assertions and the identity header never appear in CLI
 * output, function logs, HTTP responses or any byte of exported telemetry (the CLI exports to
 * the stack's OTLP receiver here), on success or failure.
 */
let stack: LocalStack;
let cwd: string;
const seen: string[] = [];

const MODES: Record<string, Record<string, string | undefined>> = {
  certificate: {},
  pkcs12: { CLIENT_CERTIFICATE_NAME: 'daemon-pfx' },
  secret: { CLIENT_CERTIFICATE_NAME: undefined, CLIENT_SECRET_NAME: VAULT_CLIENT_SECRET_NAME },
  managedIdentity: { CLIENT_CERTIFICATE_NAME: undefined, CLIENT_CREDENTIAL: 'managedIdentity' },
  wrongType: { CLIENT_CERTIFICATE_NAME: undefined, CLIENT_SECRET_NAME: VAULT_CERTIFICATE_NAME },
};

async function cli(
  args: string[],
  changes: Record<string, string | undefined>,
): Promise<number | null> {
  const run = await runCliProcess([...args, '--verbose'], {
    env: {
      ...cliBaseEnv(),
      ...stack.otlp.settings,
      ...stack.settings,
      SYNC_CONTAINER: 'leak-vault',
      ...changes,
    },
    cwd,
  });
  seen.push(run.stdout, run.stderr);
  return run.code;
}

describe('no secret in any output, vault and managed-identity modes', () => {
  before(async () => {
    stack = await startTestStack({ credential: 'vaultCertificate' });
    stack.vault.setSecret('daemon-pfx', {
      value: stack.daemonCertificate.pkcs12Base64,
      contentType: 'application/x-pkcs12',
    });
    cwd = await mkdtemp(join(tmpdir(), 'todo-sync-leak-vault-'));
  });
  after(async () => {
    await stack.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('holds on success and failure paths', async () => {
    const codes: Record<string, number | null> = {};
    for (const [mode, changes] of Object.entries(MODES)) {
      codes[`${mode} getToDos`] = await cli(['--op', 'getToDos'], changes);
      codes[`${mode} sync`] = await cli(['--op', 'sync'], changes);
    }
    assert.deepEqual(codes, {
      'certificate getToDos': 0,
      'certificate sync': 0,
      'pkcs12 getToDos': 0,
      'pkcs12 sync': 0,
      'secret getToDos': 0,
      'secret sync': 0,
      'managedIdentity getToDos': 0,
      'managedIdentity sync': 0,
      'wrongType getToDos': 1,
      'wrongType sync': 1,
    });

    // Refusals: the vault forbids; the IdP no longer knows the secret the vault holds.
    stack.vault.setForbidden(true);
    assert.equal(await cli(['--op', 'sync'], {}), 1);
    stack.vault.setForbidden(false);
    stack.idp.setClientSecret(stack.clientId, 'a-different-secret-now');
    assert.equal(await cli(['--op', 'getToDos'], MODES.secret ?? {}), 1);

    // A handler whose vault read is refused answers 503 problem+json.
    Object.assign(process.env, stack.settings);
    stack.vault.setForbidden(true);
    const { syncTodos } = await import('../../src/functions/syncTodos.js');
    const { context, lines } = newInvocation('syncTodos');
    const response = await syncTodos(syncRequest('POST'), context);
    stack.vault.setForbidden(false);
    assert.equal(response.status, 503);
    seen.push(...lines, typeof response.body === 'string' ? response.body : '');

    // Every byte of telemetry exported, the vault's and the managed identity's calls included.
    const exported = stack.otlp.rawBodies();
    assert.ok(
      exported.some((body) => body.includes('SecretClient.getSecret')),
      'the vault reads were exported',
    );
    seen.push(...exported);

    const cert = stack.daemonCertificate;
    const keyBody = cert.keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const secrets = [
      stack.clientSecret,
      'a-different-secret-now',
      cert.keyPem,
      cert.pemBundle,
      cert.pkcs12Base64.slice(0, 64),
      ...keyBody,
      stack.managedIdentity.header,
      stack.azurite.accountKey,
      ...stack.idp.issuedTokens(),
    ];
    assert.ok(
      seen.some((t) => t.includes('Key Vault Secrets User')),
      'the refusals were captured',
    );
    assert.ok(
      seen.some((t) => t.includes('invalid_client')),
      'the IdP refusal was captured',
    );
    assert.ok(stack.idp.issuedTokens().length >= 8, 'tokens and assertions were issued');
    assert.deepEqual(findLeaks(seen, secrets), []);
  });
});
