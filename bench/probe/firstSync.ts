// Probe: process start until the first sync has completed, through the timer function, for
// the target in argv[2]. The settings come from the environment, as in the host.
import type { Target } from '../protocol.js';
import { loadTarget } from './loadTarget.js';
import { reportResult } from './parentLink.js';
import { runTimer } from './runTimer.js';

const target = process.argv[2] as Target;
const loaded = await loadTarget(target);
await runTimer(loaded);
reportResult({ registeredAtMs: loaded.registeredAtMs, syncedAtMs: performance.now() });
