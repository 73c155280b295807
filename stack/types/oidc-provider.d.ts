// oidc-provider ships no type declarations and @types/oidc-provider is not installed; this
// declares only the part of its surface the local identity provider uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** The Koa context as far as the stack's middleware reads and writes it. */
  export interface ProviderContext {
    method: string;
    path: string;
    status: number;
    body: unknown;
    set(field: string, value: string): void;
  }

  export type ProviderMiddleware = (
    ctx: ProviderContext,
    next: () => Promise<void>,
  ) => Promise<void>;

  /** What extraTokenClaims and the ttl functions receive for a client credentials token. */
  export interface IssuedToken {
    clientId?: string;
    kind?: string;
  }

  /** A model adapter (one instance per model name: Client, ClientCredentials, ...). */
  export interface Adapter {
    upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void>;
    find(id: string): Promise<Record<string, unknown> | undefined>;
    findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined>;
    findByUid(uid: string): Promise<Record<string, unknown> | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export type AdapterFactory = (modelName: string) => Adapter;

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'jwt' | 'opaque';
    jwt?: { sign?: { alg?: string } };
  }

  export interface Configuration {
    adapter?: AdapterFactory;
    jwks?: { keys: Record<string, unknown>[] };
    cookies?: { keys?: string[] };
    features?: Record<string, unknown>;
    ttl?: Record<string, number | ((ctx: unknown, token: IssuedToken, client: unknown) => number)>;
    extraTokenClaims?: (
      ctx: unknown,
      token: IssuedToken,
    ) => Promise<Record<string, unknown> | undefined>;
    clientBasedCORS?: (ctx: unknown, origin: string, client: unknown) => boolean;
    renderError?: (ctx: ProviderContext, out: Record<string, unknown>, error: unknown) => void;
    scopes?: string[];
    claims?: Record<string, string[] | null>;
    responseTypes?: string[];
    enabledJWA?: Record<string, string[]>;
    [key: string]: unknown;
  }

  /** OAuth error classes; thrown from configuration hooks they become the error response. */
  export const errors: {
    InvalidScope: new (description: string, scope: string) => Error;
    InvalidTarget: new (description?: string) => Error;
  };

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: ProviderMiddleware): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
