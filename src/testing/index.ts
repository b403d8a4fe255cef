/**
 * `rxbus/testing`: a test bus on virtual time, `record`, `expectEvent`, runner-free matchers and leak checks.
 *
 * @module rxbus/testing
 */
export { VirtualScheduler } from './virtual-scheduler.js';
export { createTestBus, type TestBus, type TestBusOptions } from './test-bus.js';
export { record, type Recorder } from './recorder.js';
export { expectEvent, type EventExpectation, type ExpectEventOptions, type NegatedEventExpectation } from './expect-event.js';
export { expectNoLeaks, leakGuard, type LeakGuard } from './leaks.js';
export { pendingWorkOf, type InspectableBus, type PendingWork, type PendingWorkKind } from './pending-work.js';
export { parseMarbles, publishMarbles, type MarbleEvent, type MarbleStep, type PublishMarblesOptions } from './marbles.js';
export { busMatchers, type BusMatchers, type MatcherContext, type MatcherResult } from './matchers.js';
export { EventExpectationError, LeakError, type Leak } from './errors.js';
