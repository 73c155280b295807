// The whole local stack in one call: the identity provider, the protected ToDo API that trusts
// it, Azurite, a Key Vault and a managed identity endpoint, plus the app settings that point the
// product at them for the credential mode under test.
import { randomBytes } from 'node:crypto';
import { startAzurite } from './azurite.js';
import type { Azurite } from './azurite.js';
import { createDaemonCertificate } from './daemonCertificate.js';
import type { DaemonCertificate, DaemonCertificateOptions } from './daemonCertificate.js';
import { startIdentityProvider } from './identityProvider.js';
import type { IdentityProvider } from './identityProvider.js';
import { startKeyVault } from './keyVault.js';
import type { KeyVault } from './keyVault.js';
import {
  TOKEN_EXCHANGE_AUDIENCE,
  startManagedIdentityEndpoint,
} from './managedIdentityEndpoint.js';
import type { ManagedIdentityEndpoint, ManagedIdentityRequest } from './managedIdentityEndpoint.js';
import { startOtlpReceiver, type OtlpReceiver } from './otlpReceiver.js';
import type { StallSwitches } from './stall.js';
import { startTodoApi } from './todoApi.js';
import type { TodoApi } from './todoApi.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from './tls.js';
import type { LocalCa } from './tls.js';

/**
 * How the product gets the daemon's credential:
 * - `secret`: CLIENT_SECRET in the settings;
 * - `vaultSecret`: the secret from the vault (KEY_VAULT_URL + CLIENT_SECRET_NAME);
 * - `vaultCertificate` / `vaultCertificatePkcs12`: a certificate from the vault as PEM / PFX
 *   (KEY_VAULT_URL + CLIENT_CERTIFICATE_NAME);
 * - `managedIdentity`: a managed-identity token as a federated client assertion.
 */
export type StackCredential =
  'secret' | 'vaultSecret' | 'vaultCertificate' | 'vaultCertificatePkcs12' | 'managedIdentity';

export interface LocalStackOptions {
  ca?: LocalCa;
  /** Unset or 0: any free port. */
  ports?: {
    idp?: number;
    api?: number;
    blob?: number;
    vault?: number;
    managedIdentity?: number;
  };
  /** Roles of the daemon client (default: read and read-write). */
  roles?: string[];
  /** Default `secret`. */
  credential?: StackCredential;
  /** The daemon certificate's shape (chain, order, expiry), at start and at each rotation. */
  certificate?: DaemonCertificateOptions;
}

export interface LocalManagedIdentity {
  /** IDENTITY_ENDPOINT */
  endpoint: string;
  /** IDENTITY_HEADER */
  header: string;
  clientId: string;
  objectId: string;
  resourceId: string;
  tokenRequests(resource?: string): number;
  requests(): ManagedIdentityRequest[];
  /** Token requests to stall instead of answering (see stack/stall.ts). */
  readonly stalls: StallSwitches;
}

export interface LocalStack {
  ca: LocalCa;
  idp: IdentityProvider;
  api: TodoApi;
  azurite: Azurite;
  vault: KeyVault;
  /**
   * An OTLP/HTTP receiver (JSON). Not in `settings`: a product process exports to it only when
   * given `otlp.settings` too.
   */
  otlp: OtlpReceiver;
  managedIdentity: LocalManagedIdentity;
  credential: StackCredential;
  clientId: string;
  /** The daemon's current client secret (changes with rotateClientSecret). */
  readonly clientSecret: string;
  /** The daemon's current certificate (changes with rotateCertificate). */
  readonly daemonCertificate: DaemonCertificate;
  /**
   * The app settings the product reads, pointing at this stack. In `secret` mode a rotation
   * updates CLIENT_SECRET here; every other value stays as it was at start.
   */
  settings: Record<string, string>;
  /** Milliseconds from the call to everything listening. */
  startupMs: number;
  /**
   * A new client secret: the IdP accepts only it from now on, and it becomes the current version
   * of the vault secret. Resolves with the new secret.
   */
  rotateClientSecret(): Promise<string>;
  /**
   * A new daemon certificate: the IdP accepts only its key from now on, and it becomes the
   * current version of the vault certificate, in this mode's format (PEM, or PFX in
   * `vaultCertificatePkcs12`). Resolves with the new certificate.
   */
  rotateCertificate(): Promise<DaemonCertificate>;
  stop(): Promise<void>;
}

