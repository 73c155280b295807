// The fault matrix of issue 10, Key Vault rows (vault certificate mode, the production default):
// the vault, or the managed-identity endpoint that gives the vault's token, stalls; the vault
// read must end within CALL_TIMEOUT_SECONDS, its token included, and the run with it. A process of
// its own: MSAL keeps the managed-identity endpoint, and its tokens, in static state per process.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { VAULT_CERTIFICATE_NAME, type LocalStack } from '../../stack/localStack.js';
import type { Stall } from '../../stack/stall.js';
import {
  BlobInspector,
  CALL_TIMEOUT_SECONDS,
  expectBoundedFailure,
  faultRuntime,
  seed,
  stackSecrets,
} from '../support/faultMatrix.js';
import { startTestStack } from '../support/stackForTests.js';

let stack: LocalStack;
let inspector: BlobInspector;
const secrets = () => stackSecrets(stack);

/**
 * The seeding run takes the client secret from the settings, so that it caches no
 * managed-identity token in this process: the stalled runs must really ask for one.
 */
function secretModeSettings(): Record<string, string | undefined> {
  return {
    ...stack.settings,
    KEY_VAULT_URL: undefined,
    CLIENT_CERTIFICATE_NAME: undefined,
    CLIENT_SECRET: stack.clientSecret,
  };
}

async function seededRuntime() {
  const run = faultRuntime(stack.settings, { runBudgetSeconds: 8 });
  await seed(secretModeSettings(), run.container);
  return run;
}

const vaultReadTimedOut = new RegExp(
  `^Key Vault https://127\\.0\\.0\\.1:\\d+ did not answer the read of secret "${VAULT_CERTIFICATE_NAME}" within 1 s \\(CALL_TIMEOUT_SECONDS\\), its token included`,
);

describe('fault matrix: Key Vault and its managed-identity token stall (vault certificate mode)', () => {
  before(async () => {
    stack = await startTestStack({ credential: 'vaultCertificate' });
    // The platform sets these in Azure; MSAL's managed identity reads them from the process.
    process.env.IDENTITY_ENDPOINT = stack.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = stack.managedIdentity.header;
    inspector = new BlobInspector(stack.azurite.connectionString);
  });
  afterEach(() => {
    stack.vault.stalls.clear();
    stack.managedIdentity.stalls.clear();
  });
  after(async () => {
    await stack.stop();
  });

  // First in the file: no managed-identity token for the vault is cached in this process yet.
  it("the managed-identity endpoint never answers the vault's token request", async (t) => {
    const run = await seededRuntime();
    stack.managedIdentity.stalls.next({ mode: 'noAnswer', count: 100 });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'managed-identity endpoint never answers (vault token)',
      boundMs: CALL_TIMEOUT_SECONDS * 1000,
      name: 'VaultError',
      code: 'vault',
      message: vaultReadTimedOut,
    });
    assert.ok(stack.managedIdentity.stalls.started() >= 1, 'the token request was stalled');
  });

  // Row: "Key Vault accepts TCP, never answers: over 200 s", and the other two stall modes.
  const vaultStalls: [title: string, label: string, stall: Stall][] = [
    [
      'Key Vault accepts and never answers: the read ends at CALL_TIMEOUT_SECONDS',
      'Key Vault never answers',
      { mode: 'noAnswer' },
    ],
    [
      'Key Vault sends headers, then nothing',
      'Key Vault stalls after headers',
      { mode: 'stallAfterHeaders' },
    ],
    ['Key Vault trickles its answer', 'Key Vault trickles', { mode: 'trickle', intervalMs: 200 }],
  ];
  for (const [title, label, stall] of vaultStalls) {
    it(title, async (t) => {
      const run = await seededRuntime();
      stack.vault.stalls.next({ ...stall, count: 100 });
      await expectBoundedFailure(t, run, inspector, secrets, {
        label,
        boundMs: CALL_TIMEOUT_SECONDS * 1000,
        name: 'VaultError',
        code: 'vault',
        message: vaultReadTimedOut,
      });
    });
  }

  it('once the vault answers again, the next run succeeds', async () => {
    const run = await seededRuntime();
    assert.ok((await run.runtime.sync('cli')).count > 0);
  });
});
