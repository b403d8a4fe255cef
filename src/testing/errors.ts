/**
 * The failures of the `rxbus/testing` DSL. Like every rxbus error they extend
 * `RxBusError`; their messages say what was expected, what happened instead
 * and what to look at next, and the same facts are fields for programs.
 */
import { RxBusError } from '../errors.js';
import type { BusEvent } from '../event-map.js';
import type { PendingWorkKind } from './pending-work.js';

/**
 * An `expectEvent(...)` expectation failed: the event was not published in
 * time (`expected: 'published'`), or it was published when it should not
 * have been (`expected: 'not published'`). The message lists what *was*
 * published for the pattern, newest last.
 *
 * @example
 * ```ts
 * await expectEvent(bus, 'page.response', { status: 200 }).within(1000).catch((err) => {
 *   if (err instanceof EventExpectationError) console.log(err.received.map((e) => e.payload));
 *   throw err;
 * });
 * ```
 */
export class EventExpectationError extends RxBusError {
  override name = 'EventExpectationError';
  /** The pattern of the expectation. */
  readonly pattern: string;
  /** A readable rendering of the matcher (`'anything'` without one). */
  readonly matcher: string;
  /** What the expectation wanted. */
  readonly expected: 'published' | 'not published';
  /** How long it watched, in ms of the bus's clock. */
  readonly timeout: number;
  /** The events of the pattern it saw, oldest first (for `'not published'`, the last one is the culprit). */
  readonly received: readonly BusEvent[];

  constructor(details: {
    message: string;
    pattern: string;
    matcher: string;
    expected: 'published' | 'not published';
    timeout: number;
    received: readonly BusEvent[];
  }) {
    super(details.message);
    this.pattern = details.pattern;
    this.matcher = details.matcher;
    this.expected = details.expected;
    this.timeout = details.timeout;
    this.received = details.received;
  }
}

/**
 * One kind of work a scenario left behind on one bus.
 *
 * @example
 * ```ts
 * const leak: Leak = { bus: 'test bus #1', kind: 'waiters', before: 0, after: 2 };
 * ```
 */
export interface Leak {
  /** Which bus: `'bus #1'` for buses passed in, `'test bus #1 (created in the scenario)'` for the others. */
  readonly bus: string;
  /** What was left: a key of `PendingWork`, e.g. `'waiters'` or `'timers'`. */
  readonly kind: PendingWorkKind;
  /** The count before the scenario (0 for buses created in it). */
  readonly before: number;
  /** The count after it. */
  readonly after: number;
}

/**
 * A scenario checked by `expectNoLeaks` or a `leakGuard` left waiters,
 * subscriptions, handler jobs, tracked work, pending requests or scheduler
 * timers behind. The message lists each leak with a hint; `leaks` has them as data.
 *
 * @example
 * ```ts
 * await expect(expectNoLeaks(bus, () => { bus.waitFor('never'); })).rejects.toThrow(LeakError);
 * ```
 */
export class LeakError extends RxBusError {
  override name = 'LeakError';
  /** What was left behind, per bus and kind. */
  readonly leaks: readonly Leak[];
  constructor(message: string, leaks: readonly Leak[]) {
    super(message);
    this.leaks = leaks;
  }
}
