import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/loadConfig.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import type { LocalStack, StackCredential } from '../../stack/localStack.js';
import { captureLogger } from './capture.js';
import { startTestStack } from './stackForTests.js';

const EXPECTED_METHOD = {
  secret: 'secret',
  vaultSecret: 'secret',
  vaultCertificate: 'certificate',
  vaultCertificatePkcs12: 'certificate',
  managedIdentity: 'federated',
} as const;

/**
 * One credential mode end to end: the product's own config, MSAL, @azure/identity and
 * @azure/keyvault-secrets against the local IdP, vault and managed-identity endpoint. One mode
 * per test file, because MSAL keeps the managed-identity endpoint in static state per process.
 */
export function describeCredentialMode(mode: StackCredential): void {
  const fromVault = mode.startsWith('vault');
  let stack: LocalStack;
  let containers = 0;

  const newRuntime = () => {
    const { logger, lines } = captureLogger();
    const config = loadConfig({
      ...stack.settings,
      SYNC_CONTAINER: `${mode.toLowerCase()}-${++containers}`,
    });
    return { runtime: createRuntime(config, { logger }), lines };
  };

  describe(`credential mode ${mode}`, () => {
    before(async () => {
      stack = await startTestStack({ credential: mode });
      // The platform sets these in Azure; MSAL's managed identity reads them from the process.
      process.env.IDENTITY_ENDPOINT = stack.managedIdentity.endpoint;
      process.env.IDENTITY_HEADER = stack.managedIdentity.header;
    });
    after(async () => {
      await stack.stop();
    });

    it('three syncs in one process: one IdP request, the vault read once', async (t) => {
      const { runtime } = newRuntime();
      const idp = stack.idp.tokenRequests();
      const byMethod = stack.idp.tokenRequestsBy(EXPECTED_METHOD[mode]);
      const reads = stack.vault.reads();
      const vaultRequests = stack.vault.requests().length;
      const mi = stack.managedIdentity.tokenRequests();
      for (let i = 0; i < 3; i++) assert.equal((await runtime.sync('timer')).count, 3);
      const counts = {
        idp: stack.idp.tokenRequests() - idp,
        vaultReads: stack.vault.reads() - reads,
        vaultRequests: stack.vault.requests().length - vaultRequests,
        managedIdentity: stack.managedIdentity.tokenRequests() - mi,
      };
      t.diagnostic(
        `${mode}, 3 syncs: IdP token requests ${counts.idp}, vault reads ${counts.vaultReads} (vault HTTP requests ${counts.vaultRequests}), managed-identity token requests ${counts.managedIdentity}`,
      );
      assert.equal(counts.idp, 1);
      assert.equal(stack.idp.tokenRequestsBy(EXPECTED_METHOD[mode]) - byMethod, 1);
      assert.equal(counts.vaultReads, fromVault ? 1 : 0);
      // Vault modes: one token for the vault; managed identity: one assertion.
      assert.equal(counts.managedIdentity, mode === 'secret' ? 0 : 1);
    });

    if (fromVault) {
      it('a rotated credential takes effect on the next run with exactly one extra vault read', async () => {
        const { runtime, lines } = newRuntime();
        await runtime.sync('timer');
        const reads = stack.vault.reads();
        if (mode === 'vaultSecret') await stack.rotateClientSecret();
        else await stack.rotateCertificate();
        // The cached token is refused, as it would be once it expires: MSAL must go to the IdP.
        stack.api.faults.next({ kind: 'unauthorized', method: 'GET' });
        assert.equal((await runtime.sync('timer')).count, 3);
        assert.equal(stack.vault.reads() - reads, 1);
        assert.ok(lines.some((l) => l.includes('credential rejected; retrying once')));
        await runtime.sync('timer');
        assert.equal(stack.vault.reads() - reads, 1, 'no further vault read after rotation');
      });
    }
  });
}
