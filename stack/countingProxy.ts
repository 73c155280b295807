// A plain HTTP proxy in front of Azurite that counts the requests it forwards and can stall them:
// Azurite keeps no request count and cannot hang, and the product's storage client stays as it
// is (no test-only policy). A stalled request is either never forwarded (`noAnswer`) or forwarded
// and its answer held back after the headers or trickled (stall.ts), as a storage front end that
// hangs would do.
import { createServer, request as forward } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Stalls } from './stall.js';
import type { Stall, StallSwitches } from './stall.js';

export interface CountingProxy {
  /** AzureWebJobsStorage for a product that should be counted (or stalled). */
  readonly connectionString: string;
  requests(): number;
  /**
   * Requests to stall. A `noAnswer` stall is never forwarded, so the operation never reaches
   * Azurite; the other modes forward it and hold its answer back, so use them for reads.
   */
  readonly stalls: StallSwitches;
  stop(): Promise<void>;
}

export async function startCountingProxy(azurite: {
  port: number;
  connectionString: string;
}): Promise<CountingProxy> {
  let count = 0;
  const stalls = new Stalls();

  /** Sends `req` on to Azurite as it came; Azurite's answer goes to `onAnswer`. */
  const toAzurite = (
    req: IncomingMessage,
    res: ServerResponse,
    onAnswer: (answer: IncomingMessage) => void,
  ): void => {
    const upstream = forward(
      {
        host: '127.0.0.1',
        port: azurite.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      onAnswer,
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const stallAnswer = (req: IncomingMessage, res: ServerResponse, stall: Stall): void => {
    if (stall.mode === 'noAnswer') {
      stalls.play(req, res, stall);
      return;
    }
    // Azurite is on loopback: take its whole answer, then play it out stalled.
    toAzurite(req, res, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (typeof value === 'string') headers[name] = value;
          else if (Array.isArray(value)) headers[name] = value.join(', ');
        }
        stalls.play(req, res, stall, {
          status: answer.statusCode ?? 502,
          headers,
          body: Buffer.concat(chunks),
        });
      });
    });
  };

  const server = createServer((req, res) => {
    count += 1;
    const stall = stalls.take(req);
    if (stall) {
      stallAnswer(req, res, stall);
      return;
    }
    toAzurite(req, res, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
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
    stalls,
    stop: () =>
      new Promise<void>((resolve) => {
        stalls.stop();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
