// The floor a sync is measured against: the least any sync must do. With a token minted
// beforehand: one GET of the list, one JSON.parse, one upload of the body to the same Azurite.
import { get } from 'node:https';
import { BlobServiceClient, type BlockBlobClient } from '@azure/storage-blob';

export interface Floor {
  /** One floor run; returns the number of todos parsed. */
  run(): Promise<number>;
}

interface FloorSettings {
  readonly AUTHORITY: string;
  readonly CLIENT_ID: string;
  readonly CLIENT_SECRET: string;
  readonly SCOPES: string;
  readonly API_ENDPOINT: string;
  readonly AzureWebJobsStorage: string;
}

function settingsFrom(env: NodeJS.ProcessEnv): FloorSettings {
  const names = [
    'AUTHORITY',
    'CLIENT_ID',
    'CLIENT_SECRET',
    'SCOPES',
    'API_ENDPOINT',
    'AzureWebJobsStorage',
  ] as const;
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) throw new Error(`the floor needs ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, env[n] ?? ''])) as unknown as FloorSettings;
}

/** A client-credentials token straight from the identity provider (one request, untimed). */
async function mintToken(settings: FloorSettings): Promise<string> {
  const discovery = (await (
    await fetch(`${settings.AUTHORITY}/v2.0/.well-known/openid-configuration`)
  ).json()) as { token_endpoint: string };
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.CLIENT_ID,
      client_secret: settings.CLIENT_SECRET,
      scope: `${settings.SCOPES}/.default`,
    }),
  });
  if (!response.ok) throw new Error(`the floor's token request failed with ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** GET with Node's https and its keep-alive global agent, as axios in the product uses it. */
function getBody(url: string, token: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode !== 200) {
            reject(new Error(`the floor's GET answered ${response.statusCode ?? '?'}`));
          } else {
            resolve(Buffer.concat(chunks));
          }
        });
      },
    );
    request.on('error', reject);
  });
}

export async function createFloor(env: NodeJS.ProcessEnv, container: string): Promise<Floor> {
  const settings = settingsFrom(env);
  const token = await mintToken(settings);
  const containerClient = BlobServiceClient.fromConnectionString(
    settings.AzureWebJobsStorage,
  ).getContainerClient(container);
  await containerClient.createIfNotExists();
  const blob: BlockBlobClient = containerClient.getBlockBlobClient('floor.json');
  return {
    async run() {
      // The body as received is what gets uploaded: no re-encoding, the least an upload costs.
      const body = await getBody(settings.API_ENDPOINT, token);
      const todos = JSON.parse(body.toString('utf8')) as unknown[];
      await blob.upload(body, body.length);
      return todos.length;
    },
  };
}
