// The probe's side of the channel to the bench: ask for a change on the stack, report a result.
import type { Counters, ProbeMessage, ProbeReply, ProbeRequest } from '../protocol.js';

const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 1;

process.on('message', (message: ProbeReply) => {
  const waiter = pending.get(message.id);
  pending.delete(message.id);
  if (message.error !== undefined) waiter?.reject(new Error(message.error));
  else waiter?.resolve(message.value);
});

function send(message: ProbeMessage): void {
  if (!process.send) throw new Error('a probe runs as a child of the bench, with an IPC channel');
  process.send(message);
}

function ask(request: ProbeRequest): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send({ kind: 'request', id, request });
  });
}

/** Serves `count` todos from the API (one description edited when `edit` > 0); their JSON size. */
export async function setTodos(count: number, edit = 0): Promise<number> {
  return (await ask({ op: 'setTodos', count, edit })) as number;
}

export async function readCounters(): Promise<Counters> {
  return (await ask({ op: 'counters' })) as Counters;
}

/** Sends the probe's result and closes the channel, so the probe can exit. */
export function reportResult(value: unknown): void {
  send({ kind: 'result', value });
  process.disconnect();
}
