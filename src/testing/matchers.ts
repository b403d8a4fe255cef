/**
 * Jest-style matchers for buses, independent of any runner: `busMatchers`
 * is the object `expect.extend` takes (vitest, Jest, or anything with the
 * same protocol). `rxbus/testing/vitest` registers it with vitest and adds
 * the types; this file never imports a test runner.
 *
 * What the matchers read:
 * - `toHavePublished` / `toHavePublishedTimes` need to know what was
 *   published, so they take a test bus (which records everything from its
 *   creation, see `bus.published`) or a recorder from `record(bus)`;
 * - `toBeSettled` / `toHaveNoWaiters` / `toHaveNoPendingWork` read
 *   `stats()`, so they take any bus (a test bus also reports its timers).
 */
import type { AnyEvents } from '../bus-api.js';
import type { BusEvent, EventMatching, KnownPattern, PayloadMatching } from '../event-map.js';
import { compileMatcher, type Matcher } from '../matcher.js';
import { compilePattern } from '../pattern.js';
import { countEvents, describeNearMisses, describeWanted, listEvents } from './event-report.js';
import { describePending, pendingWorkOf, type InspectableBus, type PendingWorkKind } from './pending-work.js';
import { isRecorder, type Recorder } from './recorder.js';
import { testBusOf, type TestBus } from './test-bus.js';

/**
 * What a matcher receives as `this` from the runner (the part it uses).
 *
 * @example
 * ```ts
 * busMatchers.toBeSettled.call({ isNot: false }, bus).pass;
 * ```
 */
export interface MatcherContext {
  /** True under `.not`. */
  readonly isNot: boolean;
}

/**
 * What a matcher returns to the runner.
 *
 * @example
 * ```ts
 * const { pass, message } = busMatchers.toHaveNoWaiters.call({ isNot: false }, bus);
 * if (!pass) console.log(message());
 * ```
 */
export interface MatcherResult {
  /** Whether the assertion holds (the runner inverts it under `.not`). */
  readonly pass: boolean;
  /** The failure message, built only when it is shown. */
  message(): string;
}

/** The event map behind a test bus or a recorder, for typing matcher arguments. */
type EventsOf<T> =
  T extends TestBus<infer _E, infer N>
    ? N
    : T extends Recorder<infer Ev>
      ? { [K in Ev['type']]: Extract<Ev, { readonly type: K }>['payload'] }
      : AnyEvents;

/**
 * The matchers `rxbus/testing/vitest` adds to `expect(...)`, typed from what
 * is being checked: on a `TestBus<AppEvents>` (or a recorder of it),
 * patterns and matchers are checked against `AppEvents`.
 *
 * @example
 * ```ts
 * // Jest: declare global { namespace jest { interface Matchers<R, T> extends BusMatchers<R, T> {} } }
 * expect(bus).toHavePublished('page.request', { url: '/users' });
 * ```
 */
export interface BusMatchers<R = void, T = unknown> {
  /**
   * Passes when a test bus (since its creation or `published.clear()`) or a
   * recorder has an event of `pattern` matching `matcher`. The failure lists
   * the events of the pattern that were published.
   *
   * @example
   * ```ts
   * expect(bus).toHavePublished('page.response', { url: '/users', status: 200 });
   * expect(bus).not.toHavePublished('page.error');
   * ```
   */
  toHavePublished<P extends string>(
    pattern: P & KnownPattern<EventsOf<T>, P>,
    matcher?: Matcher<PayloadMatching<EventsOf<T>, P>, EventMatching<EventsOf<T>, P>>,
  ): R;
  /**
   * Passes when a test bus or recorder has exactly `times` events of `pattern`.
   *
   * @example
   * ```ts
   * expect(bus).toHavePublishedTimes('page.request', 2);
   * ```
   */
  toHavePublishedTimes<P extends string>(pattern: P & KnownPattern<EventsOf<T>, P>, times: number): R;
  /**
   * Passes when the bus has no handler job queued or running, no producer
   * waiting in `emit` and no tracked work — what `bus.settled()` waits for,
   * checked now.
   *
   * @example
   * ```ts
   * await bus.flush();
   * expect(bus).toBeSettled();
   * ```
   */
  toBeSettled(): R;
  /**
   * Passes when the bus has no pending waiter.
   *
   * @example
   * ```ts
   * expect(bus).toHaveNoWaiters();
   * ```
   */
  toHaveNoWaiters(): R;
  /**
   * Passes when the bus is settled and has no waiter, no pending request,
   * and (for a test bus) no timer on its scheduler. Live handlers and
   * streams are not work: they wait for events, not for time.
   *
   * @example
   * ```ts
   * await service.stop();
   * expect(bus).toHaveNoPendingWork();
   * ```
   */
  toHaveNoPendingWork(): R;
}

const SETTLED: readonly PendingWorkKind[] = ['queued', 'running', 'emitters', 'tracked'];
const NO_PENDING_WORK: readonly PendingWorkKind[] = [...SETTLED, 'waiters', 'pendingRequests', 'timers'];

