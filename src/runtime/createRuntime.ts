import { randomUUID } from 'node:crypto';
import { TodoApiClient } from '../api/todoApiClient.js';
import { createCredentialSource } from '../auth/createCredentialSource.js';
import { ExpiryWarnings } from '../auth/expiryWarning.js';
import { MsalTokenProvider } from '../auth/msalTokenProvider.js';
import type { AppConfig } from '../config/appConfig.js';
import { requireStorage } from '../config/loadConfig.js';
import { scheduleIntervalMs } from '../config/schedule.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { CallOptions } from '../core/callOptions.js';
import type { SyncStore } from '../core/syncStore.js';
import type { RunRecord, SyncSummary, SyncTrigger } from '../core/syncRecords.js';
import type { TodoApi } from '../core/todoApi.js';
import type { TokenProvider } from '../core/tokenProvider.js';
import { redactingLogger, type Logger } from '../logging/logger.js';
import { Redactor } from '../logging/redact.js';
import { ConfigError } from '../errors.js';
import { assessFreshness, type Freshness } from '../core/freshness.js';
import { runSync } from '../sync/runSync.js';
import { createAppMetrics } from '../telemetry/instruments.js';
import { SyncCoordinator } from '../sync/syncCoordinator.js';

/**
 * Everything a trigger needs, built once per process from one config. It owns the state that
 * lives as long as the process: the MSAL client (and its token cache), the redactor that knows
 * every secret seen, the warn-once record of expiring credentials, the store's snapshot copy and
 * the snapshot version the last run ended with.
 */
export interface Runtime {
  readonly config: AppConfig;
  readonly tokens: TokenProvider;
  readonly api: TodoApi;
  /** Scrubs the secret settings' values, whatever the vault handed out, and credential shapes. */
  readonly redactor: Redactor;
  /**
   * Runs a sync, or joins the one in flight on this instance. Resolves once everything the run
   * does is stored (snapshot, status, run record) and its lock released.
   */
  sync(trigger: SyncTrigger): Promise<SyncSummary>;
  /** The last run's record, as `GET /api/sync` answers it. */
  lastRun(options?: CallOptions): Promise<RunRecord | undefined>;
  /** How old the last successful sync is, against the staleness threshold. */
  freshness(options?: CallOptions): Promise<Freshness>;
}

export interface RuntimeOptions {
  /** Where the runtime logs; it scrubs the runtime's secrets before this logger sees a line. */
  readonly logger: Logger;
  /** The redactor to teach the secrets to (default: a new one). */
  readonly redactor?: Redactor;
  readonly clock?: Clock;
  readonly newRunId?: () => string;
}

/** Writing a failed run's record after its budget is spent: a few storage round trips. */
const CLEANUP_BUDGET_MS = 10_000;

export function createRuntime(config: AppConfig, options: RuntimeOptions): Runtime {
  const redactor = options.redactor ?? new Redactor();
  for (const secret of config.secretValues) redactor.add(secret);
  const logger = redactingLogger(options.logger, redactor);
  const clock = options.clock ?? systemClock;
  const { callTimeoutMs } = config.limits;
  // Over the global meter provider: a no-op one unless telemetry was started (src/telemetry).
  const metrics = createAppMetrics(() => clock.now().getTime());
  const tokens = new MsalTokenProvider({
    clientId: config.clientId,
    authority: config.authority,
    scope: config.scope,
    credentials: createCredentialSource(config, {
      logger,
      redactor,
      expiryWarnings: new ExpiryWarnings(logger, clock),
    }),
    logger,
    clock,
    attemptTimeoutMs: callTimeoutMs,
    metrics,
  });
  const api = new TodoApiClient({
    endpoint: config.apiEndpoint,
    tokens,
    logger,
    timeoutMs: callTimeoutMs,
    clock,
    redactor,
    metrics,
  });

  // Storage is loaded on first use: the CLI's getToDos never needs it.
  let store: Promise<SyncStore> | undefined;
  const getStore = (): Promise<SyncStore> => {
    if (!store) {
      const storage = requireStorage(config);
      store = (async () => {
        const [{ createBlobServiceClient }, { BlobSyncStore }] = await Promise.all([
          import('../store/createBlobServiceClient.js'),
          import('../store/blobSyncStore.js'),
        ]);
        const service = await createBlobServiceClient(storage);
        return new BlobSyncStore({
          service,
          containerName: config.syncContainer,
          logger,
          callTimeoutMs,
        });
      })();
    }
    return store;
  };

  const newRunId = options.newRunId ?? randomUUID;
  const coordinator = new SyncCoordinator(async (request) =>
    runSync(
      {
        api,
        store: await getStore(),
        clock,
        logger,
        newRunId,
        metrics,
        limits: {
          runBudgetMs: config.limits.runTimeoutMs,
          runBudgetSetting: 'SYNC_TIMEOUT_SECONDS',
          cleanupBudgetMs: CLEANUP_BUDGET_MS,
        },
      },
      request,
    ),
  );

  // Derived once: the schedule does not change under a running process.
  let staleAfterMs: number | undefined;
  const threshold = (): number => {
    const { schedule, staleAfterMs: override } = config.freshness;
    if (override !== undefined) return override;
    if (schedule === undefined) {
      throw new ConfigError([
        "SYNC_SCHEDULE is not set, and neither is SYNC_STALE_AFTER_SECONDS: set the timer's schedule (e.g. 0 */15 * * * *) or the staleness threshold in seconds, so freshness can be judged.",
      ]);
    }
    staleAfterMs ??= 2 * scheduleIntervalMs(schedule, clock.now());
    return staleAfterMs;
  };

  // The stored status tells the last-success gauge of runs other instances made.
  const knownSuccess = (last: RunRecord | undefined): void => {
    if (last?.lastSuccessAt) metrics.knownSuccess(new Date(last.lastSuccessAt));
  };

  return {
    config,
    tokens,
    api,
    redactor,
    sync: (trigger) => coordinator.run(trigger),
    lastRun: async (callOptions) => {
      const last = await (await getStore()).readLastRun(callOptions);
      knownSuccess(last);
      return last;
    },
    freshness: async (callOptions) => {
      const limit = threshold();
      const last = await (await getStore()).readLastRun(callOptions);
      knownSuccess(last);
      return assessFreshness(last, clock.now(), limit);
    },
  };
}
