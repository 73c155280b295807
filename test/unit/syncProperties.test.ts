// Property-based tests of the sync (issue 10): runSync over sequences of runs, each with an
// arbitrary API body (valid lists, near-valid ones, random JSON, random bytes) and an arbitrary
// fault (the API failing or hanging, a store operation failing or hanging, the lock held
// elsewhere or lost, another instance writing the snapshot before or during the run). Whatever
// happens: every run ends with a result or a TodoSyncError, nothing is left running, no rejection
// goes unhandled, the lock is free, the snapshot is always byte for byte a body that was once a
// valid list, a failed run leaves it alone (unless it failed storing its records after storing
// this run's list), and the last run's status matches the outcome.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { bodyDigest } from '../../src/core/bodyDigest.js';
import type { Todo } from '../../src/core/todo.js';
import { LockHeldError, TodoSyncError } from '../../src/errors.js';
import { runSync, type SyncDependencies } from '../../src/sync/runSync.js';
import { captureLogger } from '../support/capture.js';
import { FakeTodoApi } from '../support/fakeTodoApi.js';
import { InMemorySyncStore } from '../support/inMemorySyncStore.js';

// ---------------------------------------------------------------------------------------------
// The oracle: what a valid list is, written from the README's contract ("a JSON array of
// {id, owner, description}", ids integers or non-empty strings, no id twice), not from the code.

function decode(bytes: Buffer): unknown {
  // UTF-8, a byte order mark allowed (TextDecoder drops it), as the API's JSON is read.
  return JSON.parse(new TextDecoder('utf-8').decode(bytes)) as unknown;
}

/** The list, when `bytes` is a valid todo list; undefined otherwise. */
function validList(bytes: Buffer): unknown[] | undefined {
  let value: unknown;
  try {
    value = decode(bytes);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const ids = new Set<string>();
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    const { id, owner, description } = item as Record<string, unknown>;
    const idOk =
      (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id !== '');
    if (!idOk || typeof owner !== 'string' || typeof description !== 'string') return undefined;
    // 1 and "1" are different ids; 0 and -0 are the same.
    const key = `${typeof id}:${String(id)}`;
    if (ids.has(key)) return undefined;
    ids.add(key);
  }
  return value as unknown[];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const todoArb = fc.record(
  {
    id: fc.oneof(fc.integer({ min: -50, max: 50 }), fc.string({ minLength: 1, maxLength: 4 })),
    owner: fc.string({ maxLength: 8 }),
    description: fc.string({ maxLength: 12 }),
    done: fc.boolean(),
  },
  { requiredKeys: ['id', 'owner', 'description'] },
);

const listArb = fc.uniqueArray(todoArb, {
  maxLength: 5,
  selector: (t) => `${typeof t.id}:${String(t.id)}`,
});

/** A valid list as some API might format it: compact or indented, maybe with a BOM. */
const validBodyArb = fc
  .record({ list: listArb, indent: fc.constantFrom(0, 1, 2), bom: fc.boolean() })
  .map(({ list, indent, bom }) => {
    const text = JSON.stringify(list, null, indent);
    return Buffer.from(bom ? `\uFEFF${text}` : text);
  });

/** A valid list broken in one way: each of these is invalid by construction. */
const nearValidBodyArb = fc
  .record({
    list: fc.uniqueArray(todoArb, {
      minLength: 1,
      maxLength: 4,
      selector: (t) => `${typeof t.id}:${String(t.id)}`,
    }),
    defect: fc.constantFrom(
      'duplicateId',
      'missingField',
      'wrongType',
      'itemNotObject',
      'wrapped',
      'truncated',
      'trailingGarbage',
    ),
    field: fc.constantFrom('id', 'owner', 'description'),
    /** Neither an integer nor a non-empty string. */
    wrongId: fc.constantFrom<unknown>(null, 1.5, true, '', [], {}, 2 ** 53),
    /** Not a string. */
    wrongString: fc.constantFrom<unknown>(null, 1.5, true, [], {}, 7),
    notObject: fc.constantFrom<unknown>(null, 7, 'todo', [], true),
    at: fc.nat(),
  })
  .map(({ list, defect, field, wrongId, wrongString, notObject, at }) => {
    const items: unknown[] = list.map((t) => ({ ...t }));
    const i = at % items.length;
    const item = items[i] as Record<string, unknown>;
    switch (defect) {
      case 'duplicateId':
        items.push({ ...item, description: `${String(item.description)} again` });
        break;
      case 'missingField':
        items[i] = Object.fromEntries(Object.entries(item).filter(([name]) => name !== field));
        break;
      case 'wrongType':
        item[field] = field === 'id' ? wrongId : wrongString;
        break;
      case 'itemNotObject':
        items[i] = notObject;
        break;
      case 'wrapped':
        return Buffer.from(JSON.stringify({ value: items }));
      case 'truncated':
        return Buffer.from(JSON.stringify(items).slice(0, -1));
      case 'trailingGarbage':
        return Buffer.from(`${JSON.stringify(items)},`);
    }
    return Buffer.from(JSON.stringify(items));
  });

type BodyChoice =
  { kind: 'valid' | 'nearValid' | 'json' | 'bytes'; bytes: Buffer } | { kind: 'repeat' };

const bodyArb: fc.Arbitrary<BodyChoice> = fc.oneof(
  { weight: 4, arbitrary: validBodyArb.map((bytes) => ({ kind: 'valid' as const, bytes })) },
  {
    weight: 3,
    arbitrary: nearValidBodyArb.map((bytes) => ({ kind: 'nearValid' as const, bytes })),
  },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => ({ kind: 'json' as const, bytes: Buffer.from(JSON.stringify(v)) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 48 })
      .map((b) => ({ kind: 'bytes' as const, bytes: Buffer.from(b) })),
  },
  // The API's last body again: the unchanged-list path (no parse, no write).
  { weight: 2, arbitrary: fc.constant({ kind: 'repeat' as const }) },
);