/**
 * The matcher implementations, for `expect.extend(busMatchers)`.
 * `rxbus/testing/vitest` does that for vitest.
 *
 * @example
 * ```ts
 * import { expect } from '@jest/globals';
 * expect.extend(busMatchers);
 * ```
 */
export const busMatchers = {
  /** Passes when `received` (a bus or test bus) published an event of `pattern` whose payload fits `matcher`. */
  toHavePublished(this: MatcherContext, received: unknown, pattern: string, matcher?: Matcher<unknown, BusEvent>): MatcherResult {
    const events = publishedBy(received, 'toHavePublished');
    const compiledPattern = compilePattern(pattern);
    const compiled = compileMatcher<unknown, BusEvent>(matcher);
    const matching = events.filter((event) => compiledPattern.test(event.type) && compiled.test(event.payload, event));
    const args = `'${pattern}'${matcher === undefined ? '' : `, ${compiled.description}`}`;
    return {
      pass: matching.length > 0,
      message: () =>
        this.isNot
          ? `expect(bus).not.toHavePublished(${args})\n\n` +
            `Expected: ${describeWanted(pattern, compiled.description, 'no')}\n` +
            `Received: ${countEvents(matching.length, pattern)} matching:\n${listEvents(matching).join('\n')}`
          : `expect(bus).toHavePublished(${args})\n\n` +
            `Expected: ${describeWanted(pattern, compiled.description)}\n` +
            describeNearMisses(events, compiledPattern),
    };
  },

  /** Passes when exactly `times` events of `pattern` were published. */
  toHavePublishedTimes(this: MatcherContext, received: unknown, pattern: string, times: number): MatcherResult {
    const events = publishedBy(received, 'toHavePublishedTimes');
    if (!Number.isInteger(times) || times < 0) {
      throw new TypeError(`toHavePublishedTimes(pattern, times) needs an integer times ≥ 0, got ${String(times)}.`);
    }
    const compiledPattern = compilePattern(pattern);
    const matching = events.filter((event) => compiledPattern.test(event.type));
    return {
      pass: matching.length === times,
      message: () =>
        `expect(bus)${this.isNot ? '.not' : ''}.toHavePublishedTimes('${pattern}', ${times})\n\n` +
        `Expected: ${this.isNot ? 'not ' : ''}${countEvents(times, pattern)}\n` +
        (matching.length === 0
          ? describeNearMisses(events, compiledPattern)
          : `Received: ${countEvents(matching.length, pattern)}:\n${listEvents(matching).join('\n')}`),
    };
  },

  /** Passes when no job is queued or running, no emitter waits and no tracked work is pending. */
  toBeSettled(this: MatcherContext, received: unknown): MatcherResult {
    return workCheck(this, received, 'toBeSettled', SETTLED, 'nothing queued, running, waiting in emit() or tracked');
  },

  /** Passes when no `waitFor` / `waitFor$` is pending. */
  toHaveNoWaiters(this: MatcherContext, received: unknown): MatcherResult {
    return workCheck(this, received, 'toHaveNoWaiters', ['waiters'], 'no pending waiter');
  },

  /** Passes when nothing at all is pending: waiters, subscriptions, jobs, emitters, requests, tracked work, timers. */
  toHaveNoPendingWork(this: MatcherContext, received: unknown): MatcherResult {
    return workCheck(
      this,
      received,
      'toHaveNoPendingWork',
      NO_PENDING_WORK,
      'no handler job, emitter, tracked work, waiter, request or timer',
    );
  },
};

/** The events a test bus or recorder holds; a TypeError for anything else. */
function publishedBy(received: unknown, matcher: string): readonly BusEvent[] {
  if (isRecorder(received)) return received.events;
  const test = testBusOf(received);
  if (test !== undefined) return test.published.events;
  throw new TypeError(
    `${matcher}() needs a test bus (createTestBus) or a recorder (record(bus)): a plain bus does not keep what it published. ` +
      `Got ${received === null ? 'null' : typeof received}.`,
  );
}

function workCheck(
  context: MatcherContext,
  received: unknown,
  name: string,
  kinds: readonly PendingWorkKind[],
  expected: string,
): MatcherResult {
  if (typeof (received as Partial<InspectableBus> | null)?.stats !== 'function') {
    throw new TypeError(`${name}() needs a bus, got ${received === null ? 'null' : typeof received}.`);
  }
  const work = pendingWorkOf(received as InspectableBus);
  const pending = describePending(work, kinds);
  return {
    pass: pending === 'nothing',
    message: () =>
      `expect(bus)${context.isNot ? '.not' : ''}.${name}()\n\n` +
      `Expected: ${context.isNot ? 'some pending work' : expected}\n` +
      `Received: ${pending}` +
      (context.isNot ? '' : `\n\nLet the work finish first: await bus.flush() on a test bus, or await bus.settled().`),
  };
}
