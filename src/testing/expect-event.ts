/**
 * `expectEvent(bus, pattern, matcher?)`: Playwright-style assertions on bus
 * traffic — "this event is (or is not) published within N ms" — that explain
 * a failure by listing what *was* published for the pattern.
 *
 * What counts: on a test bus, every event it recorded (since its creation,
 * or the last `published.clear()`, or the `since` cursor) and those published
 * while the expectation waits; on another bus, the events published from the
 * `expectEvent` call on (plus, with `since`, those still in its history).
 *
 * How time passes: on a test bus the expectation moves the virtual clock
 * itself (one due timer at a time, letting async handlers run in between)
 * and stops as soon as it is decided, so a passing `within(5000)` leaves the
 * clock at the time the event arrived. On another bus it waits on that bus's
 * scheduler, as `bus.waitFor` would.
 */
import type { AnyEvents, Bus } from '../bus-api.js';
import { WaitTimeoutError } from '../errors.js';
import type { BusEvent, EventMap, EventMatching, KnownPattern, PayloadMatching } from '../event-map.js';
import { compileMatcher, type CompiledMatcher, type Matcher } from '../matcher.js';
import { compilePattern, type CompiledPattern } from '../pattern.js';
import { assertDuration } from '../validate.js';
import type { Cursor } from '../waiter.js';
import { driveClock } from './clock.js';
import { EventExpectationError } from './errors.js';
import { describeEvent, describeNearMisses, describeWanted } from './event-report.js';
import { record } from './recorder.js';
import { testBusOf, type TestBusInternals } from './test-bus.js';

/** Default wait of `toBePublished()`, in ms — Playwright's `expect` timeout. */
const DEFAULT_TIMEOUT = 5000;

/**
 * Options of {@link expectEvent}.
 *
 * @example
 * ```ts
 * const mark = bus.cursor();
 * await expectEvent(bus, 'order.created', { id: '7' }, { since: mark, timeout: 1000 }).toBePublished();
 * ```
 */
export interface ExpectEventOptions {
  /** How long `toBePublished()` waits, in ms of the bus's clock. Default 5000. */
  readonly timeout?: number;
  /**
   * Count only events published after this cursor (from `bus.cursor()`).
   * Default: on a test bus, everything it recorded; on another bus, events
   * from the `expectEvent` call on.
   */
  readonly since?: Cursor;
}

/**
 * The negated assertions of an {@link EventExpectation}.
 *
 * @example
 * ```ts
 * await expectEvent(bus, 'order.cancelled').not.toBePublished({ for: 1000 });
 * ```
 */
export interface NegatedEventExpectation {
  /**
   * Resolves when no matching event is published for `for` ms (default 0:
   * none has been published so far); rejects with `EventExpectationError`
   * as soon as one is. On a test bus it moves the clock by `for` ms.
   */
  toBePublished(options?: { readonly for?: number }): Promise<void>;
}

/**
 * An assertion about one pattern and matcher, from {@link expectEvent}.
 *
 * @example
 * ```ts
 * const response = await expectEvent(bus, 'page.response', { status: 200 }).within(5000);
 * response.payload.url; // typed from the event map
 * ```
 */
export interface EventExpectation<Ev extends BusEvent = BusEvent> {
  /** Same as `toBePublished({ timeout: ms })`. */
  within(ms: number): Promise<Ev>;
  /**
   * Resolves with the first matching event, already published or published
   * within `timeout` ms (default: the `expectEvent` option, else 5000);
   * rejects with `EventExpectationError` listing the near misses otherwise.
   * `timeout: 0` checks only what was already published.
   */
  toBePublished(options?: { readonly timeout?: number }): Promise<Ev>;
  /** The negated assertions. */
  readonly not: NegatedEventExpectation;
}

/**
 * Starts an assertion on the events of `pattern` matching `matcher` (the
 * matcher language of `bus.waitFor`). Nothing is registered until one of its
 * methods is called; each call returns a promise to await. Bad arguments
 * throw here, synchronously. A matcher that throws rejects the promise with
 * its error.
 *
 * @example
 * ```ts
 * const bus = createTestBus<AppEvents>();
 * const service = new PageService(bus);
 * void service.load('/users');
 * await expectEvent(bus, 'page.request', { url: '/users' }).toBePublished();
 * await expectEvent(bus, 'page.error').not.toBePublished({ for: 1000 });
 * ```
 */
export function expectEvent<E extends EventMap, N extends EventMap, P extends string>(
  bus: Bus<E, N>,
  pattern: P & KnownPattern<N, P>,
  matcher?: Matcher<PayloadMatching<N, P>, EventMatching<N, P>>,
  options?: ExpectEventOptions,
): EventExpectation<EventMatching<N, P>>;
export function expectEvent(
  bus: Bus<AnyEvents>,
  pattern: string,
  matcher?: Matcher<unknown, BusEvent>,
  options: ExpectEventOptions = {},
): EventExpectation {
  const test = testBusOf(bus);
  const { timeout: defaultTimeout = DEFAULT_TIMEOUT, since } = options;
  assertDuration(defaultTimeout, 'timeout');
  if (since !== undefined && !(Number.isInteger(since) && since >= 0 && since <= bus.cursor())) {
    throw new RangeError(`Expected 'since' to be a cursor from bus.cursor(), got ${String(since)} (the newest event is #${bus.cursor()}).`);
  }
  const plan: Plan = {
    bus,
    test,
    pattern: compilePattern(pattern),
    matcher,
    compiled: compileMatcher(matcher),
    since: since ?? (test === undefined ? bus.cursor() : 0),
    startId: bus.cursor(),
  };
  return {
    within: (ms) => expectPublished(plan, ms, `.within(${ms})`),
    toBePublished: ({ timeout } = {}) =>
      timeout === undefined
        ? expectPublished(plan, defaultTimeout, '.toBePublished()')
        : expectPublished(plan, timeout, `.toBePublished({ timeout: ${timeout} })`),
    not: {
      toBePublished: ({ for: forMs = 0 } = {}) => expectNotPublished(plan, forMs),
    },
  };
}