/** Fixed and GUID-shaped, like an app registration's client ID. */
export const LOCAL_CLIENT_ID = '6b1d4e2f-8c3a-4f5b-9d7e-2a1c0b9f8e7d';
export const LOCAL_API_APP_ID_URI = 'api://todo-sync-local-api';
export const DEFAULT_ROLES = ['ToDoList.Read.All', 'ToDoList.ReadWrite.All'];
export const LOCAL_SYNC_CONTAINER = 'todo-sync';
export const LOCAL_SYNC_SCHEDULE = '0 */15 * * * *';
/** The user-assigned managed identity of the local function app: fixed and GUID-shaped. */
export const LOCAL_MANAGED_IDENTITY = {
  clientId: '9a7c3e51-2b4d-4f6a-8e1c-5d3b7a9f0c24',
  objectId: '4e8b2d6f-1a3c-4b5e-9d7f-0c2a4e6b8d13',
  resourceId:
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/todo-sync-local/providers/Microsoft.ManagedIdentity/userAssignedIdentities/todo-sync-local',
} as const;
export const VAULT_CLIENT_SECRET_NAME = 'todo-sync-client-secret';
export const VAULT_CERTIFICATE_NAME = 'todo-sync-daemon';

const PEM_CONTENT_TYPE = 'application/x-pem-file';
const PKCS12_CONTENT_TYPE = 'application/x-pkcs12';

function newClientSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** The settings that select the credential; CLIENT_SECRET appears in `secret` mode only. */
function credentialSettings(
  credential: StackCredential,
  clientSecret: string,
  vault: KeyVault,
  mi: ManagedIdentityEndpoint,
): Record<string, string> {
  if (credential === 'secret') return { CLIENT_SECRET: clientSecret };
  const selection: Record<string, string> =
    credential === 'vaultSecret'
      ? { KEY_VAULT_URL: vault.vaultUrl, CLIENT_SECRET_NAME: VAULT_CLIENT_SECRET_NAME }
      : credential === 'managedIdentity'
        ? { CLIENT_CREDENTIAL: 'managedIdentity' }
        : { KEY_VAULT_URL: vault.vaultUrl, CLIENT_CERTIFICATE_NAME: VAULT_CERTIFICATE_NAME };
  // A child process given these as its environment finds the managed identity endpoint the way
  // an App Service process does.
  return {
    ...selection,
    AZURE_CLIENT_ID: LOCAL_MANAGED_IDENTITY.clientId,
    IDENTITY_ENDPOINT: mi.endpoint,
    IDENTITY_HEADER: mi.header,
  };
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const started = performance.now();
  const ca = opts.ca ?? (await ensureLocalCa(DEFAULT_CA_DIR));
  const credential = opts.credential ?? 'secret';
  // A new secret per start: nothing can come to depend on a fixed one.
  let clientSecret = newClientSecret();
  const roles = opts.roles ?? DEFAULT_ROLES;
  const port = (name: keyof NonNullable<LocalStackOptions['ports']>): { port?: number } => {
    const value = opts.ports?.[name];
    return value === undefined ? {} : { port: value };
  };

  // Azurite (a child process, ~1 s) starts alongside; everything else needs the IdP's issuer.
  let idp: IdentityProvider | undefined;
  let api: TodoApi | undefined;
  let vault: KeyVault | undefined;
  let mi: ManagedIdentityEndpoint | undefined;
  const peers = (async () => {
    const [startedIdp, certificate] = await Promise.all([
      startIdentityProvider({
        ca,
        ...port('idp'),
        clients: [{ clientId: LOCAL_CLIENT_ID, clientSecret, roles: [...roles] }],
        apiAppIdUri: LOCAL_API_APP_ID_URI,
      }),
      createDaemonCertificate(opts.certificate),
    ]);
    idp = startedIdp;
    // The app registration trusts its certificate and the function app's managed identity.
    idp.setClientCertificate(LOCAL_CLIENT_ID, certificate.certPem);
    idp.addFederatedCredential(LOCAL_CLIENT_ID, {
      issuer: idp.issuer,
      subject: LOCAL_MANAGED_IDENTITY.objectId,
      audience: TOKEN_EXCHANGE_AUDIENCE,
    });
    const issuer = idp;
    [api, vault, mi] = await Promise.all([
      startTodoApi({
        ca,
        ...port('api'),
        issuer: issuer.issuer,
        jwksUri: issuer.jwksUri,
        audience: LOCAL_API_APP_ID_URI,
      }),
      startKeyVault({ ca, ...port('vault'), idp: issuer }),
      startManagedIdentityEndpoint({
        idp: issuer,
        ...port('managedIdentity'),
        identities: [{ ...LOCAL_MANAGED_IDENTITY }],
      }),
    ]);
    return { idp: issuer, api, vault, mi, certificate };
  })();
  const blob = startAzurite(opts.ports?.blob === undefined ? {} : { port: opts.ports.blob });
  const [peersResult, blobResult] = await Promise.allSettled([peers, blob]);
  if (peersResult.status === 'rejected' || blobResult.status === 'rejected') {
    // Stop whatever did start, so a failed start leaves no server or child behind.
    await Promise.allSettled([
      idp?.stop(),
      api?.stop(),
      vault?.stop(),
      mi?.stop(),
      blobResult.status === 'fulfilled' ? blobResult.value.stop() : undefined,
    ]);
    const reasons = [peersResult, blobResult].flatMap((r): unknown[] =>
      r.status === 'rejected' ? [r.reason] : [],
    );
    throw reasons.length === 1 ? reasons[0] : new AggregateError(reasons, 'local stack failed');
  }
  const ready = peersResult.value;
  const azurite = blobResult.value;
  let certificate = ready.certificate;

  const storeCertificate = (cert: DaemonCertificate): void => {
    // The secret behind a Key Vault certificate is "managed"; its value is PEM or PFX.
    const pkcs12 = credential === 'vaultCertificatePkcs12';
    ready.vault.setSecret(VAULT_CERTIFICATE_NAME, {
      value: pkcs12 ? cert.pkcs12Base64 : cert.pemBundle,
      contentType: pkcs12 ? PKCS12_CONTENT_TYPE : PEM_CONTENT_TYPE,
      expiresOn: cert.notAfter,
      managed: true,
    });
  };
  ready.vault.setSecret(VAULT_CLIENT_SECRET_NAME, {
    value: clientSecret,
    contentType: 'text/plain',
  });
  storeCertificate(certificate);

  const settings: Record<string, string> = {
    CLIENT_ID: LOCAL_CLIENT_ID,
    AUTHORITY: ready.idp.authority,
    ...credentialSettings(credential, clientSecret, ready.vault, ready.mi),
    API_ENDPOINT: ready.api.endpoint,
    SCOPES: LOCAL_API_APP_ID_URI,
    AzureWebJobsStorage: azurite.connectionString,
    SYNC_CONTAINER: LOCAL_SYNC_CONTAINER,
    SYNC_SCHEDULE: LOCAL_SYNC_SCHEDULE,
  };

  const otlp = await startOtlpReceiver();
  let stopped: Promise<void> | undefined;
  return {
    ca,
    otlp,
    idp: ready.idp,
    api: ready.api,
    azurite,
    vault: ready.vault,
    managedIdentity: {
      endpoint: ready.mi.endpoint,
      header: ready.mi.header,
      ...LOCAL_MANAGED_IDENTITY,
      tokenRequests: (resource) => ready.mi.tokenRequests(resource),
      requests: () => ready.mi.requests(),
      stalls: ready.mi.stalls,
    },
    credential,
    clientId: LOCAL_CLIENT_ID,
    get clientSecret() {
      return clientSecret;
    },
    get daemonCertificate() {
      return certificate;
    },
    settings,
    startupMs: performance.now() - started,
    rotateClientSecret() {
      clientSecret = newClientSecret();
      ready.idp.setClientSecret(LOCAL_CLIENT_ID, clientSecret);
      ready.vault.setSecret(VAULT_CLIENT_SECRET_NAME, {
        value: clientSecret,
        contentType: 'text/plain',
      });
      if (credential === 'secret') settings.CLIENT_SECRET = clientSecret;
      return Promise.resolve(clientSecret);
    },
    async rotateCertificate() {
      const next = await createDaemonCertificate(opts.certificate);
      ready.idp.setClientCertificate(LOCAL_CLIENT_ID, next.certPem);
      storeCertificate(next);
      certificate = next;
      return next;
    },
    stop() {
      stopped ??= Promise.all([
        ready.api.stop(),
        ready.vault.stop(),
        ready.mi.stop(),
        ready.idp.stop(),
        azurite.stop(),
        otlp.stop(),
      ]).then(() => undefined);
      return stopped;
    },
  };
}
