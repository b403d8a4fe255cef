/**
 * Backpressure (CONTRACT: Core / Publishing, Re-entrancy and robustness):
 * every `emit` settles exactly once — published, or rejected with its
 * timeout, its signal's reason or `BusClosedError` and then not published —
 * waiting producers are served in call order, and none waits forever on an
 * idle bus.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const emitting = mix({
  reactions: 0.3,
  weights: { emit: 10, on: 6, publish: 3, advance: 3, abort: 3, stream: 2, unsubscribe: 2, close: 1, watch: 1, settled: 1 },
  only: true,
});

/** Fewer distractions: producers, busy handlers, aborts; time moves seldom, so lines form. */
const queueing = mix({
  reactions: 0.2,
  weights: { emit: 12, on: 6, advance: 2, abort: 3, publish: 2, unsubscribe: 1, stream: 1 },
  only: true,
});

describe('emit under random interleavings', () => {
  it(
    'settles every emit once: resolved only if published (before close), rejected only if not, never left waiting on an idle bus',
    () => checkInterleavings('emitters', ['emitters'], emitting),
    PROPERTY_TIMEOUT,
  );

  it(
    'publishes the events of waiting emitters in the order emit was called',
    () => checkInterleavings('fifo', ['fifo'], queueing),
    PROPERTY_TIMEOUT,
  );
});
