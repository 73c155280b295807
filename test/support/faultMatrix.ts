// The checks every row of the fault matrix (issue 10) makes: the run ended within its bound,
// with the right error naming what it waited for; its failure record is stored (unless storage is
// the stalled peer); the snapshot is untouched; the lock is free at once; no secret anywhere.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { RunRecord } from '../../src/core/syncRecords.js';
import { TodoSyncError, type ErrorCode } from '../../src/errors.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { BLOB_NAMES } from '../../src/store/blobSyncStore.js';
import type { LocalStack } from '../../stack/localStack.js';
import { captureLogger, findLeaks } from './capture.js';

/** What the bounds allow on top of the documented bound: scheduling on a shared 2-core machine. */
export const SLACK_MS = 3_000;

/** The small bounds the matrix runs with, so that a stall costs seconds, not minutes. */
export const CALL_TIMEOUT_SECONDS = 1;

/**
 * The documented worst case of a call retried like an API call (README, "Time bounds"): up to 4
 * attempts of CALL_TIMEOUT_SECONDS each, and at most 30 s of waits between them.
 */
export const RETRIED_CALL_BOUND_MS = 4 * CALL_TIMEOUT_SECONDS * 1000 + 30_000;

export interface FaultRuntime {
  runtime: Runtime;
  lines: string[];
  container: string;
}

/** Reads the blobs a run leaves behind, straight from Azurite (never through a stalled proxy). */
export class BlobInspector {
  readonly #blobs: BlobServiceClient;

  constructor(connectionString: string) {
    this.#blobs = BlobServiceClient.fromConnectionString(connectionString);
  }

  async snapshot(container: string): Promise<{ text: string; etag: string | undefined }> {
    const blob = this.#blobs.getContainerClient(container).getBlobClient(BLOB_NAMES.snapshot);
    const body = await blob.downloadToBuffer();
    const { etag } = await blob.getProperties();
    return { text: body.toString('utf8'), etag };
  }

  async lastRun(container: string): Promise<{ text: string; record: RunRecord } | undefined> {
    const blob = this.#blobs.getContainerClient(container).getBlobClient(BLOB_NAMES.lastRun);
    if (!(await blob.exists())) return undefined;
    const text = (await blob.downloadToBuffer()).toString('utf8');
    return { text, record: JSON.parse(text) as RunRecord };
  }

  /** Takes the sync lock (the snapshot's lease) at once and gives it back: throws if it is held. */
  async assertLockFree(container: string): Promise<void> {
    const lease = this.#blobs
      .getContainerClient(container)
      .getBlobClient(BLOB_NAMES.snapshot)
      .getBlobLeaseClient();
    await lease.acquireLease(15);
    await lease.releaseLease();
  }

  /** The lease's state: a lock left behind must be a finite (60 s) lease that frees itself. */
  async lease(container: string): Promise<{ state?: string; duration?: string }> {
    const props = await this.#blobs
      .getContainerClient(container)
      .getBlobClient(BLOB_NAMES.snapshot)
      .getProperties();
    return { state: props.leaseState, duration: props.leaseDuration };
  }
}

let containers = 0;

/**
 * A runtime of its own (a cold instance: own MSAL client and token cache) with the matrix's
 * bounds, on a container of its own unless one is given.
 */
export function faultRuntime(
  settings: Record<string, string | undefined>,
  options: { runBudgetSeconds: number; container?: string },
): FaultRuntime {
  const container = options.container ?? `fault-matrix-${(++containers).toString()}`;
  const { logger, lines } = captureLogger();
  const config = loadConfig({
    ...settings,
    SYNC_CONTAINER: container,
    CALL_TIMEOUT_SECONDS: CALL_TIMEOUT_SECONDS.toString(),
    SYNC_TIMEOUT_SECONDS: options.runBudgetSeconds.toString(),
  });
  return { runtime: createRuntime(config, { logger }), lines, container };
}

