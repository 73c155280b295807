// zod/mini: the same validation core as zod with a tree-shakable API, so the deploy bundle
// carries about 17 KB of it instead of 450 KB (config is parsed at every cold start).
import * as z from 'zod/mini';
import { ConfigError } from '../errors.js';
import type {
  AppConfig,
  AuthorityConfig,
  CredentialConfig,
  FreshnessConfig,
  LimitsConfig,
  StorageConfig,
} from './appConfig.js';
import { isLoopbackHost } from './loopback.js';
import { checkSchedule } from './schedule.js';
import { SETTINGS, settingSpec, type SettingName, type SettingSpec } from './settings.js';

/** Settings as they arrive: environment variables or local.settings.json `Values`. */
export type SettingsSource = Readonly<Record<string, string | undefined>>;

/** What a transform gets besides its input: where its problems go. */
type Payload = z.core.ParsePayload;

/** Records a problem with a setting; parsing goes on, so every problem is reported at once. */
function report(ctx: Payload, message: string): void {
  // No `input`: the value may be the whole settings source, secrets included.
  ctx.issues.push({ code: 'custom', message, input: undefined });
}

const PLACEHOLDER = 'Enter_the_';
const DEFAULT_CONTAINER = 'todo-sync';

/** Hosts of Microsoft's own clouds, which MSAL validates through instance discovery. */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

function example(name: SettingName): string {
  const spec = settingSpec(name);
  return spec.secret ? spec.example : `"${spec.example}"`;
}

function missing(name: SettingName): string {
  return `${name} is not set: set it to ${example(name)}.`;
}

/**
 * Shows a non-secret value to help the user; secret values are never echoed, and neither is a
 * URL's user name and password (everything up to its last "@"), which is refused anyway.
 */
function shown(name: SettingName, value: string): string {
  if (settingSpec(name).secret) return 'its value';
  return `"${value.replace(/^([a-z][a-z\d+.-]*:\/\/).*@/is, '$1[REDACTED]@')}"`;
}

/** A user name or password in a URL would be sent, logged and echoed: never accepted. */
function userinfoProblem(what: string): string {
  return `${what} a user name or password in it ("user:password@" before the host): remove it; todo-sync never sends credentials in a URL, and the value would show up in logs and errors.`;
}

const GUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** A non-empty, non-placeholder string setting. */
function text(name: SettingName) {
  return z.string({ error: missing(name) }).check(
    z.trim(),
    z.minLength(1, { error: missing(name) }),
    z.refine((v) => !v.includes(PLACEHOLDER), {
      error: `${name} still holds a placeholder from the tutorial ("${PLACEHOLDER}..."): set it to ${example(name)}.`,
    }),
  );
}

function optionalText(name: SettingName) {
  return z.pipe(
    z.optional(z.string().check(z.trim())),
    z.transform((v, ctx) => {
      if (v?.includes(PLACEHOLDER)) {
        report(
          ctx,
          `${name} still holds a placeholder from the tutorial ("${PLACEHOLDER}..."): set it to ${example(name)} or remove it.`,
        );
      }
      return v === '' ? undefined : v;
    }),
  );
}

function parseUrl(name: SettingName, value: string, ctx: Payload): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    report(ctx, `${name} is not a valid URL (${shown(name, value)}): set it to ${example(name)}.`);
    return undefined;
  }
  if (url.username || url.password) {
    report(ctx, userinfoProblem(`${name} has`));
    return undefined;
  }
  return url;
}

/** Parses a URL setting: https, or http for loopback hosts only. */
function httpsUrl(name: SettingName, value: string, ctx: Payload): URL | undefined {
  const url = parseUrl(name, value, ctx);
  if (!url) return undefined;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  report(
    ctx,
    url.protocol === 'http:'
      ? `${name} uses http:// for a non-loopback host (${shown(name, value)}): use https:// (plain http is allowed for 127.0.0.1/localhost only).`
      : `${name} must be an https:// URL (${shown(name, value)}): set it to ${example(name)}.`,
  );
  return undefined;
}