const OPERATIONS = [
  'acquireLock',
  'readSnapshot',
  'writeSnapshot',
  'writeLastRun',
  'writeRunHistory',
  'release',
] as const;

const runPlanArb = fc.record({
  body: bodyArb,
  apiFault: fc.constantFrom('none', 'none', 'fail', 'hang'),
  storeFault: fc.option(
    fc.record({ op: fc.constantFrom(...OPERATIONS), kind: fc.constantFrom('fail', 'hang') }),
    { freq: 2 },
  ),
  lock: fc.constantFrom('free', 'free', 'free', 'heldElsewhere', 'lostOnRead', 'lostOnWrite'),
  /** Another instance stores a (valid) list between the runs... */
  writtenBefore: fc.option(validBodyArb, { freq: 5 }),
  /** ... or while this run's early GET is out, the API changing to that list. */
  writtenDuring: fc.option(validBodyArb, { freq: 5 }),
  /** The snapshot version the process knows: the last run's (warm), none (cold), or an old one. */
  known: fc.constantFrom('last', 'last', 'none', 'stale'),
});
type RunPlan = typeof runPlanArb extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// One sequence of runs against one store and one API.

/** A run that has not ended this long after its budget is a hang. */
const HARD_CAP_MS = 5_000;
/** Budgets: short when a hang is played, so it ends quickly; roomy otherwise (a loaded machine). */
const HANG_BUDGET_MS = 50;
const CALM_BUDGET_MS = 5_000;

const key = (bytes: Buffer): string => bytes.toString('base64');

function snapshotOf(bytes: Buffer, runId: string) {
  const todos = validList(bytes) as Todo[];
  return {
    runId,
    syncedAt: new Date(0).toISOString(),
    count: todos.length,
    digest: bodyDigest(bytes),
    todos,
  };
}

interface SequenceStats {
  runs: number;
  succeeded: number;
  failed: Record<string, number>;
}

