// The second half of `npm run build` (after tsc): bundles the `todo-sync` command into the
// folder package.json `bin` names. Silent when it succeeds, as tsc is.
import { bundleCli } from './bundleCli.js';

await bundleCli();