function parseAuthority(value: string, ctx: Payload): AuthorityConfig {
  const fallback: AuthorityConfig = { url: value, kind: 'oidc', knownAuthorities: [] };
  const url = parseUrl('AUTHORITY', value, ctx);
  if (!url) return fallback;
  if (url.protocol !== 'https:') {
    report(
      ctx,
      `AUTHORITY must use https:// (${shown('AUTHORITY', value)}): MSAL accepts no other scheme, even for a local provider.`,
    );
    return fallback;
  }
  if (url.search || url.hash) {
    report(
      ctx,
      `AUTHORITY must not have a query or fragment (${shown('AUTHORITY', value)}): set it to ${example('AUTHORITY')}.`,
    );
    return fallback;
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const normalised = `${url.origin}/${segments.join('/')}`;
  if (segments.length === 0) {
    report(
      ctx,
      `AUTHORITY has no tenant in its path (${shown('AUTHORITY', value)}): set it to ${example('AUTHORITY')}.`,
    );
    return fallback;
  }
  const host = url.hostname.toLowerCase();
  if (MICROSOFT_AUTHORITY_HOSTS.has(host)) {
    if (segments.length !== 1) {
      report(
        ctx,
        `AUTHORITY for Entra ID is https://${host}/<tenant> with nothing after the tenant (${shown('AUTHORITY', value)}); drop "/v2.0" or other path parts.`,
      );
    }
    return { url: normalised, kind: 'entra', knownAuthorities: [] };
  }
  if (host.endsWith('.ciamlogin.com')) {
    if (segments.length !== 1 || !GUID.test(segments[0] ?? '')) {
      report(
        ctx,
        `AUTHORITY for External ID must be https://<subdomain>.ciamlogin.com/<tenant ID GUID>/ (${shown('AUTHORITY', value)}): MSAL Node does not accept a domain name as the tenant there.`,
      );
    }
    return { url: normalised, kind: 'externalId', knownAuthorities: [url.host] };
  }
  // Any other OIDC authority: MSAL must be told to trust it instead of asking Microsoft.
  return { url: normalised, kind: 'oidc', knownAuthorities: [url.host] };
}

function parseScope(value: string, ctx: Payload): string {
  if (/\s/.test(value)) {
    report(
      ctx,
      `SCOPES must be one application ID URI, not a list (${shown('SCOPES', value)}): client credentials take exactly one resource, e.g. ${example('SCOPES')}.`,
    );
    return value;
  }
  const base = value.replace(/\/+$/, '');
  return base.endsWith('/.default') ? base : `${base}/.default`;
}

/** The value of a setting, trimmed, or undefined when unset or empty. */
function setting(env: SettingsSource, name: SettingName): string | undefined {
  return env[name]?.trim() || undefined;
}

const CREDENTIAL_CHOICES =
  'set exactly one of CLIENT_SECRET (local development), KEY_VAULT_URL + CLIENT_CERTIFICATE_NAME, KEY_VAULT_URL + CLIENT_SECRET_NAME, or CLIENT_CREDENTIAL=managedIdentity';

/** Exactly one credential source; an ambiguous or incomplete choice says which settings to set. */
function parseCredential(env: SettingsSource, ctx: Payload): CredentialConfig {
  const fallback: CredentialConfig = { kind: 'managedIdentity' };
  const names = [
    'CLIENT_SECRET',
    'CLIENT_CERTIFICATE_NAME',
    'CLIENT_SECRET_NAME',
    'CLIENT_CREDENTIAL',
    'KEY_VAULT_URL',
    'KEY_VAULT_CERTIFICATE_VERSION',
    'KEY_VAULT_SECRET_VERSION',
  ] as const;
  const v = Object.fromEntries(names.map((n) => [n, setting(env, n)])) as Record<
    (typeof names)[number],
    string | undefined
  >;
  const placeholders = names.filter((n) => v[n]?.includes(PLACEHOLDER));
  for (const name of placeholders) {
    report(
      ctx,
      `${name} still holds a placeholder from the tutorial ("${PLACEHOLDER}..."): set it to ${example(name)}.`,
    );
  }
  if (placeholders.length > 0) return fallback;

  // A version pin without the item it pins: say which item (and the vault, when missing too).
  const unpinned = (
    [
      ['KEY_VAULT_CERTIFICATE_VERSION', 'CLIENT_CERTIFICATE_NAME'],
      ['KEY_VAULT_SECRET_VERSION', 'CLIENT_SECRET_NAME'],
    ] as const
  ).filter(([version, item]) => v[version] && !v[item]);
  const pinProblems = unpinned.map(
    ([version, item]) =>
      `${version} is set without ${item}: set ${item}${v.KEY_VAULT_URL ? '' : ' and KEY_VAULT_URL'} to the vault item it pins, or remove the version.`,
  );

  const chosen = (
    ['CLIENT_SECRET', 'CLIENT_CERTIFICATE_NAME', 'CLIENT_SECRET_NAME', 'CLIENT_CREDENTIAL'] as const
  ).filter((n) => v[n] !== undefined);
  if (chosen.length === 0) {
    // Half a vault credential says what its other half is; nothing at all lists the choices.
    if (pinProblems.length > 0) for (const problem of pinProblems) report(ctx, problem);
    else if (v.KEY_VAULT_URL) {
      report(
        ctx,
        "KEY_VAULT_URL is set but neither CLIENT_CERTIFICATE_NAME nor CLIENT_SECRET_NAME: set one to the name of the certificate or secret in that vault that is the daemon's credential.",
      );
    } else report(ctx, `No credential is configured: ${CREDENTIAL_CHOICES}.`);
    return fallback;
  }
  if (chosen.length > 1) {
    report(
      ctx,
      `The credential is ambiguous: ${chosen.join(' and ')} are all set; ${CREDENTIAL_CHOICES}.`,
    );
    return fallback;
  }
  for (const problem of pinProblems) report(ctx, problem);
  if (v.CLIENT_SECRET) return { kind: 'clientSecret', clientSecret: v.CLIENT_SECRET };
  if (v.CLIENT_CREDENTIAL) {
    if (v.CLIENT_CREDENTIAL.toLowerCase() !== 'managedidentity') {
      report(
        ctx,
        `CLIENT_CREDENTIAL must be "managedIdentity" (${shown('CLIENT_CREDENTIAL', v.CLIENT_CREDENTIAL)}); for a secret or certificate, ${CREDENTIAL_CHOICES}.`,
      );
    }
    return fallback;
  }
  const name = v.CLIENT_CERTIFICATE_NAME ?? v.CLIENT_SECRET_NAME ?? '';
  const nameSetting = v.CLIENT_CERTIFICATE_NAME ? 'CLIENT_CERTIFICATE_NAME' : 'CLIENT_SECRET_NAME';
  if (!v.KEY_VAULT_URL) {
    report(
      ctx,
      `${nameSetting} needs KEY_VAULT_URL: set it to the vault's URL, e.g. ${example('KEY_VAULT_URL')}.`,
    );
    return fallback;
  }
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
    report(
      ctx,
      `${nameSetting} must be a Key Vault object name (letters, digits and hyphens) (${shown(nameSetting, name)}).`,
    );
  }
  const vault = httpsUrl('KEY_VAULT_URL', v.KEY_VAULT_URL, ctx);
  const vaultUrl = vault ? vault.origin : v.KEY_VAULT_URL;
  return v.CLIENT_CERTIFICATE_NAME
    ? { kind: 'keyVaultCertificate', vaultUrl, name, version: v.KEY_VAULT_CERTIFICATE_VERSION }
    : { kind: 'keyVaultSecret', vaultUrl, name, version: v.KEY_VAULT_SECRET_VERSION };
}

