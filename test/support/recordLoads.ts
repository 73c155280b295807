// A preload (`node --import <this file's URL>`) that records every ES module the process loads
// into the file TODO_SYNC_LOAD_RECORD names: which chunks of a bundle a command evaluated.
// In-thread hooks (module.registerHooks) where Node has them (22.15 and later; module.register
// is deprecated from 26), the loader thread's before.
import { register, type LoadHook } from 'node:module';
import { recordLoad } from './loadRecorderHooks.js';
import { registerHooks } from './registerHooks.js';

const recordFile = process.env.TODO_SYNC_LOAD_RECORD;
if (!recordFile) throw new Error('TODO_SYNC_LOAD_RECORD must name the file to record into');

if (registerHooks) {
  registerHooks({
    load: (url, context, nextLoad) => {
      recordLoad(recordFile, url);
      return nextLoad(url, context) as Awaited<ReturnType<LoadHook>>;
    },
  });
} else {
  register('./loadRecorderHooks.js', import.meta.url, { data: { recordFile } });
}
