// The local stack's credential peers with the real clients the product uses: MSAL Node with a
// certificate or a federated client assertion, @azure/identity's managed identity credentials
// against the App Service endpoint, and @azure/keyvault-secrets against the local vault.
// One stack per file on purpose: MSAL Node keeps the managed identity source (endpoint and
// header) and its tokens in static state for the whole process.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createSecureContext } from 'node:tls';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Configuration } from '@azure/msal-node';
import axios from 'axios';
import { decodeJwt } from 'jose';
import { createDaemonCertificate } from '../../stack/daemonCertificate.js';
import type { DaemonCertificate } from '../../stack/daemonCertificate.js';
import { VAULT_CERTIFICATE_NAME, VAULT_CLIENT_SECRET_NAME } from '../../stack/localStack.js';
import { startTestStack } from '../support/stackForTests.js';
import type { LocalStack } from '../support/stackForTests.js';

const SCOPE = 'api://todo-sync-local-api/.default';
const EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let stack: LocalStack;

function msalApp(auth: Partial<Configuration['auth']>): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: stack.clientId,
      authority: stack.idp.authority,
      knownAuthorities: [`127.0.0.1:${stack.idp.port}`],
      ...auth,
    },
  });
}

function certificateAuth(cert: DaemonCertificate): Partial<Configuration['auth']> {
  return {
    clientCertificate: {
      thumbprintSha256: cert.thumbprintSha256,
      privateKey: cert.keyPem,
      x5c: cert.chainPem,
    },
  };
}

function secretClient(): SecretClient {
  return new SecretClient(
    stack.vault.vaultUrl,
    new DefaultAzureCredential({ managedIdentityClientId: stack.managedIdentity.clientId }),
    // The vault is on 127.0.0.1, not *.vault.azure.net: only ever for an explicitly local vault.
    { disableChallengeResourceVerification: true },
  );
}

/** Posts a client credentials request with a hand-made client assertion. */
async function postAssertion(
  assertion: string,
): Promise<{ status: number; data: { error?: string; error_description?: string } }> {
  return axios.post(
    stack.idp.tokenEndpoint,
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: stack.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
      scope: SCOPE,
    }),
    { validateStatus: () => true },
  );
}

function rejectsWith(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, pattern);
    return true;
  };
}

interface RestLike {
  statusCode?: number;
  code?: string;
  details?: { error?: { innerError?: { code?: string } } };
}

