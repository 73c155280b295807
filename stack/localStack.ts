// The whole local stack in one call: the identity provider, the protected ToDo API that trusts
// it, and Azurite, plus the app settings that point the product at them.
import { randomBytes } from 'node:crypto';
import { startAzurite } from './azurite.js';
import type { Azurite } from './azurite.js';
import { startIdentityProvider } from './identityProvider.js';
import type { IdentityProvider } from './identityProvider.js';
import { startTodoApi } from './todoApi.js';
import type { TodoApi } from './todoApi.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from './tls.js';
import type { LocalCa } from './tls.js';

export interface LocalStackOptions {
  ca?: LocalCa;
  /** Unset or 0: any free port. */
  ports?: { idp?: number; api?: number; blob?: number };
  /** Roles of the daemon client (default: read and read-write). */
  roles?: string[];
}

export interface LocalStack {
  ca: LocalCa;
  idp: IdentityProvider;
  api: TodoApi;
  azurite: Azurite;
  clientId: string;
  clientSecret: string;
  /** The app settings the product reads, pointing at this stack. */
  settings: Record<string, string>;
  /** Milliseconds from the call to everything listening. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Fixed and GUID-shaped, like an app registration's client ID. */
export const LOCAL_CLIENT_ID = '6b1d4e2f-8c3a-4f5b-9d7e-2a1c0b9f8e7d';
export const LOCAL_API_APP_ID_URI = 'api://todo-sync-local-api';
export const DEFAULT_ROLES = ['ToDoList.Read.All', 'ToDoList.ReadWrite.All'];
export const LOCAL_SYNC_CONTAINER = 'todo-sync';
export const LOCAL_SYNC_SCHEDULE = '0 */15 * * * *';

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const started = performance.now();
  const ca = opts.ca ?? (await ensureLocalCa(DEFAULT_CA_DIR));
  // A new secret per start: nothing can come to depend on a fixed one.
  const clientSecret = randomBytes(24).toString('base64url');
  const roles = opts.roles ?? DEFAULT_ROLES;

  // Azurite (a child process, ~1 s) starts alongside; the API needs the IdP's issuer first.
  let idp: IdentityProvider | undefined;
  let api: TodoApi | undefined;
  const peers = (async () => {
    idp = await startIdentityProvider({
      ca,
      ...(opts.ports?.idp === undefined ? {} : { port: opts.ports.idp }),
      clients: [{ clientId: LOCAL_CLIENT_ID, clientSecret, roles: [...roles] }],
      apiAppIdUri: LOCAL_API_APP_ID_URI,
    });
    api = await startTodoApi({
      ca,
      ...(opts.ports?.api === undefined ? {} : { port: opts.ports.api }),
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
      audience: LOCAL_API_APP_ID_URI,
    });
    return { idp, api };
  })();
  const blob = startAzurite(opts.ports?.blob === undefined ? {} : { port: opts.ports.blob });
  const [peersResult, blobResult] = await Promise.allSettled([peers, blob]);
  if (peersResult.status === 'rejected' || blobResult.status === 'rejected') {
    // Stop whatever did start, so a failed start leaves no server or child behind.
    await Promise.allSettled([
      idp?.stop(),
      api?.stop(),
      blobResult.status === 'fulfilled' ? blobResult.value.stop() : undefined,
    ]);
    const reasons = [peersResult, blobResult].flatMap((r): unknown[] =>
      r.status === 'rejected' ? [r.reason] : [],
    );
    throw reasons.length === 1 ? reasons[0] : new AggregateError(reasons, 'local stack failed');
  }
  const ready = peersResult.value;
  const azurite = blobResult.value;

  const settings: Record<string, string> = {
    CLIENT_ID: LOCAL_CLIENT_ID,
    AUTHORITY: ready.idp.authority,
    CLIENT_SECRET: clientSecret,
    API_ENDPOINT: ready.api.endpoint,
    SCOPES: LOCAL_API_APP_ID_URI,
    AzureWebJobsStorage: azurite.connectionString,
    SYNC_CONTAINER: LOCAL_SYNC_CONTAINER,
    SYNC_SCHEDULE: LOCAL_SYNC_SCHEDULE,
  };

  let stopped: Promise<void> | undefined;
  return {
    ca,
    idp: ready.idp,
    api: ready.api,
    azurite,
    clientId: LOCAL_CLIENT_ID,
    clientSecret,
    settings,
    startupMs: performance.now() - started,
    stop() {
      stopped ??= Promise.all([ready.api.stop(), ready.idp.stop(), azurite.stop()]).then(
        () => undefined,
      );
      return stopped;
    },
  };
}