const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

function parseStorage(env: SettingsSource, ctx: Payload): StorageConfig | undefined {
  const connectionString = env.AzureWebJobsStorage?.trim();
  if (connectionString) {
    if (connectionString.includes(PLACEHOLDER)) {
      report(
        ctx,
        `AzureWebJobsStorage still holds a placeholder: set it to ${example('AzureWebJobsStorage')} or a storage connection string.`,
      );
      return undefined;
    }
    const parts = new Map(
      connectionString
        .split(';')
        .filter(Boolean)
        .map((part) => {
          const at = part.indexOf('=');
          return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()] as const;
        }),
    );
    const dev = parts.get('usedevelopmentstorage')?.toLowerCase() === 'true';
    const blobEndpoint = parts.get('blobendpoint');
    if (!dev && !blobEndpoint && !parts.get('accountname')) {
      report(
        ctx,
        'AzureWebJobsStorage is not a storage connection string (it has neither AccountName, BlobEndpoint nor UseDevelopmentStorage=true): copy it from the storage account, or use UseDevelopmentStorage=true for Azurite.',
      );
      return undefined;
    }
    if (!dev) {
      // The SDK takes the scheme as written, in any case: "HTTP" is plain http too.
      let plainHttp: boolean;
      let loopback = false;
      if (blobEndpoint) {
        let url: URL;
        try {
          url = new URL(blobEndpoint);
        } catch {
          report(ctx, 'AzureWebJobsStorage has a BlobEndpoint that is not a valid URL.');
          return undefined;
        }
        if (url.username || url.password) {
          report(ctx, userinfoProblem('AzureWebJobsStorage has a BlobEndpoint with'));
          return undefined;
        }
        plainHttp = url.protocol === 'http:';
        loopback = isLoopbackHost(url.hostname);
      } else {
        plainHttp = parts.get('defaultendpointsprotocol')?.toLowerCase() === 'http';
      }
      if (plainHttp && !loopback) {
        report(
          ctx,
          'AzureWebJobsStorage uses http for a non-loopback blob endpoint: use DefaultEndpointsProtocol=https (plain http is allowed for 127.0.0.1/localhost only).',
        );
        return undefined;
      }
    }
    return { kind: 'connectionString', connectionString };
  }

  const uri = setting(env, 'AzureWebJobsStorage__blobServiceUri');
  const accountName = setting(env, 'AzureWebJobsStorage__accountName');
  const credential = setting(env, 'AzureWebJobsStorage__credential')?.toLowerCase();
  const clientId = setting(env, 'AzureWebJobsStorage__clientId');
  if (!uri && !accountName) {
    // Half of an identity-based connection: the account it is for is missing.
    const set = (
      ['AzureWebJobsStorage__credential', 'AzureWebJobsStorage__clientId'] as const
    ).filter((name) => setting(env, name));
    if (set.length > 0) {
      report(
        ctx,
        `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set but neither AzureWebJobsStorage__blobServiceUri nor AzureWebJobsStorage__accountName: set AzureWebJobsStorage__blobServiceUri to ${example('AzureWebJobsStorage__blobServiceUri')} (or AzureWebJobsStorage for a connection string).`,
      );
    }
    return undefined;
  }
  let blobServiceUri: string;
  if (uri) {
    const url = httpsUrl('AzureWebJobsStorage__blobServiceUri', uri, ctx);
    if (!url) return undefined;
    blobServiceUri = url.toString().replace(/\/+$/, '');
  } else {
    if (!/^[a-z\d]{3,24}$/.test(accountName ?? '')) {
      report(
        ctx,
        `AzureWebJobsStorage__accountName must be a storage account name (3-24 lowercase letters and digits) (${shown('AzureWebJobsStorage__accountName', accountName ?? '')}), e.g. ${example('AzureWebJobsStorage__accountName')}.`,
      );
      return undefined;
    }
    blobServiceUri = `https://${accountName ?? ''}.blob.core.windows.net`;
  }
  if (credential && credential !== 'managedidentity') {
    report(
      ctx,
      `AzureWebJobsStorage__credential must be "managedidentity" or unset (${shown('AzureWebJobsStorage__credential', credential)}).`,
    );
  }
  return {
    kind: 'identity',
    blobServiceUri,
    credential: credential === 'managedidentity' ? 'managedidentity' : 'default',
    clientId,
  };
}

