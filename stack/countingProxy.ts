// A plain HTTP proxy in front of Azurite that counts the requests it forwards: Azurite keeps
// no request count, and the product's storage client stays as it is (no bench-only policy).
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  /** AzureWebJobsStorage for a product that should be counted. */
  readonly connectionString: string;
  requests(): number;
  stop(): Promise<void>;
}

export async function startCountingProxy(azurite: {
  port: number;
  connectionString: string;
}): Promise<CountingProxy> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    const upstream = forward(
      {
        host: '127.0.0.1',
        port: azurite.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Shared-key signatures cover the path, not the host and port: the same key works here.
  const connectionString = azurite.connectionString.replace(
    `127.0.0.1:${azurite.port}/`,
    `127.0.0.1:${port}/`,
  );
  return {
    connectionString,
    requests: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
