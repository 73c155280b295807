import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCredentialSource } from '../../src/auth/createCredentialSource.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ExpiryWarnings } from '../../src/auth/expiryWarning.js';
import { systemClock } from '../../src/core/clock.js';
import type { Logger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';
import { captureLogger } from '../support/capture.js';

function context(logger: Logger) {
  return {
    logger,
    redactor: new Redactor(),
    expiryWarnings: new ExpiryWarnings(logger, systemClock),
  };
}

const UAMI = '22223333-cccc-4444-dddd-5555eeee6666';

const base = {
  CLIENT_ID: '00001111-aaaa-2222-bbbb-3333cccc4444',
  AUTHORITY: 'https://login.microsoftonline.com/tenant',
  API_ENDPOINT: 'https://api.contoso.com/api/todolist',
  SCOPES: 'api://api',
};

describe('createCredentialSource', () => {
  it('uses CLIENT_SECRET as is, and warns when that happens in Azure', async () => {
    const local = captureLogger();
    const source = createCredentialSource(
      loadConfig({ ...base, CLIENT_SECRET: 'local-secret-1' }),
      context(local.logger),
    );
    assert.deepEqual(await source.load(), { clientSecret: 'local-secret-1' });
    assert.equal(await source.reload(), false);
    assert.deepEqual(local.lines, []);

    const azure = captureLogger();
    createCredentialSource(
      loadConfig({ ...base, CLIENT_SECRET: 'local-secret-1', WEBSITE_INSTANCE_ID: 'instance' }),
      context(azure.logger),
    );
    assert.equal(azure.lines.length, 1);
    assert.match(azure.lines[0] ?? '', /^warn: CLIENT_SECRET is used in Azure/);
  });

  it('describes vault and managed-identity sources without loading anything', () => {
    const { logger } = captureLogger();
    const vault = createCredentialSource(
      loadConfig({
        ...base,
        KEY_VAULT_URL: 'https://v.vault.azure.net',
        CLIENT_CERTIFICATE_NAME: 'c',
      }),
      context(logger),
    );
    assert.equal(vault.description, 'certificate "c" from Key Vault https://v.vault.azure.net');
    const mi = createCredentialSource(
      loadConfig({ ...base, CLIENT_CREDENTIAL: 'managedIdentity', AZURE_CLIENT_ID: UAMI }),
      context(logger),
    );
    assert.equal(mi.description, `managed identity ${UAMI} as a federated credential`);
  });
});
