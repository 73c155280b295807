// The ways a peer can stall, in one place, for every fake of the local stack (IdP, API, vault,
// managed-identity endpoint, and the storage proxy): what the fault matrix of issue 10 runs
// against. A stalled exchange holds a real socket open, as a hung server or a half-dead load
// balancer does; nothing here may keep the test process alive, so timers are unref'd and stop()
// destroys every socket still held.
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * - `noAnswer`: accept the connection, read the whole request, never answer (a hung server);
 * - `stallAfterHeaders`: send the status line and headers (announcing a body), then nothing;
 * - `trickle`: send the headers, then the body one byte per `intervalMs` (what axios's idle
 *   `timeout` never notices).
 */
export type StallMode = 'noAnswer' | 'stallAfterHeaders' | 'trickle';

export type Stall =
  | { mode: 'noAnswer' }
  | { mode: 'stallAfterHeaders'; status?: number; headers?: Record<string, string> }
  | {
      mode: 'trickle';
      intervalMs: number;
      status?: number;
      headers?: Record<string, string>;
      /** What is trickled (default: a JSON object of about 1 KB); it ends the answer if it ever completes. */
      body?: string | Buffer;
    };

/** A stall for the next `count` matching requests (default 1). */
export type QueuedStall = Stall & {
  count?: number;
  /** Which requests it applies to (default: any). */
  match?: (request: StalledRequest) => boolean;
};

/** What a queued stall's `match` sees of a request. */
export interface StalledRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
}

/** The answer a stall pretends to be sending, when the stall does not say. */
export interface StalledAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const DEFAULT_BODY = Buffer.from(JSON.stringify({ stalled: 'x'.repeat(1024) }));

const DEFAULT_ANSWER: StalledAnswer = {
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: DEFAULT_BODY,
};

/** What a test sees of a server's stalls. */
export interface StallSwitches {
  /** The next `count` matching requests (default 1, any request) stall this way. */
  next(stall: QueuedStall): void;
  /** Drops the queued stalls (exchanges already stalled stay so until the client gives up). */
  clear(): void;
  /** Requests stalled so far. */
  started(): number;
  /** Stalled exchanges still open: the client has not given up on them (yet). */
  active(): number;
}

/**
 * The stalls of one server: a queue of stalls to play on coming requests, the exchanges being
 * stalled, and stop() to end them all.
 */
export class Stalls implements StallSwitches {
  #queue: {
    stall: Stall;
    remaining: number;
    match: ((request: StalledRequest) => boolean) | undefined;
  }[] = [];
  #held = new Set<{ res: ServerResponse; timer?: NodeJS.Timeout }>();
  #started = 0;

  next(stall: QueuedStall): void {
    const { count = 1, match, ...rest } = stall;
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`stall count must be a positive integer, got ${String(count)}`);
    }
    this.#queue.push({ stall: rest, remaining: count, match });
  }

  clear(): void {
    this.#queue = [];
  }

  /** Consumes one use of the oldest queued stall that matches `request`, if any. */
  take(request: IncomingMessage): Stall | undefined {
    const target = { method: (request.method ?? 'GET').toUpperCase(), url: request.url ?? '/' };
    const index = this.#queue.findIndex(({ match }) => match === undefined || match(target));
    const queued = this.#queue[index];
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining === 0) this.#queue.splice(index, 1);
    return queued.stall;
  }

  started(): number {
    return this.#started;
  }

  active(): number {
    return this.#held.size;
  }

  /**
   * Plays `stall` on this exchange. `answer` is what a trickle sends and what the headers of a
   * stall after headers announce (default: a 200 JSON answer of about 1 KB); a stall's own
   * status, headers and body win over it. The request is read to its end either way.
   */
  play(
    req: IncomingMessage,
    res: ServerResponse,
    stall: Stall,
    answer: StalledAnswer = DEFAULT_ANSWER,
  ): void {
    this.#started += 1;
    const entry: { res: ServerResponse; timer?: NodeJS.Timeout } = { res };
    this.#held.add(entry);
    const release = (): void => {
      if (entry.timer) clearInterval(entry.timer);
      this.#held.delete(entry);
    };
    // The client giving up (its deadline) closes the socket: nothing more to hold.
    res.once('close', release);
    req.resume();
    if (stall.mode === 'noAnswer') return;

    const status = stall.status ?? answer.status;
    const body =
      stall.mode === 'trickle' && stall.body !== undefined ? Buffer.from(stall.body) : answer.body;
    const headers: Record<string, string | number> = {
      ...answer.headers,
      ...stall.headers,
      // The full length is announced, so the client knows the answer is not complete (at
      // least one byte, or an empty answer would be complete with its headers).
      'content-length': stall.mode === 'trickle' ? body.length : Math.max(body.length, 1),
    };
    delete headers['transfer-encoding'];
    res.writeHead(status, headers);
    res.flushHeaders();
    if (stall.mode === 'stallAfterHeaders') return;

    let sent = 0;
    entry.timer = setInterval(() => {
      if (sent >= body.length) {
        release();
        res.end();
        return;
      }
      res.write(body.subarray(sent, sent + 1));
      sent += 1;
    }, stall.intervalMs);
    entry.timer.unref();
  }

  /** Ends every stalled exchange (destroying its socket) and drops the queue. */
  stop(): void {
    this.clear();
    for (const entry of [...this.#held]) {
      if (entry.timer) clearInterval(entry.timer);
      entry.res.socket?.destroy();
      entry.res.destroy();
      this.#held.delete(entry);
    }
  }
}
