// Managed-identity mode has neither a secret nor a certificate: when the identity provider
// refuses the federated credential, the hint must name what to check on the federated identity
// credential (issuer, subject, audience). Each run is a CLI process of its own, because MSAL
// keeps the managed-identity endpoint and its token cache in static state per process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startIdentityProvider, type IdentityProvider } from '../../stack/identityProvider.js';
import { LOCAL_API_APP_ID_URI, type LocalStack } from '../../stack/localStack.js';
import {
  startManagedIdentityEndpoint,
  type ManagedIdentityEndpoint,
} from '../../stack/managedIdentityEndpoint.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { startTestStack } from '../support/stackForTests.js';

let stack: LocalStack;
let cwd: string;
/** Signed by the stack's IdP, for an identity whose object ID no federated credential names. */
let otherSubject: ManagedIdentityEndpoint;
/** Another tenant's IdP, and a managed identity endpoint whose tokens it signs. */
let otherIdp: IdentityProvider;
let otherIssuer: ManagedIdentityEndpoint;

function cliWith(mi: { endpoint: string; header: string }) {
  return runCliProcess(['--op', 'getToDos'], {
    env: {
      ...cliBaseEnv(),
      ...stack.settings,
      IDENTITY_ENDPOINT: mi.endpoint,
      IDENTITY_HEADER: mi.header,
    },
    cwd,
  });
}

function assertFederatedHint(stderr: string): void {
  assert.match(stderr, /federated identity credential/);
  assert.ok(stderr.includes(`issuer ${stack.idp.issuer}`), stderr);
  assert.match(stderr, /subject .*object \(principal\) ID of the managed identity/);
  assert.match(stderr, /AZURE_CLIENT_ID/);
  assert.match(stderr, /audience api:\/\/AzureADTokenExchange/);
  // This mode has neither: a hint about them sends people the wrong way.
  assert.doesNotMatch(stderr, /secret or certificate/);
}

describe('managed-identity mode: a refused federated credential names what to check', () => {
  before(async () => {
    stack = await startTestStack({ credential: 'managedIdentity' });
    cwd = await mkdtemp(join(tmpdir(), 'todo-sync-mi-'));
    const { clientId } = stack.managedIdentity;
    otherSubject = await startManagedIdentityEndpoint({
      idp: stack.idp,
      identities: [{ clientId, objectId: '11111111-2222-3333-4444-555555555555' }],
    });
    otherIdp = await startIdentityProvider({
      ca: stack.ca,
      tenantId: '77777777-8888-4999-aaaa-bbbbbbbbbbbb',
      clients: [],
      apiAppIdUri: LOCAL_API_APP_ID_URI,
    });
    otherIssuer = await startManagedIdentityEndpoint({
      idp: otherIdp,
      identities: [{ clientId, objectId: stack.managedIdentity.objectId }],
    });
  });
  after(async () => {
    await Promise.all([otherSubject.stop(), otherIssuer.stop()]);
    await otherIdp.stop();
    await stack.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('the right identity gets the list (the setup works)', async () => {
    const run = await cliWith(stack.managedIdentity);
    assert.equal(run.code, 0, run.stderr);
  });

  it('AADSTS700213 (subject mismatch)', async () => {
    const run = await cliWith(otherSubject);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /AADSTS700213/);
    assertFederatedHint(run.stderr);
  });

  it('AADSTS700211 (issuer mismatch)', async () => {
    const run = await cliWith(otherIssuer);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /AADSTS700211/);
    assertFederatedHint(run.stderr);
  });
});
