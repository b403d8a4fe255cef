/**
 * `track()` / `settled()` (CONTRACT: Lifetime, Re-entrancy and robustness):
 * `settled()` never resolves while a job is queued or running, an emitter
 * waits or tracked work is pending, and always resolves once the bus is
 * idle — no job is ever stranded.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const settling = mix({
  weights: {
    settled: 4,
    track: 3,
    release: 3,
    on: 6,
    publish: 4,
    emit: 6,
    unsubscribe: 2,
    advance: 4,
    abort: 2,
    stream: 2,
    watch: 1,
    waitFor: 1,
    request: 1,
    handle: 1,
  },
  only: true,
});

describe('settled() under random interleavings', () => {
  it(
    'never resolves early, always resolves on an idle bus, and strands no job',
    () => checkInterleavings('settled', ['settled'], settling),
    PROPERTY_TIMEOUT,
  );
});
