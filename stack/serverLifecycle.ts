// Starting and stopping the loopback servers the same way everywhere: bound to 127.0.0.1 only,
// and closed without waiting for idle keep-alive connections held by clients in the test.
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 (port 0 = any free port) and resolves with the bound port. */
export function listenOnLoopback(server: Server, port = 0): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections and drops the open ones, so stop() never hangs on keep-alive. */
export function closeServer(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => {
      resolve();
    });
    server.closeAllConnections?.();
  });
}
