/**
 * Request / reply (CONTRACT: Core / Request / reply, Re-entrancy and
 * robustness): every request settles exactly once, with its own reply or
 * error, and a responder error nobody waits for any more is still reported.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const requesting = mix({ weights: { request: 8, handle: 3, unsubscribe: 2, abort: 3, advance: 5, track: 0, release: 0, settled: 0 } });

describe('requests under random interleavings', () => {
  it('settles every request once with its own reply, timeout, abort, close or responder error, and loses no responder error', () =>
    checkInterleavings('requests', ['requests'], requesting), PROPERTY_TIMEOUT);
});