async function playSequence(plans: readonly RunPlan[], stats: SequenceStats): Promise<void> {
  const api = new FakeTodoApi([]);
  const store = new InMemorySyncStore();
  store.releaseTimeoutMs = 50;
  const { logger } = captureLogger();
  /** Every body that was a valid list when the API served it or another instance stored it. */
  const validBodies = new Set<string>();
  let lastServed = api.body;
  let lastVersion: string | undefined;
  let runs = 0;

  for (const plan of plans) {
    const runId = `run-${(++runs).toString()}`;
    // Between runs: faults not reached are dropped, and a lock left behind has expired.
    store.clearFaults();
    api.clearFaults();
    store.lock = 'free';

    const body = plan.body.kind === 'repeat' ? lastServed : plan.body.bytes;
    if (plan.body.kind === 'valid') assert.ok(validList(body), 'a generated valid list is valid');
    if (plan.body.kind === 'nearValid') assert.equal(validList(body), undefined, 'near-valid');
    api.body = body;
    lastServed = body;
    if (validList(body)) validBodies.add(key(body));

    if (plan.writtenBefore) {
      store.writtenElsewhere(snapshotOf(plan.writtenBefore, 'other'), plan.writtenBefore);
      validBodies.add(key(plan.writtenBefore));
    }
    if (plan.lock === 'heldElsewhere') store.lock = 'theirs';
    if (plan.lock === 'lostOnRead') store.loseLockOn('readSnapshot');
    if (plan.lock === 'lostOnWrite') store.loseLockOn('writeSnapshot');
    if (plan.apiFault === 'fail') api.failNextGet();
    if (plan.apiFault === 'hang') api.hangNextGet();
    const { storeFault } = plan;
    if (storeFault?.kind === 'fail') store.failNext(storeFault.op);
    if (storeFault?.kind === 'hang') store.hangNext(storeFault.op);
    const hangs =
      plan.apiFault === 'hang' || (storeFault?.kind === 'hang' && storeFault.op !== 'release');

    const deps: SyncDependencies = {
      api,
      store,
      clock: { now: () => new Date() },
      logger,
      newRunId: () => runId,
      limits: {
        runBudgetMs: hangs ? HANG_BUDGET_MS : CALM_BUDGET_MS,
        runBudgetSetting: 'SYNC_TIMEOUT_SECONDS',
        cleanupBudgetMs: hangs ? HANG_BUDGET_MS : CALM_BUDGET_MS,
      },
    };
    const knownSnapshotVersion =
      plan.known === 'last' ? lastVersion : plan.known === 'stale' ? '"v-stale"' : undefined;
    const before = { snapshot: store.snapshot, lastRun: store.lastRun };

    const calls = store.calls.length;
    const running = runSync(deps, { trigger: 'timer', knownSnapshotVersion });
    if (plan.writtenDuring) {
      // The early GET (if any) has taken the old body; another instance now stores a newer
      // list, which the API serves from now on. A run must never store the older one over it.
      store.writtenElsewhere(snapshotOf(plan.writtenDuring, 'other'), plan.writtenDuring);
      api.body = plan.writtenDuring;
      lastServed = plan.writtenDuring;
      validBodies.add(key(plan.writtenDuring));
    }
    // The snapshot as this run found it (the run itself has not reached the store yet).
    const found = store.snapshot;
    const cap = new AbortController();
    const outcome = await Promise.race([
      running.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      delay(HARD_CAP_MS, 'hung' as const, { signal: cap.signal }),
    ]);
    cap.abort();
    const context = `run ${runId} of ${JSON.stringify(plans.map(describePlan))}`;
    assert.notEqual(outcome, 'hung', `${context}: the run never ended`);
    assert.ok(typeof outcome === 'object');

    // Nothing of the run is left running once it has answered.
    assert.equal(api.inFlight, 0, `${context}: a GET outlived the run`);
    assert.equal(store.inFlight, 0, `${context}: a store call outlived the run`);

    // The lock: free, unless another instance holds it, or the release failed (the lease then
    // expires by itself; the next run starts once it has).
    const releaseFailed = storeFault?.op === 'release';
    if (plan.lock === 'heldElsewhere') assert.equal(store.lock, 'theirs', context);
    else if (!releaseFailed) assert.equal(store.lock, 'free', context);

    // The snapshot is always byte for byte a body that was once a valid list.
    if (store.snapshot) {
      assert.ok(validBodies.has(key(store.snapshot.body)), `${context}: snapshot never valid`);
      assert.equal(store.snapshot.snapshot.digest, bodyDigest(store.snapshot.body), context);
    }
    const current = api.body;
    // The lock was taken iff it was released (or its release tried).
    const locked = store.calls.slice(calls).includes('release');
    stats.runs += 1;

    if ('value' in outcome) {
      stats.succeeded += 1;
      const { summary, snapshotVersion } = outcome.value;
      // What was stored is what the API serves now (never an older list), and it is valid.
      const list = validList(current);
      assert.ok(list, `${context}: a run succeeded on a body that is not a valid list`);
      assert.ok(store.snapshot, context);
      assert.ok(store.snapshot.body.equals(current), `${context}: stored a list but the latest`);
      assert.equal(summary.count, list.length, context);
      assert.equal(snapshotVersion, store.snapshot.version, context);
      assert.equal(store.lastRun?.status, 'succeeded', context);
      assert.equal(store.lastRun.runId, runId, context);
      // What the coordinator remembers for the next run's early GET (on success only).
      lastVersion = snapshotVersion;
      continue;
    }

    const { error } = outcome;
    assert.ok(error instanceof TodoSyncError, `${context}: not a TodoSyncError: ${String(error)}`);
    stats.failed[error.code] = (stats.failed[error.code] ?? 0) + 1;
    // A valid body with no fault at all never fails.
    const calm =
      plan.apiFault === 'none' &&
      storeFault === null &&
      plan.lock === 'free' &&
      plan.writtenDuring === null;
    if (calm) assert.equal(validList(current), undefined, `${context}: failed: ${error.message}`);

    // A failed run leaves the snapshot alone, unless it stored this run's list and then failed
    // to store its records (the list stored is valid all the same).
    if (store.snapshot !== found) {
      assert.ok(store.snapshot?.body.equals(current), `${context}: changed to another body`);
      assert.ok(['storage', 'timeout'].includes(error.code), `${context}: ${error.message}`);
      assert.ok(
        storeFault?.op === 'writeLastRun' ||
          storeFault?.op === 'writeRunHistory' ||
          error.code === 'timeout',
        `${context}: the snapshot changed, then ${error.message}`,
      );
    }

    // The last run's status: untouched when the run never held the lock (another instance's
    // lock, or taking it failed) or when writing it was the fault; else this run's failure.
    if (error instanceof LockHeldError) assert.equal(locked, false, context);
    if (!locked) {
      assert.equal(store.lastRun, before.lastRun, `${context}: a record without the lock`);
    } else if (storeFault?.op !== 'writeLastRun' || store.lastRun !== before.lastRun) {
      const record = store.lastRun;
      assert.ok(record?.status === 'failed', `${context}: last run is ${String(record?.status)}`);
      assert.equal(record.runId, runId, context);
      assert.equal(record.error.code, error.code, context);
      assert.equal(record.error.message, error.message, context);
    }
  }
}

