import { ConfidentialClientApplication, LogLevel, type INetworkModule } from '@azure/msal-node';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { AuthorityConfig } from '../config/appConfig.js';
import type { Clock } from '../core/clock.js';
import { TELEMETRY_SCOPE } from '../core/runTelemetry.js';
import type { AccessToken, TokenProvider, TokenRequest } from '../core/tokenProvider.js';
import { AuthError, TodoSyncError } from '../errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retryPolicy.js';
import type { Logger } from '../logging/logger.js';
import type { HttpMetrics, TokenMetrics } from '../telemetry/instruments.js';
import type { CredentialSource } from './credentialSource.js';
import { isCredentialRejected, toAuthError } from './msalErrors.js';
import { createMsalNetworkClient } from './msalNetworkClient.js';
import { runTokenCall, type TokenCall } from './tokenCallContext.js';

/**
 * MSAL warnings that are expected for app-only tokens: client-credential responses carry no
 * client_info (there is no user), so logging them would only teach people to ignore warnings.
 */
const BENIGN_MSAL_WARNINGS = ['No client info in response'];

export interface MsalTokenProviderOptions {
  readonly clientId: string;
  readonly authority: AuthorityConfig;
  readonly scope: string;
  readonly credentials: CredentialSource;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Each attempt of a token (or discovery) request. */
  readonly attemptTimeoutMs: number;
  readonly retry?: RetryPolicy;
  /** Counts tokens by source and the identity provider's HTTP attempts (default: nowhere). */
  readonly metrics?: TokenMetrics & HttpMetrics;
}

/**
 * Client-credentials tokens from one ConfidentialClientApplication, built on first use and
 * kept for the life of the process so MSAL's token cache survives warm invocations. The
 * client is rebuilt only when the identity provider refused the credential and the source
 * could load fresh material (rotation).
 */
export class MsalTokenProvider implements TokenProvider {
  private client: Promise<ConfidentialClientApplication> | undefined;
  private readonly networkClient: INetworkModule;

  constructor(private readonly options: MsalTokenProviderOptions) {
    this.networkClient = createMsalNetworkClient({
      policy: options.retry ?? DEFAULT_RETRY_POLICY,
      attemptTimeoutMs: options.attemptTimeoutMs,
      logger: options.logger,
      clock: options.clock,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
  }

  /**
   * A token, in a span of its own (`todo-sync.token`, with the source: `cache` or `idp`; never
   * the token, the assertion or the credential) over discovery and token requests.
   */
  getToken(request: TokenRequest = {}): Promise<AccessToken> {
    return trace.getTracer(TELEMETRY_SCOPE).startActiveSpan('todo-sync.token', async (span) => {
      try {
        const token = await this.getTokenOnce(request);
        span.setAttribute('todo_sync.token.source', token.source);
        this.options.metrics?.tokenAcquired(token.source);
        return token;
      } catch (err) {
        span.setAttribute('error.type', err instanceof TodoSyncError ? err.code : 'internal');
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    });
  }

  private async getTokenOnce(request: TokenRequest): Promise<AccessToken> {
    const { signal } = request;
    try {
      return await this.acquire(request.forceRefresh ?? false, signal);
    } catch (first) {
      const error = this.convert(first);
      if (!(error instanceof AuthError) || !isCredentialRejected(error)) throw error;
      if (!(await this.options.credentials.reload({ signal }))) throw error;
      this.options.logger.warn('credential rejected; retrying once with reloaded credential', {
        credential: this.options.credentials.description,
      });
      this.client = undefined;
      try {
        return await this.acquire(true, signal);
      } catch (second) {
        throw this.convert(second);
      }
    }
  }

  /**
   * One MSAL request in a token call context of its own, which carries the deadline to our
   * network client and assertion callback, and brings back their errors in our words.
   */
  private async acquire(skipCache: boolean, signal: AbortSignal | undefined): Promise<AccessToken> {
    const call: TokenCall = { signal, failure: undefined };
    try {
      return await runTokenCall(call, () => this.acquireInContext(skipCache, signal));
    } catch (err) {
      throw call.failure ?? err;
    }
  }

  private async acquireInContext(
    skipCache: boolean,
    signal: AbortSignal | undefined,
  ): Promise<AccessToken> {
    const client = await this.getClient(signal);
    const result = await client.acquireTokenByClientCredential({
      scopes: [this.options.scope],
      skipCache,
    });
    if (!result?.accessToken) throw new Error('MSAL returned no access token');
    const source = result.fromCache ? 'cache' : 'idp';
    this.options.logger.info(
      `token acquired from ${source === 'cache' ? 'cache' : 'identity provider'}`,
      {
        scope: this.options.scope,
        expiresOn: result.expiresOn?.toISOString(),
      },
    );
    return { token: result.accessToken, expiresOn: result.expiresOn ?? undefined, source };
  }

  private getClient(signal: AbortSignal | undefined): Promise<ConfidentialClientApplication> {
    if (!this.client) {
      const pending = this.createClient(signal);
      // A failed load (e.g. vault unreachable) must not be cached for the process's life.
      pending.catch(() => {
        if (this.client === pending) this.client = undefined;
      });
      this.client = pending;
    }
    return this.client;
  }

  private async createClient(
    signal: AbortSignal | undefined,
  ): Promise<ConfidentialClientApplication> {
    const { clientId, authority, credentials, logger } = this.options;
    const credential = await credentials.load({ signal });
    logger.debug('building MSAL client', {
      authority: authority.url,
      credential: credentials.description,
    });
    return new ConfidentialClientApplication({
      auth: {
        clientId,
        authority: authority.url,
        knownAuthorities: [...authority.knownAuthorities],
        ...credential,
      },
      system: {
        networkClient: this.networkClient,
        loggerOptions: {
          logLevel: LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (level, message, containsPii) => {
            if (containsPii || BENIGN_MSAL_WARNINGS.some((w) => message.includes(w))) return;
            if (level === LogLevel.Error) logger.error(`msal: ${message}`);
            else if (level === LogLevel.Warning) logger.warn(`msal: ${message}`);
          },
        },
      },
    });
  }

  /** Our errors (e.g. a vault refusal while loading the credential) pass through as they are. */
  private convert(err: unknown): TodoSyncError {
    if (err instanceof TodoSyncError) return err;
    return toAuthError(err, {
      authority: this.options.authority.url,
      scope: this.options.scope,
      credential: this.options.credentials.kind,
    });
  }
}
