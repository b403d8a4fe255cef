/**
 * `createTestBus()`: a real bus (`createBus`) on a {@link VirtualScheduler},
 * plus what a test needs around it — a clock to move, and a record of
 * everything it published.
 *
 * The test bus is a Proxy over the real bus: every bus member is the real
 * one (so behaviour is exactly production's), except `stats()` and `stats$`,
 * which leave out the test bus's own recording subscription so that
 * `stats().subscriptions` counts only what the test created.
 */
import { map, type Observable } from 'rxjs';
import { createBus } from '../bus.js';
import type { AnyEvents, Bus, BusOptions, BusStats } from '../bus-api.js';
import type { EventMap, EventOf, PublicEvents } from '../event-map.js';
import { assertDuration, describeArgument } from '../validate.js';
import { driveClock } from './clock.js';
import { record, type Recorder } from './recorder.js';
import { VirtualScheduler } from './virtual-scheduler.js';

/**
 * Options of {@link createTestBus}: those of `createBus`, except that the
 * scheduler, when given, must be a {@link VirtualScheduler}.
 *
 * @example
 * ```ts
 * const bus = createTestBus<AppEvents>({ concurrency: 2, defaultTimeout: 5000, startTime: 1_000 });
 * ```
 */
export interface TestBusOptions extends Omit<BusOptions, 'scheduler'> {
  /** The virtual clock. Default: a new one. Pass one scheduler to several test buses to give them one clock. */
  readonly scheduler?: VirtualScheduler;
  /** The virtual time at creation when no scheduler is given, in ms. Default 0. */
  readonly startTime?: number;
}

/**
 * A bus on virtual time. Time moves only when the test moves it:
 * `advance(ms)` / `runAll()` run timers synchronously, `advanceAsync(ms)` /
 * `flush()` also let async handlers react between timers. Waiter, request and
 * `emit` timeouts, `stats$` throttling, `close({ timeout })` and any operator
 * given `bus.scheduler` (e.g. `rateLimit`) all run on this clock.
 *
 * @example
 * ```ts
 * const bus = createTestBus<AppEvents>();
 * const wait = bus.waitFor('page.response', { status: 200 }, { timeout: 5000 });
 * bus.advance(5000);
 * await expect(wait).rejects.toThrow(WaitTimeoutError);
 * ```
 */
export interface TestBus<E extends EventMap = AnyEvents, N extends EventMap = PublicEvents<E>> extends Bus<E, N> {
  /** The virtual clock of this bus. */
  readonly scheduler: VirtualScheduler;
  /** The current virtual time in ms (`scheduler.now()`). */
  readonly now: number;
  /**
   * Every event this bus published since it was created (including request
   * and `$reply.*` events), oldest first. `published.clear()` forgets the
   * set-up traffic; the vitest matchers read this record.
   */
  readonly published: Recorder<EventOf<N>>;
  /**
   * Moves the clock forward by `ms`, synchronously running every timer that
   * comes due, in order. Promise continuations (an async handler's next
   * step) run only afterwards; use {@link TestBus.advanceAsync} when they
   * should run between timers.
   *
   * @example
   * ```ts
   * bus.advance(1000);
   * ```
   */
  advance(ms: number): void;
  /**
   * Moves the clock forward by `ms` one due timer at a time, letting promise
   * continuations run after each, so async code that awaits and then
   * schedules more timers sees the time it expects.
   *
   * @example
   * ```ts
   * await bus.advanceAsync(1000);
   * ```
   */
  advanceAsync(ms: number): Promise<void>;
  /**
   * A promise that resolves after `ms` of virtual time (a timer on this
   * bus's scheduler): slow work, in a handler or a fake backend, that only
   * the test's clock moves along.
   *
   * @example
   * ```ts
   * bus.on('page.request', async ({ url }) => {
   *   await bus.delay(200); // the "server" answers after 200 virtual ms
   *   bus.publish('page.response', { url, status: 200 });
   * });
   * ```
   */
  delay(ms: number): Promise<void>;
  /**
   * Runs every scheduled timer synchronously, moving the clock to each; stops
   * with an error after a million (an endless interval).
   *
   * @example
   * ```ts
   * bus.runAll();
   * ```
   */
  runAll(): void;
  /**
   * Runs the bus to completion: lets async handlers finish and runs every
   * timer (moving the clock), until nothing is scheduled and the bus is
   * settled. Pending waiters and requests with a timeout therefore time out.
   * To let handlers finish without moving the clock, `await bus.settled()`.
   *
   * @example
   * ```ts
   * bus.publish('order.created', order);
   * await bus.flush(); // every handler, and every timer they started, is done
   * ```
   */
  flush(): Promise<void>;
}

