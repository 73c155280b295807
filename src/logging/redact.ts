/**
 * Last line of defence against leaking credentials into logs, errors and outputs. The code
 * never puts a secret into a message on purpose; this scrubs what third-party messages
 * (MSAL, the Azure SDK, axios) might carry, plus every secret value the process knows of.
 */
const PATTERNS: readonly [RegExp, string][] = [
  // PEM private keys, whole block.
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    '[REDACTED PRIVATE KEY]',
  ],
  // JWTs (access tokens, client assertions): three base64url parts, header starting with `{"`.
  [/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, '[REDACTED JWT]'],
  [/\b(Bearer)\s+[\w.~+/=-]+/gi, '$1 [REDACTED]'],
  // Storage connection-string parts and SAS signatures.
  [/\b(AccountKey|SharedAccessSignature|SharedAccessKey)=[^;"'\s]+/gi, '$1=[REDACTED]'],
  [/([?&]sig=)[^&"'\s]+/gi, '$1[REDACTED]'],
  // A URL's user name and password (`scheme://user:pass@host`). Up to the last "@" before the
  // host ends, so an unencoded "@" in a password does not leave its tail behind.
  [/\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#"'<>]+@/gi, '$1[REDACTED]@'],
  // OAuth form fields.
  [
    /\b(client_secret|client_assertion|assertion|refresh_token|access_token)=[^&"'\s]+/gi,
    '$1=[REDACTED]',
  ],
  [
    /("(?:client_secret|access_token|client_assertion|refresh_token)"\s*:\s*")[^"]*"/gi,
    '$1[REDACTED]"',
  ],
];

/**
 * Scrubs secrets from text. One per runtime (the process's, or a test's): it learns the values of
 * the secret settings and of whatever the vault hands out, and scrubs known credential shapes.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a secret value so that it is scrubbed wherever it appears. */
  add(secret: string | undefined): void {
    // Very short values would scrub ordinary words; settings that short are rejected anyway.
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}