const DEFAULT_LIMITS: LimitsConfig = { runTimeoutMs: 120_000, callTimeoutMs: 15_000 };

/** Whole seconds within [min, max], or undefined (and a problem reported) when not. */
function seconds(
  env: SettingsSource,
  name: SettingName,
  range: { min: number; max: number },
  ctx: Payload,
): number | undefined {
  const value = setting(env, name);
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= range.min && n <= range.max)) {
    report(
      ctx,
      `${name} must be a whole number of seconds from ${range.min.toString()} to ${range.max.toString()}, e.g. ${example(name)}.`,
    );
    return undefined;
  }
  return n * 1000;
}

/**
 * The run budget and the per-call bound. The run budget stays under the host's functionTimeout
 * (host.json: 10 min); a call must fit in the run.
 */
function parseLimits(env: SettingsSource, ctx: Payload): LimitsConfig {
  const runTimeoutMs =
    seconds(env, 'SYNC_TIMEOUT_SECONDS', { min: 1, max: 540 }, ctx) ?? DEFAULT_LIMITS.runTimeoutMs;
  const callTimeoutMs =
    seconds(env, 'CALL_TIMEOUT_SECONDS', { min: 1, max: 120 }, ctx) ?? DEFAULT_LIMITS.callTimeoutMs;
  if (callTimeoutMs > runTimeoutMs) {
    report(
      ctx,
      'CALL_TIMEOUT_SECONDS is longer than SYNC_TIMEOUT_SECONDS: one call must fit in the run; lower CALL_TIMEOUT_SECONDS or raise SYNC_TIMEOUT_SECONDS.',
    );
  }
  return { runTimeoutMs, callTimeoutMs };
}

