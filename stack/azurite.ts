// Azurite's Blob service as a child process on loopback: the real Storage protocol (containers,
// blobs, leases, ETags) for the product's checkpoint store, in memory so every start is clean.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface AzuriteOptions {
  /** 0 or unset: Azurite picks a free port and reports it. */
  port?: number;
  /** Persist to this folder instead of memory (Azurite refuses both at once). */
  location?: string;
}

export interface Azurite {
  port: number;
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  connectionString: string;
  accountName: string;
  accountKey: string;
  stop(): Promise<void>;
}

/** Azurite's fixed development account: public, documented, and valid only against Azurite. */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const LISTENING_LINE = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort for a parent that exits without calling stop(): kill every child we started. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('azurite/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: Record<string, string>;
  };
  const bin = manifest.bin?.['azurite-blob'];
  if (bin === undefined) throw new Error(`${manifestPath} declares no azurite-blob binary`);
  return join(dirname(manifestPath), bin);
}

/** The compiled watchdog next to this module; absent when running from the .ts sources. */
function watchdogArgs(): string[] {
  const watchdog = new URL('./parentWatchdog.js', import.meta.url);
  return existsSync(fileURLToPath(watchdog)) ? ['--import', watchdog.href] : [];
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export async function startAzurite(opts: AzuriteOptions = {}): Promise<Azurite> {
  const persistence =
    opts.location === undefined ? ['--inMemoryPersistence'] : ['--location', opts.location];
  const args = [
    ...watchdogArgs(),
    azuriteBlobMain(),
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(opts.port ?? 0),
    ...persistence,
    // @azure/storage-blob sends a newer x-ms-version than Azurite 3.35 knows.
    '--skipApiVersionCheck',
    // Otherwise Azurite tries to reach Application Insights (no network here, and none wanted).
    '--disableTelemetry',
    '--silent',
  ];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  child.once('exit', () => running.delete(child));

  // Azurite prints its bound port; reading it avoids racing another process for a "free" port.
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (reason: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`Azurite did not start: ${reason}\n${stdout}${stderr}`.trim()));
    };
    const timer = setTimeout(() => {
      fail(`no listening message within ${START_TIMEOUT_MS} ms`);
    }, START_TIMEOUT_MS);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = LISTENING_LINE.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('error', (error) => {
      fail(error.message);
    });
    child.once('exit', (code, signal) => {
      fail(`exited early (code ${String(code)}, signal ${String(signal)})`);
    });
  });
  // Its later output (the shutdown lines) is read and dropped so the pipe never fills up.
  child.removeAllListeners('exit');
  child.once('exit', () => running.delete(child));
  child.stdout.removeAllListeners('data').resume();
  child.stderr.removeAllListeners('data').resume();
  // A forgotten stop() must not keep the parent alive: unreferenced, the parent can exit, and then
  // the exit hook or the watchdog ends Azurite. (The stdio streams are sockets at run time.)
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as Partial<Socket> | null)?.unref?.();
  }

  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT_NAME}`;
  let stopped: Promise<void> | undefined;
  return {
    port,
    blobEndpoint,
    connectionString: [
      'DefaultEndpointsProtocol=http',
      `AccountName=${AZURITE_ACCOUNT_NAME}`,
      `AccountKey=${AZURITE_ACCOUNT_KEY}`,
      `BlobEndpoint=${blobEndpoint};`,
    ].join(';'),
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    stop() {
      stopped ??= (async () => {
        // Closing stdin ends the child at once through the watchdog; SIGTERM covers a child
        // started without it (from the .ts sources).
        child.stdin.end();
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_TIMEOUT_MS);
        }
        running.delete(child);
      })();
      return stopped;
    },
  };
}
