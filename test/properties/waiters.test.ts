/**
 * Waiting (CONTRACT: Core / Waiting, Re-entrancy and robustness): every
 * waiter — promise or `waitFor$`, with random matchers, timeouts, signals
 * aborted before or during the wait, `since` cursors — settles exactly once,
 * by its first outcome, and leaves nothing behind.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const waiting = mix({ weights: { waitFor: 8, publish: 7, mark: 2, abort: 3, unsubscribe: 2, track: 0, release: 0, settled: 0 } });

describe('waiters under random interleavings', () => {
  it('settles every waiter once with the right outcome: first match, timeout, abort, matcher error or close', () =>
    checkInterleavings('waiters', ['waiters'], waiting), PROPERTY_TIMEOUT);

  it('never skips an event after a since cursor, and rejects at once when the history lost events after it', () =>
    checkInterleavings('since', ['since'], mix({ weights: { waitFor: 8, publish: 8, mark: 4, close: 0, track: 0, release: 0, settled: 0 } })), PROPERTY_TIMEOUT);

  it('leaves no waiter, timer or abort listener behind once nothing waits', () =>
    checkInterleavings('leaks', ['leaks'], waiting), PROPERTY_TIMEOUT);
});