/**
 * SYNC_SCHEDULE is the host's to read, but a typo there would only show when the host refuses
 * to start the timer: check it here, with the freshness threshold that depends on it.
 */
function parseFreshness(env: SettingsSource, ctx: Payload): FreshnessConfig {
  const schedule = setting(env, 'SYNC_SCHEDULE');
  if (schedule !== undefined && !schedule.includes(PLACEHOLDER)) {
    try {
      checkSchedule(schedule);
    } catch (err) {
      report(
        ctx,
        `SYNC_SCHEDULE is not a valid NCRONTAB schedule (${err instanceof Error ? err.message : 'invalid'}): set it to e.g. ${example('SYNC_SCHEDULE')} (every 15 minutes, UTC).`,
      );
    }
  }
  const staleAfterMs = seconds(env, 'SYNC_STALE_AFTER_SECONDS', { min: 1, max: 31_536_000 }, ctx);
  return { schedule, staleAfterMs };
}

/** Every GUID-shaped setting that is set (placeholders are reported as placeholders). */
function checkGuids(env: SettingsSource, ctx: Payload): void {
  const specs: readonly SettingSpec[] = SETTINGS;
  for (const spec of specs) {
    const name = spec.name as SettingName;
    const value = setting(env, name);
    if (spec.format !== 'guid' || !value || value.includes(PLACEHOLDER) || GUID.test(value)) {
      continue;
    }
    report(
      ctx,
      `${name} must be a GUID (${shown(name, value)}): ${spec.description} For example ${example(name)}.`,
    );
  }
}

/** Parses `text(name)`'s value on into a typed one. */
function parsed<T>(name: SettingName, parse: (value: string, ctx: Payload) => T) {
  return z.pipe(text(name), z.transform(parse));
}

const schema = z.pipe(
  z.object({
    // Its shape (a GUID) is checked with the other GUID-shaped settings.
    CLIENT_ID: text('CLIENT_ID'),
    AUTHORITY: parsed('AUTHORITY', parseAuthority),
    API_ENDPOINT: parsed('API_ENDPOINT', (v, ctx) =>
      (httpsUrl('API_ENDPOINT', v, ctx)?.toString() ?? v).replace(/\/+$/, ''),
    ),
    SCOPES: parsed('SCOPES', parseScope),
    SYNC_CONTAINER: optionalText('SYNC_CONTAINER').check(
      z.refine((v) => v === undefined || CONTAINER_NAME.test(v), {
        error: `SYNC_CONTAINER must be a blob container name (3-63 lowercase letters, digits and single hyphens), e.g. ${example('SYNC_CONTAINER')}.`,
      }),
    ),
  }),
  z.transform(
    (
      env,
    ): Omit<
      AppConfig,
      | 'storage'
      | 'credential'
      | 'azureClientId'
      | 'runningInAzure'
      | 'limits'
      | 'freshness'
      | 'secretValues'
    > => ({
      clientId: env.CLIENT_ID,
      authority: env.AUTHORITY,
      apiEndpoint: env.API_ENDPOINT,
      scope: env.SCOPES,
      syncContainer: env.SYNC_CONTAINER ?? DEFAULT_CONTAINER,
    }),
  ),
);

