/**
 * Waiting (CONTRACT: Core / Waiting, Re-entrancy and robustness): every
 * waiter — promise or `waitFor$`, with random matchers, timeouts, signals
 * aborted before or during the wait, `since` cursors — settles exactly once,
 * by its first outcome, and leaves nothing behind.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const waiting = mix({
  weights: { waitFor: 10, publish: 8, emit: 2, mark: 3, abort: 4, unsubscribe: 3, advance: 5, on: 3, stream: 2, close: 1 },
  only: true,
});
const since = mix({ weights: { waitFor: 10, publish: 10, mark: 5, advance: 3, on: 2, stream: 2 }, only: true });

describe('waiters under random interleavings', () => {
  it(
    'settles every waiter once with the right outcome: first match, timeout, abort, matcher error or close',
    () => checkInterleavings('waiters', ['waiters'], waiting),
    PROPERTY_TIMEOUT,
  );

  it(
    'never skips an event after a since cursor, and rejects at once when the history lost events after it',
    () => checkInterleavings('since', ['since'], since),
    PROPERTY_TIMEOUT,
  );

  it(
    'leaves no waiter, timer or abort listener behind once nothing waits',
    () => checkInterleavings('leaks', ['leaks'], waiting),
    PROPERTY_TIMEOUT,
  );
});
