import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { after, describe, it } from 'node:test';
import { createCredentialSource } from '../../src/auth/createCredentialSource.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ExpiryWarnings } from '../../src/auth/expiryWarning.js';
import { systemClock } from '../../src/core/clock.js';
import { VaultError } from '../../src/errors.js';
import type { Logger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';
import { closeServer, listenOnLoopback } from '../../stack/serverLifecycle.js';
import { loadLocalCa } from '../../stack/tls.js';
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

/** A loopback server that counts the requests it gets and refuses each with `reply`. */
async function countingServer(
  server: Server,
  reply: (res: ServerResponse) => void,
): Promise<{ port: number; requests: () => number }> {
  let count = 0;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    count += 1;
    reply(res);
  });
  const port = await listenOnLoopback(server);
  return { port, requests: () => count };
}

/** Lets anything already started (an import, a connection) run on before counting. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('createCredentialSource', () => {
  const servers: Server[] = [];
  after(async () => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    await Promise.all(servers.map((server) => closeServer(server)));
  });

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

  it('describes vault and managed-identity sources without contacting anything before use', async () => {
    // A vault that answers as Key Vault does to an identity without a role on it.
    const caDir = process.env.TODO_SYNC_CA_DIR;
    assert.ok(caDir, 'run through npm test, which makes this process trust the local CA');
    const vaultServer = createHttpsServer((await loadLocalCa(caDir)).issueServerCert());
    servers.push(vaultServer);
    const vault = await countingServer(vaultServer, (res) => {
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          error: { code: 'Forbidden', message: 'no', innererror: { code: 'ForbiddenByRbac' } },
        }),
      );
    });
    // An App Service managed-identity endpoint that refuses every request.
    const miServer = createHttpServer();
    servers.push(miServer);
    const mi = await countingServer(miServer, (res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: 'no' }));
    });
    // Read by the identity SDK at its first managed-identity request, not before.
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${mi.port}/msi/token`;
    process.env.IDENTITY_HEADER = 'test-header';

    const { logger } = captureLogger();
    const vaultUrl = `https://127.0.0.1:${vault.port}`;
    const vaultSource = createCredentialSource(
      loadConfig({ ...base, KEY_VAULT_URL: vaultUrl, CLIENT_CERTIFICATE_NAME: 'c' }),
      context(logger),
    );
    assert.equal(vaultSource.description, `certificate "c" from Key Vault ${vaultUrl}`);
    const miSource = createCredentialSource(
      loadConfig({ ...base, CLIENT_CREDENTIAL: 'managedIdentity', AZURE_CLIENT_ID: UAMI }),
      context(logger),
    );
    assert.equal(miSource.description, `managed identity ${UAMI} as a federated credential`);
    await settle();
    assert.equal(vault.requests(), 0, 'creating the vault source read nothing');
    assert.equal(mi.requests(), 0, 'creating the managed-identity source asked for nothing');

    // The same servers do see a load: so the zeros above could have been otherwise.
    await assert.rejects(vaultSource.load(), (err: unknown) => {
      assert.ok(err instanceof VaultError);
      assert.match(err.message, /403 Forbidden/);
      return true;
    });
    assert.equal(vault.requests(), 1, 'one read, by the load, none left over from creation');

    // A managed identity's assertion is fetched each time MSAL asks for one, not at load.
    const credential = await miSource.load();
    await settle();
    assert.equal(mi.requests(), 0, 'loading fetched no assertion');
    assert.ok('clientAssertion' in credential && typeof credential.clientAssertion === 'function');
    await assert.rejects(credential.clientAssertion({ clientId: 'client', tokenEndpoint: 'x' }));
    assert.equal(mi.requests(), 1, 'one request, for the assertion asked for');
  });
});
