// Module hooks (they run on Node's loader thread): append the URL of every module the process
// loads to the file `initialize` is given, one a line, as it is loaded.
import { appendFileSync } from 'node:fs';
import type { InitializeHook, LoadHook } from 'node:module';

let recordFile = '';

export const initialize: InitializeHook<{ recordFile: string }> = (data) => {
  recordFile = data.recordFile;
};

export const load: LoadHook = (url, context, nextLoad) => {
  appendFileSync(recordFile, `${url}\n`);
  return nextLoad(url, context);
};