/** Every secret of the stack that must never show: client secret, tokens, keys, connection strings. */
export function stackSecrets(stack: LocalStack, extra: readonly (string | undefined)[] = []) {
  const keyLines = stack.daemonCertificate.keyPem
    .split('\n')
    .filter((line) => line.length >= 40 && !line.startsWith('-----'));
  return [
    stack.clientSecret,
    ...stack.idp.issuedTokens(),
    stack.azurite.accountKey,
    stack.settings.AzureWebJobsStorage,
    stack.managedIdentity.header,
    ...keyLines,
    ...extra,
  ].filter((s): s is string => typeof s === 'string' && s !== '');
}

export interface ExpectedFailure {
  /** The row, for the diagnostic line. */
  label: string;
  /** The documented bound of this stall (the run budget or the call's own, whichever is lower). */
  boundMs: number;
  name: string;
  code: ErrorCode;
  message: RegExp;
  /** Storage is the stalled peer: no failure record can be stored, and the lock may stay. */
  storageStalled?: boolean;
}

export interface FaultRun {
  error: TodoSyncError;
  elapsedMs: number;
}

/**
 * Runs one sync that must fail under a stall, and checks what every row checks. The container
 * must hold a snapshot already (a seeded run), so that "untouched" means something.
 */
export async function expectBoundedFailure(
  t: TestContext,
  run: FaultRuntime,
  inspector: BlobInspector,
  secrets: () => readonly string[],
  expected: ExpectedFailure,
): Promise<FaultRun> {
  const before = await inspector.snapshot(run.container);
  const recordBefore = await inspector.lastRun(run.container);
  assert.ok(before.text.length > 0, 'the container holds a snapshot from a good run');

  const started = performance.now();
  // A run that never ends fails here, by name, instead of hanging the test file.
  const hardCapMs = expected.boundMs + SLACK_MS + 30_000;
  const cap = new AbortController();
  const outcome = await Promise.race([
    run.runtime.sync('cli').then(
      (summary) => ({ summary }),
      (error: unknown) => ({ error }),
    ),
    delay(hardCapMs, { hung: true } as const, { signal: cap.signal }),
  ]);
  cap.abort();
  const elapsedMs = performance.now() - started;
  assert.ok(!('hung' in outcome), `${expected.label}: the run had not ended after ${hardCapMs} ms`);
  assert.ok('error' in outcome, `${expected.label}: the sync succeeded`);
  const { error } = outcome;
  assert.ok(error instanceof TodoSyncError, `not a TodoSyncError: ${String(error)}`);
  t.diagnostic(
    `${expected.label}: ended after ${(elapsedMs / 1000).toFixed(2)} s (bound ${(expected.boundMs / 1000).toFixed(1)} s + ${(SLACK_MS / 1000).toString()} s slack) with ${error.name}: ${error.message}`,
  );
  assert.equal(error.name, expected.name, error.message);
  assert.equal(error.code, expected.code);
  assert.match(error.message, expected.message);
  assert.ok(
    elapsedMs <= expected.boundMs + SLACK_MS,
    `${expected.label}: took ${elapsedMs.toFixed(0)} ms, over its bound of ${expected.boundMs.toString()} ms`,
  );

  // The last good snapshot is untouched, byte for byte and version for version.
  assert.deepEqual(await inspector.snapshot(run.container), before);

  const recordAfter = await inspector.lastRun(run.container);
  if (expected.storageStalled) {
    // Nothing could be stored; what was there stays.
    assert.deepEqual(recordAfter, recordBefore);
  } else {
    assert.ok(recordAfter, 'a failure record is stored');
    const { record } = recordAfter;
    assert.ok(record.status === 'failed', `the last run's status is ${record.status}`);
    assert.equal(record.error.code, expected.code);
    assert.equal(record.error.message, error.message);
    // Free at once: the run released it before it answered.
    await inspector.assertLockFree(run.container);
  }

  const texts = [
    ...run.lines,
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    recordAfter?.text ?? '',
  ];
  assert.deepEqual(findLeaks(texts, secrets()), []);
  return { error, elapsedMs };
}

/** The first good run of a container, so that a failed run has a snapshot to leave alone. */
export async function seed(settings: Record<string, string | undefined>, container: string) {
  const { runtime } = faultRuntime(settings, { runBudgetSeconds: 30, container });
  const summary = await runtime.sync('cli');
  assert.ok(summary.count > 0);
}
