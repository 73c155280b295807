import type { NodeAuthOptions } from '@azure/msal-node';
import type { CredentialConfig } from '../config/appConfig.js';
import type { CallOptions } from '../core/callOptions.js';

/** The credential part of MSAL's auth options: exactly one of secret, certificate or assertion. */
export type MsalCredential = Pick<
  NodeAuthOptions,
  'clientSecret' | 'clientCertificate' | 'clientAssertion'
>;

/**
 * Where the daemon's credential comes from. Pluggable so that secrets in the environment,
 * Key Vault material and managed-identity assertions all feed the same MSAL client.
 */
export interface CredentialSource {
  /** What the credential is: a refusal's hint depends on it (a secret, a certificate, none). */
  readonly kind: CredentialConfig['kind'];
  /** Says what the credential is and where it comes from, for logs; never the value. */
  readonly description: string;
  /** Returns the credential, loading it on first use. */
  load(options?: CallOptions): Promise<MsalCredential>;
  /**
   * Called when the identity provider rejected the credential. Returns true when fresh
   * material was loaded (e.g. a rotated secret), so one retry with a rebuilt client is
   * worthwhile; false when nothing can change.
   */
  reload(options?: CallOptions): Promise<boolean>;
}
