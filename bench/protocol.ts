// Messages between the bench (parent, which runs the local stack) and a probe (child, which
// runs the product). The probe asks; the parent acts on the stack and answers.

/** Requests a probe sends to the parent. */
export type ProbeRequest =
  /** Serve `count` todos from the API; `edit` > 0 changes one description, so a sync sees a change. */
  | { readonly op: 'setTodos'; readonly count: number; readonly edit: number }
  /** Counters of the parent's peers, read between two syncs. */
  | { readonly op: 'counters' };

export interface Counters {
  /** Token requests the identity provider answered. */
  readonly idpTokenRequests: number;
  /** Requests that reached the ToDo API with method GET. */
  readonly apiGets: number;
  /** Requests that went through the counting storage proxy. */
  readonly storageRequests: number;
}

export interface ProbeReply {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

/** A probe's messages: a request (with an id to answer) or its result. */
export type ProbeMessage =
  | { readonly kind: 'request'; readonly id: number; readonly request: ProbeRequest }
  | { readonly kind: 'result'; readonly value: unknown };

/** What a probe loads: the deploy package or the tsc output a clone runs. */
export type Target = 'bundle' | 'source';
