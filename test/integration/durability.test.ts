import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { BLOB_NAMES } from '../../src/store/blobSyncStore.js';
import { runNodeScript } from '../../stack/runNodeScript.js';
import type { LocalStack } from '../../stack/localStack.js';
import { startTestStack } from '../support/stackForTests.js';

const ANSWER_THEN_DIE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'support',
  'answerThenDie.js',
);

let stack: LocalStack;
let blobs: BlobServiceClient;

/** Runs one invocation in a host process that is killed the instant it has answered. */
async function answerThenDie(trigger: 'http' | 'timer', container: string) {
  const run = await runNodeScript(ANSWER_THEN_DIE, [trigger], {
    env: { ...process.env, ...stack.settings, SYNC_CONTAINER: container },
    cwd: process.cwd(),
  });
  assert.equal(run.code, null, `killed by its signal, not exited: ${run.stderr}`);
  const line = run.stdout.trim();
  assert.ok(line, `it answered before it died: ${run.stderr}`);
  return JSON.parse(line) as Record<string, unknown>;
}

async function json(container: ContainerClient, name: string): Promise<Record<string, unknown>> {
  const body = await container.getBlobClient(name).downloadToBuffer();
  return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
}

async function runRecords(container: ContainerClient): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: 'runs/' })) {
    records.push(await json(container, blob.name));
  }
  return records;
}

describe('an answer means it is stored (the host killed right after)', () => {
  before(async () => {
    stack = await startTestStack();
    blobs = BlobServiceClient.fromConnectionString(stack.settings.AzureWebJobsStorage ?? '');
  });
  after(async () => {
    await stack.stop();
  });

  for (const trigger of ['http', 'timer'] as const) {
    it(`${trigger}: the snapshot, the status and the run record are stored, the lock free`, async () => {
      const container = blobs.getContainerClient(`durability-${trigger}`);
      const answer = await answerThenDie(trigger, container.containerName);
      if (trigger === 'http') assert.equal(answer.status, 200);

      const last = await json(container, BLOB_NAMES.lastRun);
      assert.equal(last.status, 'succeeded');
      assert.equal(last.trigger, trigger);
      if (trigger === 'http') {
        assert.equal(last.runId, (answer.body as { runId: string }).runId);
      }
      assert.deepEqual(await runRecords(container), [last]);
      const snapshot = await container.getBlobClient(BLOB_NAMES.snapshot).getProperties();
      assert.equal(snapshot.metadata?.runid, last.runId);
      // Released before the answer: no lease left to expire.
      assert.equal(snapshot.leaseState, 'available');
    });
  }
});
