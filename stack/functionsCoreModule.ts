// How a process without the Functions host gets its functions registered: the host's worker
// serves the module `@azure/functions-core` to require(), and @azure/functions (CommonJS, and
// the deploy bundle through its createRequire banner) registers each function and hook through
// it. Serving an object of our own under that name, the same way, lets the demo, the tests and
// the bench see what the host would be told. (Unsupported by @azure/functions, but the only way
// to check registrations without the host, which cannot be installed here.)
import Module from 'node:module';

/** Makes require('@azure/functions-core') return `core` in this process from now on. */
export function provideFunctionsCore(core: object): void {
  const loader = Module as unknown as {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  };
  const load = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean): unknown {
    return request === '@azure/functions-core' ? core : load.call(this, request, parent, isMain);
  };
}
