// One local stack per test file, on random ports, using the CA that runTests created and that
// this process already trusts (its NODE_EXTRA_CA_CERTS points at the bundle holding it).
import { startLocalStack } from '../../stack/localStack.js';
import type { LocalStack, LocalStackOptions } from '../../stack/localStack.js';
import { loadLocalCa } from '../../stack/tls.js';

export type { LocalStack } from '../../stack/localStack.js';

export async function startTestStack(
  opts: Omit<LocalStackOptions, 'ca'> = {},
): Promise<LocalStack> {
  const caDir = process.env.TODO_SYNC_CA_DIR;
  if (caDir === undefined || caDir === '') {
    throw new Error(
      'TODO_SYNC_CA_DIR is not set: run tests through npm test (node dist/test/support/runTests.js), which creates the local CA and makes the test process trust it',
    );
  }
  return startLocalStack({ ...opts, ca: await loadLocalCa(caDir) });
}
