// What every scenario gets: the environment a probe starts with, and the stack's answers.
import type { LocalStack } from '../../stack/localStack.js';
import type { Counters, ProbeRequest } from '../protocol.js';
import type { CountingProxy } from '../../stack/countingProxy.js';
import { todoList } from './todoLists.js';

export interface BenchContext {
  /** Trusts the local CA and holds the stack's settings (storage direct to Azurite). */
  readonly env: NodeJS.ProcessEnv;
  /** The same, with storage through the counting proxy. */
  readonly countedEnv: NodeJS.ProcessEnv;
  /** Settings that make a probe export its telemetry to the stack's OTLP receiver. */
  readonly otlpSettings: Readonly<Record<string, string>>;
  readonly serve: (request: ProbeRequest) => unknown;
}

export function benchContext(
  stack: LocalStack,
  proxy: CountingProxy,
  caBundlePath: string,
): BenchContext {
  const env = { ...process.env, ...stack.settings, NODE_EXTRA_CA_CERTS: caBundlePath };
  return {
    env,
    countedEnv: { ...env, AzureWebJobsStorage: proxy.connectionString },
    otlpSettings: stack.otlp.settings,
    serve(request) {
      switch (request.op) {
        case 'setTodos': {
          const list = todoList(request.count, request.edit);
          stack.api.setTodos(list);
          return Buffer.byteLength(JSON.stringify(list));
        }
        case 'counters':
          return {
            idpTokenRequests: stack.idp.tokenRequests(),
            apiGets: stack.api.requests().filter((r) => r.method === 'GET').length,
            storageRequests: proxy.requests(),
          } satisfies Counters;
      }
    },
  };
}