/** Everything one expectation fixed when it was created. */
interface Plan {
  readonly bus: Bus<AnyEvents>;
  readonly test: TestBusInternals | undefined;
  readonly pattern: CompiledPattern;
  readonly matcher: Matcher<unknown, BusEvent> | undefined;
  readonly compiled: CompiledMatcher<unknown, BusEvent>;
  /** Events with a larger id count. */
  readonly since: number;
  /** The newest event id when the expectation was created. */
  readonly startId: number;
}

// Both are async so that a bad duration rejects the promise, like waitFor's bad arguments.
async function expectPublished(plan: Plan, timeout: number, method: string): Promise<BusEvent> {
  assertDuration(timeout, 'timeout');
  const { bus, test, pattern } = plan;
  // What a failure lists: the test bus's record, or what another bus publishes from now on.
  const watch = test === undefined ? record(bus) : undefined;
  try {
    const hit = alreadyPublished(plan);
    if (hit !== undefined) return hit;
    if (timeout > 0) {
      try {
        return await publishedWithin(plan, timeout);
      } catch (error) {
        if (!(error instanceof WaitTimeoutError)) throw error;
      }
    }
    const seen = watch === undefined ? publishedSince(plan) : (watch.events as readonly BusEvent[]);
    const matcher = plan.compiled.description;
    throw new EventExpectationError({
      message:
        `${describeCall(plan, method)} failed${timeout > 0 ? ` after ${timeout} ms` : ''}.\n\n` +
        `Expected: ${describeWanted(pattern.source, matcher)}${timeout > 0 ? ` within ${timeout} ms` : ' (already published)'}\n` +
        `${describeNearMisses(seen, pattern)}\n\n` +
        `Check the matcher against what was published, or give it more time.`,
      pattern: pattern.source,
      matcher,
      expected: 'published',
      timeout,
      received: seen.filter((event) => pattern.test(event.type)),
    });
  } finally {
    watch?.stop();
  }
}

async function expectNotPublished(plan: Plan, forMs: number): Promise<void> {
  assertDuration(forMs, 'for');
  let culprit = alreadyPublished(plan);
  if (culprit === undefined && forMs > 0) {
    try {
      culprit = await publishedWithin(plan, forMs);
    } catch (error) {
      if (error instanceof WaitTimeoutError) return;
      throw error;
    }
  }
  if (culprit === undefined) return;
  const { pattern, test } = plan;
  const matcher = plan.compiled.description;
  const early =
    culprit.id <= plan.startId
      ? `\n\nIt was published before the expectation started; pass { since: bus.cursor() } to count only later events.`
      : '';
  const last = culprit;
  throw new EventExpectationError({
    message:
      `${describeCall(plan, `.not.toBePublished({ for: ${forMs} })`)} failed: a matching event was published at ${culprit.time} ms.\n\n` +
      `Expected: ${describeWanted(pattern.source, matcher, 'no')}${forMs > 0 ? ` for ${forMs} ms` : ''}\n` +
      `Received: ${describeEvent(culprit)}${early}`,
    pattern: pattern.source,
    matcher,
    expected: 'not published',
    timeout: forMs,
    // On a test bus, the events of the pattern up to the culprit; elsewhere the culprit alone.
    received: test === undefined ? [last] : publishedSince(plan).filter((event) => event.id <= last.id && pattern.test(event.type)),
  });
}

/** The first matching event that already counts, if any. */
function alreadyPublished(plan: Plan): BusEvent | undefined {
  const { test, bus, pattern, compiled, matcher, since } = plan;
  if (test !== undefined) return publishedSince(plan).find((event) => pattern.test(event.type) && compiled.test(event.payload, event));
  // Another bus: only its history can tell, and a waiter with `since` reads it synchronously.
  let hit: BusEvent | undefined;
  let failure: { error: unknown } | undefined;
  bus
    .waitFor$(pattern.source, matcher, { since: since as Cursor, timeout: 0 })
    .subscribe({ next: (event) => (hit = event), error: (error: unknown) => (failure = { error }) })
    .unsubscribe();
  if (failure !== undefined) throw failure.error;
  return hit;
}

/** The first matching event published within `ms` (a `WaitTimeoutError` otherwise), moving a test bus's clock meanwhile. */
async function publishedWithin(plan: Plan, ms: number): Promise<BusEvent> {
  const { bus, test, pattern, matcher } = plan;
  const wait = bus.waitFor(pattern.source, matcher, { timeout: ms });
  if (test !== undefined) {
    let done = false;
    const mark = (): void => {
      done = true;
    };
    wait.then(mark, mark);
    await driveClock(test.scheduler, test.scheduler.now() + ms, () => done);
  }
  return wait;
}

function publishedSince(plan: Plan): readonly BusEvent[] {
  const events = plan.test!.published.events;
  return plan.since === 0 ? events : events.filter((event) => event.id > plan.since);
}

function describeCall(plan: Plan, method: string): string {
  const matcher = plan.matcher === undefined ? '' : `, ${plan.compiled.description}`;
  return `expectEvent('${plan.pattern.source}'${matcher})${method}`;
}
