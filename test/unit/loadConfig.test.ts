import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, requireStorage, secretSettingValues } from '../../src/config/loadConfig.js';
import { Redactor } from '../../src/logging/redact.js';
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
      AzureWebJobsStorage__clientId: '22223333-cccc-4444-dddd-5555eeee6666',
    });
    assert.deepEqual(config.storage, {
      kind: 'identity',
      blobServiceUri: 'https://mystorage.blob.core.windows.net',
      credential: 'managedidentity',
      clientId: '22223333-cccc-4444-dddd-5555eeee6666',
    });
  });

  it('lets the CLI work without storage but demands it for a sync', () => {
    const { AzureWebJobsStorage: _omit, ...rest } = valid;
    const config = loadConfig(rest);
    assert.equal(config.storage, undefined);
    assert.throws(() => requireStorage(config), /AzureWebJobsStorage is not set/);
  });

  it('refuses plain http to a public storage account whatever the case of the scheme', () => {
    const key = 'c2VjcmV0a2V5c2VjcmV0a2V5';
    for (const protocol of ['http', 'HTTP', 'Http']) {
      const found = problems({
        ...valid,
        AzureWebJobsStorage: `DefaultEndpointsProtocol=${protocol};AccountName=public;AccountKey=${key}`,
      });
      assert.equal(found.length, 1, `${protocol}: ${found.join(' | ')}`);
      assert.match(found[0] ?? '', /^AzureWebJobsStorage uses http for a non-loopback/);
      assert.ok(!found.join('\n').includes(key));
    }
    for (const endpoint of ['HTTP://public.blob.core.windows.net', 'Http://10.0.0.5:10000/acct']) {
      assert.match(
        problems({
          ...valid,
          AzureWebJobsStorage: `BlobEndpoint=${endpoint};AccountName=a;AccountKey=${key}`,
        })[0] ?? '',
        /^AzureWebJobsStorage uses http for a non-loopback/,
      );
    }
    for (const uri of ['HTTP://mystorage.blob.core.windows.net', 'hTtP://mystorage.blob']) {
      const { AzureWebJobsStorage: _omit, ...rest } = valid;
      assert.match(
        problems({ ...rest, AzureWebJobsStorage__blobServiceUri: uri })[0] ?? '',
        /^AzureWebJobsStorage__blobServiceUri uses http:\/\/ for a non-loopback host/,
      );
    }
    // Loopback stays allowed in any case, and https in any case is https.
    assert.equal(
      loadConfig({
        ...valid,
        AzureWebJobsStorage: `DefaultEndpointsProtocol=HTTP;AccountName=a;AccountKey=${key};BlobEndpoint=HTTP://127.0.0.1:10000/a`,
      }).storage?.kind,
      'connectionString',
    );
    assert.equal(
      loadConfig({
        ...valid,
        AzureWebJobsStorage: `DefaultEndpointsProtocol=HTTPS;AccountName=a;AccountKey=${key}`,
      }).storage?.kind,
      'connectionString',
    );
  });

  it('refuses a user name or password in any URL setting, by name, without echoing it', () => {
    const password = 'pA55w0rd-in-url';
    const { AzureWebJobsStorage: _omit, CLIENT_SECRET: _secret, ...rest } = valid;
    const found = problems({
      ...rest,
      API_ENDPOINT: `https://daemon:${password}@api.contoso.com/api/todolist`,
      AUTHORITY: `https://me:${password}@login.microsoftonline.com/contoso.onmicrosoft.com`,
      KEY_VAULT_URL: `https://vault:${password}@my-vault.vault.azure.net/`,
      CLIENT_SECRET_NAME: 'daemon-secret',
      AzureWebJobsStorage__blobServiceUri: `https://${password}@mystorage.blob.core.windows.net`,
    });
    for (const name of [
      'API_ENDPOINT',
      'AUTHORITY',
      'KEY_VAULT_URL',
      'AzureWebJobsStorage__blobServiceUri',
    ]) {
      assert.ok(
        found.some((p) => p.startsWith(`${name} has a user name or password in it`)),
        `no userinfo problem for ${name}: ${found.join(' | ')}`,
      );
    }
    assert.equal(found.length, 4, found.join(' | '));
    assert.ok(!found.join('\n').includes(password));
    // Also when the URL is wrong in another way, and in a connection string's BlobEndpoint.
    const http = problems({ ...valid, API_ENDPOINT: `http://u:${password}@api.contoso.com/x` });
    assert.deepEqual(http.length, 1, http.join(' | '));
    assert.ok(!http.join('\n').includes(password));
    const blob = problems({
      ...valid,
      AzureWebJobsStorage: `BlobEndpoint=https://u:${password}@a.blob.core.windows.net;AccountName=a;AccountKey=k2V5a2V5a2V5`,
    });
    assert.match(
      blob[0] ?? '',
      /^AzureWebJobsStorage has a BlobEndpoint with a user name or password in it/,
    );
    assert.ok(!blob.join('\n').includes(password));
  });

  it('reports a missing storage with every other problem when the operation needs it', () => {
    const { AzureWebJobsStorage: _omit, ...rest } = valid;
    let error: unknown;
    try {
      loadConfig(
        { ...rest, CLIENT_ID: undefined, SCOPES: 'api://a api://b' },
        { needs: ['storage'] },
      );
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.problems.length, 3, error.problems.join(' | '));
    assert.ok(error.problems.some((p) => p.startsWith('CLIENT_ID is not set')));
    assert.ok(error.problems.some((p) => p.startsWith('SCOPES must be one application ID URI')));
    assert.ok(error.problems.some((p) => p.startsWith('AzureWebJobsStorage is not set')));
    // Needed and present: fine; not needed: its absence is no problem.
    assert.equal(loadConfig(valid, { needs: ['storage'] }).storage?.kind, 'connectionString');
    assert.equal(loadConfig(rest).storage, undefined);
  });

  it('checks GUID-shaped settings as GUIDs, naming the setting with an example', () => {
    const found = problems({
      ...valid,
      CLIENT_ID: 'my-daemon-app',
      AZURE_CLIENT_ID: 'uami-client-id',
      AzureWebJobsStorage: undefined,
      AzureWebJobsStorage__accountName: 'mystorage',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: '1234',
    });
    assert.equal(found.length, 3, found.join(' | '));
    assert.match(
      found.find((p) => p.startsWith('CLIENT_ID ')) ?? '',
      /^CLIENT_ID must be a GUID \("my-daemon-app"\).*"00001111-aaaa-2222-bbbb-3333cccc4444"/,
    );
    assert.match(
      found.find((p) => p.startsWith('AZURE_CLIENT_ID ')) ?? '',
      /^AZURE_CLIENT_ID must be a GUID .*"22223333-cccc-4444-dddd-5555eeee6666"/,
    );
    assert.match(
      found.find((p) => p.startsWith('AzureWebJobsStorage__clientId ')) ?? '',
      /^AzureWebJobsStorage__clientId must be a GUID /,
    );
    // Either case: the portal shows lower case, other tools upper case.
    assert.equal(
      loadConfig({ ...valid, CLIENT_ID: 'AAAABBBB-0000-CCCC-1111-DDDD2222EEEE' }).clientId,
      'AAAABBBB-0000-CCCC-1111-DDDD2222EEEE',
    );
    // A placeholder is reported as a placeholder only.
    const placeholder = problems({ ...valid, CLIENT_ID: 'Enter_the_Application_Id_Here' });
    assert.equal(placeholder.length, 1, placeholder.join(' | '));
  });

  it('says what is missing for each half-configured credential', () => {
    const { CLIENT_SECRET: _secret, ...base } = valid;
    const vault = 'https://my-vault.vault.azure.net/';
    const only = (env: Record<string, string | undefined>): string => {
      const found = problems(env);
      assert.equal(found.length, 1, found.join(' | '));
      return found[0] ?? '';
    };
    assert.match(
      only({ ...base, KEY_VAULT_URL: vault }),
      /^KEY_VAULT_URL is set but neither CLIENT_CERTIFICATE_NAME nor CLIENT_SECRET_NAME: set one/,
    );
    assert.match(
      only({ ...base, CLIENT_SECRET_NAME: 'daemon-secret' }),
      /^CLIENT_SECRET_NAME needs KEY_VAULT_URL: set it to the vault's URL/,
    );
    assert.match(
      only({ ...base, CLIENT_CERTIFICATE_NAME: 'daemon-cert' }),
      /^CLIENT_CERTIFICATE_NAME needs KEY_VAULT_URL: set it to the vault's URL/,
    );
    assert.match(
      only({ ...base, KEY_VAULT_URL: vault, KEY_VAULT_CERTIFICATE_VERSION: 'abc' }),
      /^KEY_VAULT_CERTIFICATE_VERSION is set without CLIENT_CERTIFICATE_NAME/,
    );
    assert.match(
      only({ ...base, KEY_VAULT_SECRET_VERSION: 'abc' }),
      /^KEY_VAULT_SECRET_VERSION is set without CLIENT_SECRET_NAME/,
    );
    const { AzureWebJobsStorage: _storage, ...noStorage } = valid;
    for (const [name, value] of [
      ['AzureWebJobsStorage__credential', 'managedidentity'],
      ['AzureWebJobsStorage__clientId', '22223333-cccc-4444-dddd-5555eeee6666'],
    ] as const) {
      assert.match(
        only({ ...noStorage, [name]: value }),
        new RegExp(
          `^${name} is set but neither AzureWebJobsStorage__blobServiceUri nor AzureWebJobsStorage__accountName`,
        ),
      );
    }
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
        AZURE_CLIENT_ID: '22223333-cccc-4444-dddd-5555eeee6666',
      });
      assert.deepEqual(pinned.credential, {
        kind: 'keyVaultSecret',
        vaultUrl: 'https://my-vault.vault.azure.net',
        name: 'daemon-secret',
        version: 'abc123',
      });
      assert.equal(pinned.azureClientId, '22223333-cccc-4444-dddd-5555eeee6666');
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
        /^KEY_VAULT_URL is set but neither/,
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

  it('scrubs each OTLP header value on its own, per-signal headers too', () => {
    const redactor = new Redactor(
      secretSettingValues({
        CLIENT_SECRET: 'client-secret-value-1',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=collector-key-42,x-tenant=t%3Dsecret-99',
        OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'authorization=logs-token-77',
      }),
    );
    const text = redactor.redact(
      'sent api-key collector-key-42 for t=secret-99 and logs-token-77 with client-secret-value-1',
    );
    for (const secret of [
      'collector-key-42',
      't=secret-99',
      'logs-token-77',
      'client-secret-value-1',
    ]) {
      assert.ok(!text.includes(secret), text);
    }
    // Names are not secrets: the redactor keeps them.
    assert.match(text, /^sent api-key \[REDACTED\]/);
  });
});