describe('local stack credentials: certificate, managed identity, Key Vault', () => {
  before(async () => {
    stack = await startTestStack({ credential: 'vaultCertificate' });
    // What App Service puts in the environment. MSAL Node reads both at the first managed
    // identity token request (not at construction) and keeps them for the process's life.
    process.env.IDENTITY_ENDPOINT = stack.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = stack.managedIdentity.header;
  });

  after(async () => {
    await stack.stop();
  });

  it('settings name the vault, the certificate and the managed identity, and no secret', () => {
    const { settings } = stack;
    assert.equal(settings.KEY_VAULT_URL, stack.vault.vaultUrl);
    assert.equal(settings.CLIENT_CERTIFICATE_NAME, VAULT_CERTIFICATE_NAME);
    assert.equal(settings.AZURE_CLIENT_ID, stack.managedIdentity.clientId);
    assert.equal(settings.IDENTITY_ENDPOINT, stack.managedIdentity.endpoint);
    assert.equal(settings.IDENTITY_HEADER, stack.managedIdentity.header);
    assert.equal(settings.CLIENT_SECRET, undefined);
    assert.equal(settings.CLIENT_SECRET_NAME, undefined);
    assert.match(stack.vault.vaultUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(stack.managedIdentity.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
  });

  it('MSAL gets a token with a certificate (PS256, x5t#S256, x5c chain)', async () => {
    const cert = await createDaemonCertificate({ withChain: true });
    assert.equal((cert.chainPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    stack.idp.setClientCertificate(stack.clientId, cert.certPem);
    try {
      const before = stack.idp.tokenRequestsBy('certificate');
      const app = msalApp(certificateAuth(cert));
      const result = await app.acquireTokenByClientCredential({ scopes: [SCOPE] });
      assert.ok(result?.accessToken);
      assert.equal(decodeJwt(result.accessToken).azp, stack.clientId);
      // MSAL reuses its signed assertion (same jti) for 10 minutes; Entra accepts that.
      const again = await app.acquireTokenByClientCredential({ scopes: [SCOPE], skipCache: true });
      assert.equal(again?.fromCache, false);
      assert.equal(stack.idp.tokenRequestsBy('certificate'), before + 2);
    } finally {
      stack.idp.setClientCertificate(stack.clientId, stack.daemonCertificate.certPem);
    }
  });

  it('MSAL gets a token with the SHA-1 thumbprint too (RS256, x5t)', async () => {
    const cert = stack.daemonCertificate;
    const result = await msalApp({
      // The deprecated SHA-1 path on purpose: the stack's IdP must take what MSAL may still send.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      clientCertificate: { thumbprint: cert.thumbprintSha1, privateKey: cert.keyPem },
    }).acquireTokenByClientCredential({ scopes: [SCOPE] });
    assert.ok(result?.accessToken);
  });

  it('an unregistered or expired certificate is invalid_client AADSTS700027', async () => {
    const stranger = await createDaemonCertificate();
    await assert.rejects(
      msalApp(certificateAuth(stranger)).acquireTokenByClientCredential({ scopes: [SCOPE] }),
      rejectsWith(/invalid_client[\s\S]*AADSTS700027[\s\S]*key was not found/),
    );

    const expired = await createDaemonCertificate({ notAfter: new Date(Date.now() - 60_000) });
    stack.idp.setClientCertificate(stack.clientId, expired.certPem);
    try {
      await assert.rejects(
        msalApp(certificateAuth(expired)).acquireTokenByClientCredential({ scopes: [SCOPE] }),
        rejectsWith(/AADSTS700027[\s\S]*expired/),
      );
    } finally {
      stack.idp.setClientCertificate(stack.clientId, stack.daemonCertificate.certPem);
    }
  });

  it('the managed identity endpoint speaks the App Service protocol', async () => {
    const { endpoint, header, clientId } = stack.managedIdentity;
    const get = (
      query: string,
      headers: Record<string, string> = { 'X-IDENTITY-HEADER': header },
    ) => fetch(`${endpoint}?api-version=2019-08-01&${query}`, { headers });

    const ok = await get(
      `resource=${encodeURIComponent('https://vault.azure.net')}&client_id=${clientId}`,
    );
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'client_id',
      'expires_on',
      'resource',
      'token_type',
    ]);
    assert.match(String(body.expires_on), /^\d{10}$/);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.client_id, clientId);
    const claims = decodeJwt(String(body.access_token));
    assert.equal(claims.iss, stack.idp.issuer);
    assert.equal(claims.aud, 'https://vault.azure.net');
    assert.equal(claims.sub, stack.managedIdentity.objectId);
    assert.equal(claims.oid, stack.managedIdentity.objectId);
    assert.equal(claims.appid, clientId);
    assert.equal(claims.idtyp, 'app');

    // The only identity is the default; object_id and mi_res_id select it too.
    assert.equal((await get('resource=https://vault.azure.net')).status, 200);
    assert.equal(
      (await get(`resource=https://vault.azure.net&object_id=${stack.managedIdentity.objectId}`))
        .status,
      200,
    );
    const byResourceId = `mi_res_id=${encodeURIComponent(stack.managedIdentity.resourceId)}`;
    assert.equal((await get(`resource=https://vault.azure.net&${byResourceId}`)).status, 200);

    assert.equal((await get('resource=https://vault.azure.net', {})).status, 400);
    assert.equal(
      (await get('resource=https://vault.azure.net', { 'X-IDENTITY-HEADER': 'nope' })).status,
      401,
    );
    const unknownId = await get('resource=https://vault.azure.net&client_id=not-an-identity');
    assert.equal(unknownId.status, 400);
    assert.equal(typeof ((await unknownId.json()) as { message?: unknown }).message, 'string');
    assert.equal((await get('resource=https://unknown.example')).status, 400);
  });

  it('MSAL gets a token with a managed identity token as federated client assertion', async () => {
    const credential = new ManagedIdentityCredential({ clientId: stack.managedIdentity.clientId });
    const miBefore = stack.managedIdentity.tokenRequests('api://AzureADTokenExchange');
    const federatedBefore = stack.idp.tokenRequestsBy('federated');
    const clientAssertion = async (): Promise<string> =>
      (await credential.getToken(EXCHANGE_SCOPE)).token;

    const result = await msalApp({ clientAssertion }).acquireTokenByClientCredential({
      scopes: [SCOPE],
    });
    assert.ok(result?.accessToken);
    assert.equal(decodeJwt(result.accessToken).azp, stack.clientId);
    assert.equal(stack.idp.tokenRequestsBy('federated'), federatedBefore + 1);
    assert.equal(stack.managedIdentity.tokenRequests(EXCHANGE_SCOPE), miBefore + 1);

    // A second app token: MSAL Node calls the assertion callback again, but its managed identity
    // token cache is process-wide, so the endpoint is not asked again.
    const second = await msalApp({ clientAssertion }).acquireTokenByClientCredential({
      scopes: [SCOPE],
    });
    assert.ok(second?.accessToken);
    assert.equal(stack.idp.tokenRequestsBy('federated'), federatedBefore + 2);
    assert.equal(stack.managedIdentity.tokenRequests(EXCHANGE_SCOPE), miBefore + 1);
  });

  it('a federated assertion with the wrong subject, audience or signer is invalid_client', async () => {
    const { clientId, objectId } = stack.managedIdentity;
    const exchange = 'api://AzureADTokenExchange';

    const wrongSubject = await stack.idp.mintManagedIdentityToken({
      clientId,
      objectId: '11111111-2222-3333-4444-555555555555',
      resource: exchange,
    });
    const subjectReply = await postAssertion(wrongSubject.accessToken);
    assert.equal(subjectReply.status, 401);
    assert.equal(subjectReply.data.error, 'invalid_client');
    assert.match(subjectReply.data.error_description ?? '', /^AADSTS700213: /);

    const wrongAudience = await stack.idp.mintManagedIdentityToken({
      clientId,
      objectId,
      resource: 'https://vault.azure.net',
    });
    const audienceReply = await postAssertion(wrongAudience.accessToken);
    assert.equal(audienceReply.status, 401);
    assert.equal(audienceReply.data.error, 'invalid_client');
    assert.match(audienceReply.data.error_description ?? '', /^AADSTS700212: /);

    // The right claims with a broken signature.
    const good = await stack.idp.mintManagedIdentityToken({
      clientId,
      objectId,
      resource: exchange,
    });
    const [head, payload, signature = ''] = good.accessToken.split('.');
    const tampered = `${head}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const forgedReply = await postAssertion(tampered);
    assert.equal(forgedReply.status, 401);
    assert.match(forgedReply.data.error_description ?? '', /^AADSTS50013: /);

    // MSAL surfaces it as invalid_client with the AADSTS number.
    await assert.rejects(
      msalApp({ clientAssertion: wrongSubject.accessToken }).acquireTokenByClientCredential({
        scopes: [SCOPE],
      }),
      rejectsWith(/invalid_client[\s\S]*AADSTS700213/),
    );
    assert.equal((await postAssertion(good.accessToken)).status, 200);
  });

  it('the vault challenges an unauthenticated request the way Key Vault does', async () => {
    const response = await fetch(
      `${stack.vault.vaultUrl}/secrets/${VAULT_CLIENT_SECRET_NAME}/?api%2Dversion=7.6`,
    );
    assert.equal(response.status, 401);
    assert.equal(
      response.headers.get('www-authenticate'),
      `Bearer authorization="${stack.idp.authority}", resource="https://vault.azure.net"`,
    );
    // A token for another audience (the ToDo API) is refused the same way.
    const apiToken = await msalApp(
      certificateAuth(stack.daemonCertificate),
    ).acquireTokenByClientCredential({
      scopes: [SCOPE],
    });
    const wrongAudience = await fetch(
      `${stack.vault.vaultUrl}/secrets/${VAULT_CLIENT_SECRET_NAME}?api-version=7.6`,
      { headers: { authorization: `Bearer ${apiToken?.accessToken ?? ''}` } },
    );
    assert.equal(wrongAudience.status, 401);
    assert.ok(wrongAudience.headers.get('www-authenticate'));
  });

  it('SecretClient with DefaultAzureCredential reads the secret and the PEM certificate', async () => {
    const client = secretClient();
    const readsBefore = stack.vault.reads();
    const requestsBefore = stack.vault.requests().length;

    const secret = await client.getSecret(VAULT_CLIENT_SECRET_NAME);
    assert.equal(secret.value, stack.clientSecret);
    assert.equal(secret.properties.contentType, 'text/plain');
    assert.equal(secret.properties.version, stack.vault.currentVersion(VAULT_CLIENT_SECRET_NAME));
    assert.equal(secret.properties.vaultUrl, stack.vault.vaultUrl);
    assert.equal(secret.properties.enabled, true);
    assert.equal(secret.properties.recoveryLevel, 'Recoverable+Purgeable');

    const certificate = await client.getSecret(VAULT_CERTIFICATE_NAME);
    assert.equal(certificate.properties.contentType, 'application/x-pem-file');
    assert.equal(certificate.value, stack.daemonCertificate.pemBundle);
    assert.equal(certificate.properties.managed, true);
    assert.equal(
      Math.floor((certificate.properties.expiresOn?.getTime() ?? 0) / 1000),
      Math.floor(stack.daemonCertificate.notAfter.getTime() / 1000),
    );

    assert.equal(stack.vault.reads(), readsBefore + 2);
    assert.equal(stack.vault.reads(VAULT_CERTIFICATE_NAME), 1);
    // One challenge probe for the client's first request, then one request per read.
    const seen = stack.vault.requests().slice(requestsBefore);
    assert.deepEqual(
      seen.map((r) => [r.status, r.authenticated]),
      [
        [401, false],
        [200, true],
        [200, true],
      ],
    );
    assert.ok(stack.managedIdentity.tokenRequests('https://vault.azure.net') >= 1);
  });

  it('pinned versions, a disabled version, RBAC refusal and a missing secret', async () => {
    const client = secretClient();
    const name = 'pinned-secret';
    const first = stack.vault.setSecret(name, { value: 'first value', contentType: 'text/plain' });
    const second = stack.vault.setSecret(name, { value: 'second value' });
    assert.match(first, /^[0-9a-f]{32}$/);

    assert.equal((await client.getSecret(name)).value, 'second value');
    const pinned = await client.getSecret(name, { version: first });
    assert.equal(pinned.value, 'first value');
    assert.equal(pinned.properties.version, first);

    stack.vault.setEnabled(name, second, false);
    await assert.rejects(client.getSecret(name), (error: unknown) => {
      const e = error as RestLike;
      assert.equal(e.statusCode, 403);
      assert.equal(e.code, 'Forbidden');
      assert.equal(e.details?.error?.innerError?.code, 'SecretDisabled');
      return true;
    });
    assert.equal((await client.getSecret(name, { version: first })).value, 'first value');

    stack.vault.setForbidden(true);
    try {
      await assert.rejects(client.getSecret(name, { version: first }), (error: unknown) => {
        const e = error as RestLike;
        assert.equal(e.statusCode, 403);
        assert.equal(e.details?.error?.innerError?.code, 'ForbiddenByRbac');
        return true;
      });
    } finally {
      stack.vault.setForbidden(false);
    }

    await assert.rejects(client.getSecret('no-such-secret'), (error: unknown) => {
      const e = error as RestLike;
      assert.equal(e.statusCode, 404);
      assert.equal(e.code, 'SecretNotFound');
      return true;
    });
  });

  it('a PKCS#12 certificate secret is a standard PFX and converts to PEM on request', async () => {
    const cert = await createDaemonCertificate({ withChain: true, reverseChain: true });
    // OpenSSL (through Node's TLS) reads the PFX with the empty password.
    assert.doesNotThrow(() =>
      createSecureContext({ pfx: Buffer.from(cert.pkcs12Base64, 'base64'), passphrase: '' }),
    );
    // Reversed: the intermediate comes first in the vault's PEM.
    const [firstInBundle] =
      cert.pemBundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    assert.notEqual(
      new X509Certificate(firstInBundle ?? '').fingerprint256,
      new X509Certificate(cert.certPem).fingerprint256,
    );

    stack.vault.setSecret('pfx-certificate', {
      value: cert.pkcs12Base64,
      contentType: 'application/x-pkcs12',
      managed: true,
    });
    const client = secretClient();
    const asPfx = await client.getSecret('pfx-certificate');
    assert.equal(asPfx.properties.contentType, 'application/x-pkcs12');
    assert.equal(asPfx.value, cert.pkcs12Base64);
    const asPem = await client.getSecret('pfx-certificate', {
      outContentType: 'application/x-pem-file',
    });
    assert.equal(asPem.properties.contentType, 'application/x-pem-file');
    assert.match(asPem.value ?? '', /^-----BEGIN PRIVATE KEY-----/);
    assert.equal((asPem.value?.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
  });

  it('rotateCertificate: the old certificate is refused, the new one works and is in the vault', async () => {
    const old = stack.daemonCertificate;
    const oldVersion = stack.vault.currentVersion(VAULT_CERTIFICATE_NAME);
    const next = await stack.rotateCertificate();
    assert.notEqual(next.thumbprintSha256, old.thumbprintSha256);
    assert.equal(stack.daemonCertificate, next);

    await assert.rejects(
      msalApp(certificateAuth(old)).acquireTokenByClientCredential({ scopes: [SCOPE] }),
      rejectsWith(/AADSTS700027/),
    );
    const result = await msalApp(certificateAuth(next)).acquireTokenByClientCredential({
      scopes: [SCOPE],
    });
    assert.ok(result?.accessToken);

    assert.notEqual(stack.vault.currentVersion(VAULT_CERTIFICATE_NAME), oldVersion);
    const fromVault = await secretClient().getSecret(VAULT_CERTIFICATE_NAME);
    assert.equal(fromVault.value, next.pemBundle);
    if (oldVersion !== undefined) {
      const previous = await secretClient().getSecret(VAULT_CERTIFICATE_NAME, {
        version: oldVersion,
      });
      assert.equal(previous.value, old.pemBundle);
    }
  });

  it('rotateClientSecret: the old secret is refused, the new one works and is in the vault', async () => {
    const old = stack.clientSecret;
    const next = await stack.rotateClientSecret();
    assert.notEqual(next, old);
    assert.equal(stack.clientSecret, next);
    await assert.rejects(
      msalApp({ clientSecret: old }).acquireTokenByClientCredential({ scopes: [SCOPE] }),
      rejectsWith(/invalid_client/),
    );
    assert.ok(
      (await msalApp({ clientSecret: next }).acquireTokenByClientCredential({ scopes: [SCOPE] }))
        ?.accessToken,
    );
    assert.equal((await secretClient().getSecret(VAULT_CLIENT_SECRET_NAME)).value, next);
    // client_secret_basic is accepted as well as MSAL's client_secret_post.
    const basic = await axios.post<{ access_token?: string }>(
      stack.idp.tokenEndpoint,
      new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }),
      { auth: { username: stack.clientId, password: next }, validateStatus: () => true },
    );
    assert.equal(basic.status, 200);
    assert.ok(basic.data.access_token);
    assert.equal(stack.settings.CLIENT_SECRET, undefined, 'not in the settings in a vault mode');
  });
});
