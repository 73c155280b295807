// The baseline `todo-sync --op getToDos` is measured against: what the daemon of Microsoft's
// tutorial "Call a web API from your Node.js daemon application" does, and nothing more. The
// same settings from the environment, one MSAL ConfidentialClientApplication, a token from the
// identity provider, one axios GET with it, the list printed as JSON. CommonJS, as the
// tutorial's daemon is: require() loads msal-node's and axios's CommonJS builds.
// The tutorial's yargs, dotenv and MSAL console logging are left out: they would only slow it.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, as the tutorial's daemon */
import msal = require('@azure/msal-node');
import axios = require('axios');

async function main(): Promise<void> {
  const { CLIENT_ID = '', AUTHORITY = '', CLIENT_SECRET, API_ENDPOINT = '', SCOPES } = process.env;
  const cca = new msal.ConfidentialClientApplication({
    auth: {
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      clientSecret: CLIENT_SECRET,
      // The local stack's identity provider is not one MSAL knows (todo-sync sets this too).
      knownAuthorities: [new URL(AUTHORITY).host],
    },
  });
  const result = await cca.acquireTokenByClientCredential({ scopes: [`${SCOPES ?? ''}/.default`] });
  if (!result) throw new Error('MSAL returned no token');
  const response = await axios.get<unknown>(API_ENDPOINT, {
    headers: { Authorization: `Bearer ${result.accessToken}` },
  });
  process.stdout.write(`${JSON.stringify(response.data, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`tutorial daemon: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
