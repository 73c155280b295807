// Each credential mode of the local stack: the settings that select it and what the vault holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LOCAL_MANAGED_IDENTITY,
  VAULT_CERTIFICATE_NAME,
  VAULT_CLIENT_SECRET_NAME,
} from '../../stack/localStack.js';
import type { StackCredential } from '../../stack/localStack.js';
import { startTestStack } from '../support/stackForTests.js';

const MI_SETTINGS = ['AZURE_CLIENT_ID', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER'];

const EXPECTED: Record<Exclude<StackCredential, 'secret' | 'vaultCertificate'>, string[]> = {
  vaultSecret: ['KEY_VAULT_URL', 'CLIENT_SECRET_NAME', ...MI_SETTINGS],
  vaultCertificatePkcs12: ['KEY_VAULT_URL', 'CLIENT_CERTIFICATE_NAME', ...MI_SETTINGS],
  managedIdentity: ['CLIENT_CREDENTIAL', ...MI_SETTINGS],
};
const MODE_KEYS = [
  'CLIENT_SECRET',
  'KEY_VAULT_URL',
  'CLIENT_SECRET_NAME',
  'CLIENT_CERTIFICATE_NAME',
  'CLIENT_CREDENTIAL',
  ...MI_SETTINGS,
];

describe('local stack credential modes', () => {
  for (const [mode, keys] of Object.entries(EXPECTED)) {
    it(`${mode}: settings select it and the vault holds both credentials`, async () => {
      const stack = await startTestStack({ credential: mode as StackCredential });
      try {
        const present = MODE_KEYS.filter((k) => stack.settings[k] !== undefined);
        assert.deepEqual(present.sort(), [...keys].sort());
        assert.equal(stack.credential, mode);
        assert.equal(stack.settings.AZURE_CLIENT_ID, LOCAL_MANAGED_IDENTITY.clientId);
        if (mode === 'managedIdentity')
          assert.equal(stack.settings.CLIENT_CREDENTIAL, 'managedIdentity');
        if (stack.settings.KEY_VAULT_URL !== undefined) {
          assert.equal(stack.settings.KEY_VAULT_URL, stack.vault.vaultUrl);
        }
        assert.ok(stack.vault.currentVersion(VAULT_CLIENT_SECRET_NAME));
        // The certificate is in this mode's format (a raw read with a managed-identity token).
        const { accessToken } = await stack.idp.mintManagedIdentityToken({
          ...LOCAL_MANAGED_IDENTITY,
          resource: 'https://vault.azure.net',
        });
        const response = await fetch(
          `${stack.vault.vaultUrl}/secrets/${VAULT_CERTIFICATE_NAME}?api-version=7.6`,
          { headers: { authorization: `Bearer ${accessToken}` } },
        );
        assert.equal(response.status, 200);
        const bundle = (await response.json()) as { contentType?: string; value?: string };
        if (mode === 'vaultCertificatePkcs12') {
          assert.equal(bundle.contentType, 'application/x-pkcs12');
          assert.equal(bundle.value, stack.daemonCertificate.pkcs12Base64);
        } else {
          assert.equal(bundle.contentType, 'application/x-pem-file');
          assert.equal(bundle.value, stack.daemonCertificate.pemBundle);
        }
        assert.ok(stack.startupMs > 0);
      } finally {
        await stack.stop();
      }
    });
  }

  it('rotating the secret in secret mode updates CLIENT_SECRET in the settings', async () => {
    const stack = await startTestStack();
    try {
      assert.equal(stack.credential, 'secret');
      assert.equal(stack.settings.IDENTITY_ENDPOINT, undefined);
      const next = await stack.rotateClientSecret();
      assert.equal(stack.settings.CLIENT_SECRET, next);
      assert.equal(stack.clientSecret, next);
    } finally {
      await stack.stop();
    }
  });
});
