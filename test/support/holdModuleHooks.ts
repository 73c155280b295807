// Module hooks (they run on Node's loader thread): the load of a module whose URL matches
// `pattern` is held, the test told of it (`{ held: url }` on `port`), until the test answers
// `'load'` (it then loads as usual) or `'fail'` (its import rejects, as a broken package would).
import type { InitializeHook, LoadHook } from 'node:module';
import type { MessagePort } from 'node:worker_threads';

let pattern: RegExp | undefined;
let port: MessagePort | undefined;
let answer: Promise<unknown> = Promise.resolve('load');

export const initialize: InitializeHook<{ port: MessagePort; pattern: string }> = (data) => {
  port = data.port;
  pattern = new RegExp(data.pattern);
  answer = new Promise((resolve) => data.port.once('message', resolve));
};

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!pattern?.test(url)) return nextLoad(url, context);
  port?.postMessage({ held: url });
  if ((await answer) === 'fail') throw new Error(`${url} failed to load (made to by the test)`);
  return nextLoad(url, context);
};