/**
 * What the DSL knows about a test bus beyond its public face.
 *
 * @example
 * ```ts
 * const internals: TestBusInternals | undefined = testBusOf(bus);
 * ```
 */
export interface TestBusInternals {
  /** The real bus behind the proxy. */
  readonly bus: Bus<AnyEvents>;
  readonly scheduler: VirtualScheduler;
  readonly published: Recorder;
}

const internals = new WeakMap<object, TestBusInternals>();
const creationListeners = new Set<(bus: TestBus) => void>();

/**
 * The internals of a test bus, or `undefined` for any other value.
 *
 * @example
 * ```ts
 * testBusOf(createTestBus())?.scheduler; // its VirtualScheduler
 * testBusOf(createBus());                // undefined
 * ```
 */
export function testBusOf(value: unknown): TestBusInternals | undefined {
  return typeof value === 'object' && value !== null ? internals.get(value) : undefined;
}

/**
 * Calls `listener` with every test bus created from now until the returned
 * function is called (this is how a leak guard finds the buses a scenario creates).
 *
 * @example
 * ```ts
 * const stop = onTestBusCreated((bus) => created.push(bus));
 * stop();
 * ```
 */
export function onTestBusCreated(listener: (bus: TestBus) => void): () => void {
  creationListeners.add(listener);
  return () => creationListeners.delete(listener);
}

/**
 * Creates a bus on virtual time that records everything it publishes.
 *
 * @throws TypeError when `scheduler` is not a `VirtualScheduler`; otherwise as `createBus`.
 * @example
 * ```ts
 * type AppEvents = { 'page.request': { url: string }; 'page.response': { url: string; status: number } };
 * const bus = createTestBus<AppEvents>();
 * bus.on('page.request', ({ url }) => bus.publish('page.response', { url, status: 200 }));
 * bus.publish('page.request', { url: '/users' });
 * await bus.flush();
 * expect(bus.published.types).toEqual(['page.request', 'page.response']);
 * ```
 */
export function createTestBus<E extends EventMap = AnyEvents>(options: TestBusOptions = {}): TestBus<E> {
  const { scheduler = new VirtualScheduler(options.startTime ?? 0), startTime: _startTime, ...busOptions } = options;
  if (!(scheduler instanceof VirtualScheduler)) {
    throw new TypeError(
      `Expected the 'scheduler' of a test bus to be a VirtualScheduler from rxbus/testing, got ${describeArgument(scheduler)}. ` +
        `For another scheduler, use createBus({ scheduler }).`,
    );
  }
  const bus = createBus<AnyEvents>({ ...busOptions, scheduler });
  const published = record(bus);
  // The recording subscription is the test bus's own, not the test's.
  const ownStats = (stats: BusStats): BusStats => (published.recording ? { ...stats, subscriptions: stats.subscriptions - 1 } : stats);
  const idle = {
    idle: () => {
      const { queued, running, emitters, tracked } = bus.stats();
      return queued === 0 && running === 0 && emitters === 0 && tracked === 0;
    },
    settled: () => bus.settled(),
  };

  const controls = {
    scheduler,
    get now(): number {
      return scheduler.now();
    },
    published,
    advance: (ms: number): void => scheduler.advance(ms),
    advanceAsync: async (ms: number): Promise<void> => {
      assertDuration(ms, 'ms');
      await driveClock(scheduler, scheduler.now() + ms);
    },
    delay: (ms: number): Promise<void> =>
      new Promise<void>((resolve) => {
        scheduler.schedule(resolve, ms);
      }),
    runAll: (): void => scheduler.runAll(),
    flush: (): Promise<void> => driveClock(scheduler, Infinity, undefined, idle),
    stats: (): BusStats => ownStats(bus.stats()),
    get stats$(): Observable<BusStats> {
      return bus.stats$.pipe(map(ownStats));
    },
  };

  // Bus methods read private fields, so they must run with the real bus as
  // `this`: bind each once, on first use.
  const bound = new Map<PropertyKey, unknown>();
  const testBus = new Proxy(bus, {
    get(target, key) {
      if (Object.hasOwn(controls, key)) return Reflect.get(controls, key);
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      let fn = bound.get(key);
      if (fn === undefined) bound.set(key, (fn = value.bind(target)));
      return fn;
    },
    has(target, key) {
      return Object.hasOwn(controls, key) || Reflect.has(target, key);
    },
  }) as unknown as TestBus<E>;

  internals.set(testBus, { bus, scheduler, published });
  for (const listener of creationListeners) listener(testBus as unknown as TestBus);
  return testBus;
}
