// The fault matrix of issue 10, managed-identity rows: in managed-identity mode MSAL's client
// assertion is a managed-identity token fetched on each token request; when that endpoint stalls,
// the token request must end within CALL_TIMEOUT_SECONDS, and the run with it. A process of its
// own: MSAL keeps the managed-identity endpoint, and its tokens, in static state per process.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LocalStack } from '../../stack/localStack.js';
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

/** The seeding run uses the client secret: no managed-identity token is cached in this process. */
function secretModeSettings(): Record<string, string | undefined> {
  return { ...stack.settings, CLIENT_CREDENTIAL: undefined, CLIENT_SECRET: stack.clientSecret };
}

const assertionTimedOut =
  /^The managed-identity endpoint did not give a token for the federated credential within 1 s \(CALL_TIMEOUT_SECONDS\)\.$/;

const STALLS: { label: string; stall: Stall }[] = [
  { label: 'never answers', stall: { mode: 'noAnswer' } },
  { label: 'stalls after headers', stall: { mode: 'stallAfterHeaders' } },
  { label: 'trickles', stall: { mode: 'trickle', intervalMs: 200 } },
];

describe('fault matrix: the managed-identity endpoint stalls (managed-identity mode)', () => {
  before(async () => {
    stack = await startTestStack({ credential: 'managedIdentity' });
    process.env.IDENTITY_ENDPOINT = stack.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = stack.managedIdentity.header;
    inspector = new BlobInspector(stack.azurite.connectionString);
  });
  afterEach(() => {
    stack.managedIdentity.stalls.clear();
  });
  after(async () => {
    await stack.stop();
  });

  for (const { label, stall } of STALLS) {
    it(`the managed-identity endpoint ${label}: the assertion ends at CALL_TIMEOUT_SECONDS`, async (t) => {
      const run = faultRuntime(stack.settings, { runBudgetSeconds: 8 });
      await seed(secretModeSettings(), run.container);
      const started = stack.managedIdentity.stalls.started();
      stack.managedIdentity.stalls.next({ ...stall, count: 100 });
      await expectBoundedFailure(t, run, inspector, secrets, {
        label: `managed-identity endpoint ${label} (assertion)`,
        boundMs: CALL_TIMEOUT_SECONDS * 1000,
        name: 'AuthError',
        code: 'auth',
        message: assertionTimedOut,
      });
      assert.ok(stack.managedIdentity.stalls.started() > started, 'the assertion was stalled');
    });
  }

  it('once the endpoint answers again, the next run succeeds', async () => {
    const run = faultRuntime(stack.settings, { runBudgetSeconds: 8 });
    await seed(secretModeSettings(), run.container);
    assert.ok((await run.runtime.sync('cli')).count > 0);
  });
});
