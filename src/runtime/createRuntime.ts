import { randomUUID } from 'node:crypto';
import { TodoApiClient, type TodoApi } from '../api/todoApiClient.js';
import { createCredentialSource } from '../auth/createCredentialSource.js';
import { MsalTokenProvider } from '../auth/msalTokenProvider.js';
import type { TokenProvider } from '../auth/tokenProvider.js';
import type { AppConfig } from '../config/appConfig.js';
import { requireStorage } from '../config/loadConfig.js';
import type { Logger } from '../logging/logger.js';
import type { SyncStore } from '../store/syncStore.js';
import { systemClock, type Clock } from '../sync/clock.js';
import { runSync } from '../sync/runSync.js';
import { SyncCoordinator } from '../sync/syncCoordinator.js';
import type { RunRecord, SyncSummary, SyncTrigger } from '../sync/syncRecords.js';

/** Everything a trigger needs, built once per process from one config. */
export interface Runtime {
  readonly config: AppConfig;
  readonly tokens: TokenProvider;
  readonly api: TodoApi;
  /** Runs a sync, or joins the one in flight on this instance. */
  sync(trigger: SyncTrigger): Promise<SyncSummary>;
  /**
   * Resolves once the syncs that have answered have settled: status and run record written,
   * lock released (a sync answers before that). Does not wait for one still in flight; never
   * rejects.
   */
  settled(): Promise<void>;
  lastRun(): Promise<RunRecord | undefined>;
}

export interface RuntimeOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly newRunId?: () => string;
}

export function createRuntime(config: AppConfig, options: RuntimeOptions): Runtime {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const tokens = new MsalTokenProvider({
    clientId: config.clientId,
    authority: config.authority,
    scope: config.scope,
    credentials: createCredentialSource(config, logger, clock),
    logger,
  });
  const api = new TodoApiClient({ endpoint: config.apiEndpoint, tokens, logger });

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
        return new BlobSyncStore({ service, containerName: config.syncContainer, logger });
      })();
    }
    return store;
  };

  const coordinator = new SyncCoordinator(async (trigger) =>
    runSync(
      {
        api,
        store: await getStore(),
        clock,
        logger,
        newRunId: options.newRunId ?? randomUUID,
      },
      trigger,
    ),
  );

  return {
    config,
    tokens,
    api,
    sync: (trigger) => coordinator.run(trigger),
    settled: () => coordinator.settled(),
    lastRun: async () => {
      // A sync answers before its status is written: wait for that (not for a run still in
      // flight), so this instance reads back its own latest run.
      await coordinator.settled();
      return (await getStore()).readLastRun();
    },
  };
}
