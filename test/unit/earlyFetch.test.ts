import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canUseEarlyFetch } from '../../src/sync/earlyFetch.js';

describe('canUseEarlyFetch', () => {
  const cases: [string | undefined, string | undefined, boolean, string][] = [
    ['"v1"', '"v1"', true, 'the snapshot is the version this process last saw'],
    ['"v1"', '"v2"', false, 'another instance wrote since'],
    [undefined, '"v1"', false, 'this process has seen no snapshot yet'],
    ['"v1"', undefined, false, 'the lock could not tell the version'],
    [undefined, undefined, false, 'nothing is known on either side'],
  ];
  for (const [known, atLock, expected, why] of cases) {
    it(`${String(expected)} when ${why}`, () => {
      assert.equal(canUseEarlyFetch(known, atLock), expected);
    });
  }
});
