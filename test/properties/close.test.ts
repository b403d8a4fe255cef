/**
 * `close()` (CONTRACT: Lifetime, Re-entrancy and robustness): it stops
 * admission when called, even mid-publish; resolves only once every admitted
 * job has finished (drain) or been cancelled (`drain: false`, `timeout`:
 * their signals abort); a later, stronger call escalates; afterwards nothing
 * is pending and everything that waited was rejected with `BusClosedError`.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const closing = mix({
  reactions: 0.45,
  weights: {
    close: 2,
    on: 6,
    publish: 6,
    emit: 4,
    waitFor: 3,
    request: 2,
    handle: 1,
    advance: 4,
    stream: 2,
    abort: 2,
    unsubscribe: 1,
    settled: 1,
  },
  only: true,
});

describe('close() under random interleavings', () => {
  it(
    'starts no job after close() resolved or cancelled, resolves only after admitted jobs end, aborts them when not draining',
    () => checkInterleavings('close', ['close'], closing),
    PROPERTY_TIMEOUT,
  );

  it(
    'leaves nothing pending after close: counters 0, waiters, emitters and requests rejected, streams completed, publish refused',
    () => checkInterleavings('closed', ['closed'], closing),
    PROPERTY_TIMEOUT,
  );
});