function describePlan(plan: RunPlan): unknown {
  return {
    ...plan,
    body:
      plan.body.kind === 'repeat'
        ? 'repeat'
        : `${plan.body.kind}:${plan.body.bytes.toString('base64')}`,
    writtenBefore: plan.writtenBefore?.toString('base64') ?? null,
    writtenDuring: plan.writtenDuring?.toString('base64') ?? null,
  };
}

// ---------------------------------------------------------------------------------------------

describe('sync properties (fast-check)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  before(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('the oracle tells the generated valid and near-valid bodies apart', () => {
    fc.assert(
      fc.property(validBodyArb, nearValidBodyArb, (valid, nearValid) => {
        assert.ok(validList(valid));
        assert.equal(validList(nearValid), undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('any bodies and any faults: runs end, the lock is freed, the snapshot was once valid', async (t) => {
    const stats: SequenceStats = { runs: 0, succeeded: 0, failed: {} };
    const seed = Number(process.env.TODO_SYNC_FC_SEED ?? Date.now() % 2 ** 31);
    t.diagnostic(`fast-check seed ${seed.toString()} (set TODO_SYNC_FC_SEED to replay)`);
    await fc.assert(
      fc.asyncProperty(fc.array(runPlanArb, { minLength: 1, maxLength: 6 }), async (plans) => {
        await playSequence(plans, stats);
        // Rejections are reported a turn after they go unhandled.
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(unhandled, [], 'an unhandled rejection');
      }),
      { numRuns: 80, seed },
    );
    t.diagnostic(
      `${stats.runs.toString()} runs: ${stats.succeeded.toString()} succeeded, failed by code ${JSON.stringify(stats.failed)}`,
    );
    // The generators reach both outcomes and the main failure kinds.
    assert.ok(stats.succeeded > 0);
    for (const code of ['api', 'storage', 'timeout', 'lock-held']) {
      assert.ok((stats.failed[code] ?? 0) > 0, `no run failed with ${code}`);
    }
  });
});