const storageSchema = z.pipe(z.custom<SettingsSource>(), z.transform(parseStorage));
const credentialSchema = z.pipe(z.custom<SettingsSource>(), z.transform(parseCredential));
const limitsSchema = z.pipe(z.custom<SettingsSource>(), z.transform(parseLimits));
const freshnessSchema = z.pipe(z.custom<SettingsSource>(), z.transform(parseFreshness));
const guidSchema = z.pipe(z.custom<SettingsSource>(), z.transform(checkGuids));

/** A part of the configuration that only some operations use. */
export type ConfigPart = 'storage';

export interface LoadConfigOptions {
  /**
   * The parts the operation cannot run without: a missing one is reported together with every
   * other problem (a sync and the functions need storage; the CLI's getToDos does not).
   */
  readonly needs?: readonly ConfigPart[];
}

const STORAGE_MISSING =
  'AzureWebJobsStorage is not set: set it to "UseDevelopmentStorage=true" for Azurite, a storage connection string, or use AzureWebJobsStorage__blobServiceUri with a managed identity in Azure.';

/**
 * Parses and validates the settings once. Every problem is reported together, each naming its
 * setting and a right value; secret values are never echoed (see secretSettingValues).
 */
export function loadConfig(source: SettingsSource, options: LoadConfigOptions = {}): AppConfig {
  const core = schema.safeParse(source);
  const credential = credentialSchema.safeParse(source);
  const storage = storageSchema.safeParse(source);
  const limits = limitsSchema.safeParse(source);
  const guids = guidSchema.safeParse(source);
  const freshness = freshnessSchema.safeParse(source);
  const problems = [core, credential, storage, limits, guids, freshness].flatMap((r) =>
    r.success ? [] : r.error.issues.map((i) => i.message),
  );
  if (options.needs?.includes('storage') && storage.success && storage.data === undefined) {
    problems.push(STORAGE_MISSING);
  }
  if (
    !core.success ||
    !credential.success ||
    !storage.success ||
    !limits.success ||
    !freshness.success ||
    problems.length > 0
  ) {
    throw new ConfigError(problems);
  }
  return {
    ...core.data,
    credential: credential.data,
    azureClientId: setting(source, 'AZURE_CLIENT_ID'),
    runningInAzure: Boolean(source.WEBSITE_INSTANCE_ID),
    storage: storage.data,
    limits: limits.data,
    freshness: freshness.data,
    secretValues: secretSettingValues(source),
  };
}

/**
 * The storage part, for the operations that need it. loadConfig with `needs: ['storage']` has
 * reported a missing one already, with every other problem; this is the typed access.
 */
export function requireStorage(config: AppConfig): StorageConfig {
  if (!config.storage) throw new ConfigError([STORAGE_MISSING]);
  return config.storage;
}

/**
 * The per-signal variants of OTEL_EXPORTER_OTLP_HEADERS: not in the catalogue (the SDK reads
 * them, and one entry documents them all) but secret alike.
 */
const OTLP_SIGNAL_HEADERS = ['TRACES', 'METRICS', 'LOGS'].map(
  (signal) => `OTEL_EXPORTER_OTLP_${signal}_HEADERS`,
);

/**
 * The values of the secret-bearing settings, for the redactor that scrubs every output. A header
 * list (`key=value,key2=value2`) also gives each value on its own, since a message may hold one
 * header without the others.
 */
export function secretSettingValues(source: SettingsSource): string[] {
  const names = [
    ...SETTINGS.filter((spec) => spec.secret).map((spec) => spec.name),
    ...OTLP_SIGNAL_HEADERS,
  ];
  return names.flatMap((name) => {
    const value = source[name]?.trim();
    if (!value) return [];
    if (!name.endsWith('_HEADERS')) return [value];
    const headerValues = value.split(',').flatMap((pair) => {
      const raw = pair.slice(pair.indexOf('=') + 1).trim();
      let decoded = raw;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        // Not percent-encoded after all: the value as written.
      }
      return pair.includes('=') && raw ? [raw, decoded] : [];
    });
    return [value, ...headerValues];
  });
}
