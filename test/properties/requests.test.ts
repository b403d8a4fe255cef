/**
 * Request / reply (CONTRACT: Core / Request / reply, Re-entrancy and
 * robustness): every request settles exactly once, with its own reply or
 * error, and a responder error nobody waits for any more is still reported.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const requesting = mix({
  weights: { request: 10, handle: 4, unsubscribe: 2, abort: 4, advance: 6, on: 3, publish: 3, stream: 1, close: 1 },
  only: true,
});

describe('requests under random interleavings', () => {
  it(
    'settles every request once with its own reply, timeout, abort, close or responder error, and loses no responder error',
    () => checkInterleavings('requests', ['requests'], requesting),
    PROPERTY_TIMEOUT,
  );
});
