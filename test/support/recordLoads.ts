// A preload (`node --import <this file's URL>`) that records every ES module the process loads
// into the file TODO_SYNC_LOAD_RECORD names: which chunks of a bundle a command evaluated.
// In-thread hooks (module.registerHooks) where Node has them (22.15 and later; module.register
// is deprecated from 26), the loader thread's before.
import { register } from 'node:module';
import { recordingLoad } from './loadRecorderHooks.js';
import { registerHooks, type InThreadLoadHook } from './registerHooks.js';

const recordFile = process.env.TODO_SYNC_LOAD_RECORD;
if (!recordFile) throw new Error('TODO_SYNC_LOAD_RECORD must name the file to record into');

if (registerHooks) {
  // In-thread, nextLoad answers at once, and so does the hook.
  registerHooks({ load: recordingLoad(recordFile) as InThreadLoadHook });
} else {
  register('./loadRecorderHooks.js', import.meta.url, { data: { recordFile } });
}
