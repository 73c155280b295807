/** How Key Vault exposes a certificate's key through the secrets API. */
export const CERTIFICATE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/x-pem-file',
  'application/x-pkcs12',
]);
