/**
 * Admission under re-entrancy (CONTRACT: Core / Publishing, Re-entrancy and
 * robustness): user code that publishes, emits, subscribes, unsubscribes or
 * aborts from inside stream subscribers, matchers, key functions, handler
 * starts and `errors$`/`dropped$` subscribers never pushes the bus past its
 * limits, never reorders or duplicates jobs, and never loses one.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const admission = mix({
  reactions: 0.5,
  weights: {
    publish: 10,
    on: 6,
    emit: 3,
    stream: 4,
    watch: 2,
    unsubscribe: 3,
    abort: 2,
    advance: 4,
    waitFor: 3,
    request: 2,
    handle: 1,
    mark: 1,
  },
  only: true,
});

describe('admission under random interleavings', () => {
  it(
    'keeps queued ≤ capacity and running ≤ concurrency at every moment, and never drops or refuses jobs that fit',
    () => checkInterleavings('capacity', ['capacity'], admission),
    PROPERTY_TIMEOUT,
  );

  it('gives events unique, increasing ids', () => checkInterleavings('ids', ['ids'], admission), PROPERTY_TIMEOUT);

  it(
    'runs same-key jobs one at a time in publish order, and each handler within its own concurrency',
    () => checkInterleavings('ordering', ['ordering'], admission),
    PROPERTY_TIMEOUT,
  );

  it(
    'runs every (event, handler) job once or drops it once, and counts what dropped$ and errors$ report',
    () => checkInterleavings('accounting', ['accounting'], admission),
    PROPERTY_TIMEOUT,
  );
});
