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

const closing = mix({ weights: { close: 3, on: 5, publish: 6, emit: 3, waitFor: 3, request: 2, advance: 4 }, reactions: 0.45 });

describe('close() under random interleavings', () => {
  it('starts no job after close() resolved or cancelled, resolves only after admitted jobs end, aborts them when not draining', () =>
    checkInterleavings('close', ['close'], closing), PROPERTY_TIMEOUT);

  it('leaves nothing pending after close: counters 0, waiters, emitters and requests rejected, streams completed, publish refused', () =>
    checkInterleavings('closed', ['closed'], closing), PROPERTY_TIMEOUT);
});
