import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, requireStorage } from '../../src/config/loadConfig.js';
import { ConfigError } from '../../src/errors.js';

const SECRET = 'sEcReT~value.for_tests-123';

const valid = {
  CLIENT_ID: '00001111-aaaa-2222-bbbb-3333cccc4444',
  AUTHORITY: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
  CLIENT_SECRET: SECRET,
  API_ENDPOINT: 'https://localhost:44351/api/todolist',
  SCOPES: 'api://11112222-bbbb-3333-cccc-4444dddd5555',
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses a valid Entra configuration', () => {
    const config = loadConfig(valid);
    assert.equal(config.clientId, valid.CLIENT_ID);
    assert.deepEqual(config.authority, {
      url: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      kind: 'entra',
      knownAuthorities: [],
    });
    assert.equal(config.scope, 'api://11112222-bbbb-3333-cccc-4444dddd5555/.default');
    assert.equal(config.apiEndpoint, 'https://localhost:44351/api/todolist');
    assert.equal(config.syncContainer, 'todo-sync');
    assert.deepEqual(config.storage, {
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
    });
  });

  it('keeps a /.default scope as it is and strips trailing slashes', () => {
    assert.equal(loadConfig({ ...valid, SCOPES: 'api://x/.default' }).scope, 'api://x/.default');
    assert.equal(loadConfig({ ...valid, SCOPES: 'api://x/' }).scope, 'api://x/.default');
  });

  it('trusts External ID and other OIDC authorities through knownAuthorities', () => {
    const ciam = loadConfig({
      ...valid,
      AUTHORITY: 'https://contoso.ciamlogin.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/',
    });
    assert.equal(ciam.authority.kind, 'externalId');
    assert.equal(
      ciam.authority.url,
      'https://contoso.ciamlogin.com/aaaabbbb-0000-cccc-1111-dddd2222eeee',
    );
    assert.deepEqual(ciam.authority.knownAuthorities, ['contoso.ciamlogin.com']);
    const local = loadConfig({ ...valid, AUTHORITY: 'https://127.0.0.1:8443/tenant' });
    assert.equal(local.authority.kind, 'oidc');
    assert.deepEqual(local.authority.knownAuthorities, ['127.0.0.1:8443']);
  });

  it('rejects an External ID authority with a domain name as tenant, saying why', () => {
    const [problem] = problems({
      ...valid,
      AUTHORITY: 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com',
    });
    assert.match(problem ?? '', /AUTHORITY .*tenant ID GUID/);
  });

  it('names every missing setting with an example, all at once', () => {
    const found = problems({});
    assert.ok(found.some((p) => p.startsWith('No credential is configured: set exactly one of')));
    for (const name of ['CLIENT_ID', 'AUTHORITY', 'API_ENDPOINT', 'SCOPES']) {
      assert.ok(
        found.some((p) => p.startsWith(`${name} is not set: set it to`)),
        `no problem names ${name}: ${found.join(' | ')}`,
      );
    }
    assert.ok(found.some((p) => p.includes('"https://localhost:44351/api/todolist"')));
  });

  it('reports malformed values of different settings together', () => {
    const found = problems({
      ...valid,
      CLIENT_SECRET: undefined,
      AUTHORITY: 'http://login.microsoftonline.com/x',
      API_ENDPOINT: 'not a url',
    });
    assert.equal(found.length, 3, found.join(' | '));
  });

  it("rejects the tutorial's placeholders without echoing secret values", () => {
    const found = problems({
      ...valid,
      CLIENT_ID: 'Enter_the_Application_Id_Here',
      CLIENT_SECRET: 'Enter_the_Client_Secret_Here',
    });
    assert.equal(found.length, 2);
    assert.ok(found.every((p) => p.includes('placeholder')));
    assert.ok(!found.join(' ').includes('Enter_the_Client_Secret_Here'));
  });

  it('never echoes a secret value in any message', () => {
    const leaky = 'AccountName=x;AccountKey=c2VjcmV0a2V5;DefaultEndpointsProtocol=http';
    const found = problems({ ...valid, AzureWebJobsStorage: leaky, API_ENDPOINT: 'ftp://x' });
    const text = found.join('\n');
    assert.ok(!text.includes('c2VjcmV0a2V5'));
    assert.match(text, /AzureWebJobsStorage uses http for a non-loopback blob endpoint/);
  });

  it('refuses http:// except for loopback hosts', () => {
    assert.equal(
      loadConfig({ ...valid, API_ENDPOINT: 'http://127.0.0.1:5000/api/todolist' }).apiEndpoint,
      'http://127.0.0.1:5000/api/todolist',
    );
    assert.equal(
      loadConfig({ ...valid, API_ENDPOINT: 'http://localhost:5000/api/todolist' }).apiEndpoint,
      'http://localhost:5000/api/todolist',
    );
    const [problem] = problems({ ...valid, API_ENDPOINT: 'http://api.contoso.com/api/todolist' });
    assert.match(problem ?? '', /^API_ENDPOINT uses http:\/\/ for a non-loopback host/);
    const [authority] = problems({ ...valid, AUTHORITY: 'http://127.0.0.1:8443/t' });
    assert.match(authority ?? '', /^AUTHORITY must use https/);
  });

  it('rejects a list of scopes', () => {
    const [problem] = problems({ ...valid, SCOPES: 'api://a api://b' });
    assert.match(problem ?? '', /^SCOPES must be one application ID URI/);
  });

  it('validates the container name', () => {
    const [problem] = problems({ ...valid, SYNC_CONTAINER: 'Bad_Name' });
    assert.match(problem ?? '', /^SYNC_CONTAINER must be a blob container name/);
    assert.equal(loadConfig({ ...valid, SYNC_CONTAINER: 'my-sync' }).syncContainer, 'my-sync');
  });

  it('reads identity-based storage settings as Azure sets them', () => {
    const { AzureWebJobsStorage: _omit, ...rest } = valid;
    const config = loadConfig({
      ...rest,
      AzureWebJobsStorage__accountName: 'mystorage',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: 'client-guid',
    });
    assert.deepEqual(config.storage, {
      kind: 'identity',
      blobServiceUri: 'https://mystorage.blob.core.windows.net',
      credential: 'managedidentity',
      clientId: 'client-guid',
    });
  });

  it('lets the CLI work without storage but demands it for a sync', () => {
    const { AzureWebJobsStorage: _omit, ...rest } = valid;
    const config = loadConfig(rest);
    assert.equal(config.storage, undefined);
    assert.throws(() => requireStorage(config), /AzureWebJobsStorage is not set/);
  });

  describe('credential modes', () => {
    const { CLIENT_SECRET: _secret, ...base } = valid;
    const vault = 'https://my-vault.vault.azure.net/';

    it('reads a client secret from the environment', () => {
      assert.deepEqual(loadConfig(valid).credential, {
        kind: 'clientSecret',
        clientSecret: SECRET,
      });
      assert.equal(loadConfig(valid).runningInAzure, false);
      assert.equal(loadConfig({ ...valid, WEBSITE_INSTANCE_ID: 'abc' }).runningInAzure, true);
    });

    it('reads a Key Vault certificate or secret, with an optional version pin', () => {
      assert.deepEqual(
        loadConfig({ ...base, KEY_VAULT_URL: vault, CLIENT_CERTIFICATE_NAME: 'daemon-cert' })
          .credential,
        {
          kind: 'keyVaultCertificate',
          vaultUrl: 'https://my-vault.vault.azure.net',
          name: 'daemon-cert',
          version: undefined,
        },
      );
      const pinned = loadConfig({
        ...base,
        KEY_VAULT_URL: vault,
        CLIENT_SECRET_NAME: 'daemon-secret',
        KEY_VAULT_SECRET_VERSION: 'abc123',
        AZURE_CLIENT_ID: 'uami-client-id',
      });
      assert.deepEqual(pinned.credential, {
        kind: 'keyVaultSecret',
        vaultUrl: 'https://my-vault.vault.azure.net',
        name: 'daemon-secret',
        version: 'abc123',
      });
      assert.equal(pinned.azureClientId, 'uami-client-id');
    });

    it('takes a managed identity, with or without a vault URL', () => {
      for (const extra of [{}, { KEY_VAULT_URL: vault }]) {
        const config = loadConfig({ ...base, ...extra, CLIENT_CREDENTIAL: 'managedIdentity' });
        assert.deepEqual(config.credential, { kind: 'managedIdentity' });
      }
    });

    it('refuses an ambiguous choice, naming the settings', () => {
      const [problem] = problems({
        ...valid,
        KEY_VAULT_URL: vault,
        CLIENT_CERTIFICATE_NAME: 'cert',
      });
      assert.match(
        problem ?? '',
        /^The credential is ambiguous: CLIENT_SECRET and CLIENT_CERTIFICATE_NAME are all set; set exactly one of/,
      );
      const [mi] = problems({ ...valid, CLIENT_CREDENTIAL: 'managedIdentity' });
      assert.match(mi ?? '', /CLIENT_SECRET and CLIENT_CREDENTIAL/);
    });

    it('refuses an incomplete choice, saying what to set', () => {
      assert.match(
        problems({ ...base, CLIENT_CERTIFICATE_NAME: 'cert' })[0] ?? '',
        /^CLIENT_CERTIFICATE_NAME needs KEY_VAULT_URL/,
      );
      assert.match(
        problems({ ...base, KEY_VAULT_URL: vault })[0] ?? '',
        /^No credential is configured/,
      );
      assert.match(
        problems({ ...valid, KEY_VAULT_CERTIFICATE_VERSION: 'v1' })[0] ?? '',
        /^KEY_VAULT_CERTIFICATE_VERSION is set without CLIENT_CERTIFICATE_NAME/,
      );
      assert.match(
        problems({ ...base, CLIENT_CREDENTIAL: 'certificate' })[0] ?? '',
        /^CLIENT_CREDENTIAL must be "managedIdentity"/,
      );
      assert.match(
        problems({
          ...base,
          KEY_VAULT_URL: 'http://my-vault.vault.azure.net',
          CLIENT_SECRET_NAME: 's',
        })[0] ?? '',
        /^KEY_VAULT_URL uses http:\/\/ for a non-loopback host/,
      );
    });
  });
});
