// Fault switches of the local ToDo API: tests queue a misbehaviour for the next N matching
// requests, so retry, throttling and parsing paths of the product run against a real socket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Stalls } from './stall.js';
import type { Stall } from './stall.js';

export type FaultKind = ApiFault['kind'];

interface FaultBase {
  /** How many matching requests it applies to (default 1). */
  count?: number;
  /** Only requests with this HTTP method match (default: any). */
  method?: string;
}

export type ApiFault = FaultBase &
  /**
   * That status with ASP.NET Core's problem details for it (`traceId` included); `problem`
   * adds or replaces members, e.g. a `detail` or field `errors`.
   */
  (
    | { kind: 'status'; status: number; problem?: Record<string, unknown> }
    /** 429 with `Retry-After`: delta-seconds such as '2', or an HTTP-date. */
    | { kind: 'throttle'; retryAfter: string }
    /** Delays the response, then answers normally. */
    | { kind: 'slow'; delayMs: number }
    /** 200 with a body that is broken JSON or the wrong shape. */
    | { kind: 'malformed'; body?: string }
    /** 401 `invalid_token` (with a description, empty body) even for a valid token. */
    | { kind: 'unauthorized' }
    /** Destroys the socket without a response. */
    | { kind: 'reset' }
    /** Stalls instead of answering: no answer, headers only, or a trickled body (stall.ts). */
    | { kind: 'stall'; stall: Stall }
  );

export interface FaultSwitches {
  next(fault: ApiFault): void;
  /** Drops every queued fault. */
  clear(): void;
  /** Queued faults with their remaining counts. */
  pending(): ApiFault[];
  /** Exchanges a `stall` fault still holds open (the client has not given up on them). */
  stalledExchanges(): number;
}

interface QueuedFault {
  fault: ApiFault;
  remaining: number;
}

/** First-in, first-out: a request takes the oldest queued fault that matches its method. */
export class FaultQueue implements FaultSwitches {
  #queue: QueuedFault[] = [];
  readonly #stalls = new Stalls();

  next(fault: ApiFault): void {
    const remaining = fault.count ?? 1;
    if (!Number.isInteger(remaining) || remaining < 1) {
      throw new RangeError(`fault count must be a positive integer, got ${String(fault.count)}`);
    }
    this.#queue.push({ fault: { ...fault }, remaining });
  }

  clear(): void {
    this.#queue = [];
  }

  pending(): ApiFault[] {
    return this.#queue.map(({ fault, remaining }) => ({ ...fault, count: remaining }));
  }

  stalledExchanges(): number {
    return this.#stalls.active();
  }

  /**
   * Plays a `stall` fault on this exchange (the server answers nothing else). Closing the
   * server ends it: its sockets are destroyed, and the stall's timer with them.
   */
  stall(req: IncomingMessage, res: ServerResponse, fault: ApiFault & { kind: 'stall' }): void {
    this.#stalls.play(req, res, fault.stall);
  }

  /** Consumes one use of the first fault that matches `method`, if any. */
  take(method: string): ApiFault | undefined {
    const index = this.#queue.findIndex(
      ({ fault }) => fault.method === undefined || fault.method.toUpperCase() === method,
    );
    const queued = this.#queue[index];
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining === 0) this.#queue.splice(index, 1);
    return queued.fault;
  }
}
