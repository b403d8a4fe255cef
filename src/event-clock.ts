/**
 * The clock that stamps `event.time`.
 *
 * Reading the wall clock is a call into the runtime and, on a virtual
 * machine, into the hypervisor's clock: `Date.now()` measured 51 ns on the
 * KVM guest of docs/performance.md, more than RxJS `Subject.next` to one
 * subscriber (35 ns) and 40 % of a whole publish. Under a virtual scheduler
 * the same read is a field load. So:
 *
 * - A bus with a scheduler of its own (a `VirtualTimeScheduler`, RxJS
 *   `TestScheduler`, the test bus, Angular's zone-aware scheduler) asks that
 *   scheduler for every event: exact.
 * - A bus on the default `asyncScheduler` shares one `Date.now()` reading
 *   between the events published in a row within one synchronous run, at
 *   most {@link SHARED_READING} of them. The reading expires at the next
 *   microtask checkpoint (a microtask is queued when it is taken), so an
 *   event published from a later task, timer, promise continuation or I/O
 *   callback reads the clock again. A burst of publishes in one run is
 *   stamped with the time the first of each group of 16 was published.
 *
 * The reading is shared only while `asyncScheduler.now()` is the native
 * `Date.now()`: inside `TestScheduler.run()` (which points RxJS's clock at
 * virtual frames) and under fake timers (vitest, jest, sinon, zone.js
 * `fakeAsync` — all replace `Date.now` with a function of their own), every
 * event reads the clock, so virtual time stays exact even when the fake is
 * installed in the middle of a synchronous run.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
// RxJS's own switch for TestScheduler.run() (public since 7.0 under the
// package's `./internal/*` export, and the only way to see it): while it is
// set, asyncScheduler.now() is virtual and must be read for every event.
import { dateTimestampProvider } from 'rxjs/internal/scheduler/dateTimestampProvider';

/** How many events in a row may share one wall-clock reading. */
export const SHARED_READING = 16;

/** Where `event.time` comes from: `now()` in the scheduler's milliseconds. */
export interface EventClock {
  now(): number;
}

/**
 * The event clock for a bus on `scheduler`: the scheduler itself, or, for
 * the default `asyncScheduler`, a wall clock whose readings are shared as
 * described above.
 *
 * @example
 * ```ts
 * const clock = eventClock(asyncScheduler);
 * const a = clock.now(); // reads Date.now()
 * const b = clock.now(); // same synchronous run: a === b
 * ```
 */
export function eventClock(scheduler: SchedulerLike): EventClock {
  return scheduler === asyncScheduler ? new SharedWallClock() : scheduler;
}

/** `Date.now()` read at most once per {@link SHARED_READING} events of one synchronous run. */
class SharedWallClock implements EventClock {
  #time = 0;
  /** Events that may still use `#time`; 0 when it has expired. */
  #left = 0;
  /** Events that did use `#time` besides the first. */
  #shared = 0;
  /** The `Date.now` that produced `#time`: a fake installed since then makes it stale. */
  #source: unknown;
  #expiryQueued = false;
  /** Readings still to take without sharing (see `#expire`). */
  #cooldown = 0;
  /** Last function tested by `isNative`, and the answer (fakes are rarely swapped). */
  #tested: unknown;
  #testedNative = false;
  /**
   * Ends the reading at the microtask checkpoint. A reading that nobody
   * shared means events come one per task or microtask (a producer that
   * awaits each `emit`): then scheduling the expiry costs more than the read
   * it saves, so the next readings are taken plainly, without one.
   */
  readonly #expire = (): void => {
    if (this.#shared === 0) this.#cooldown = SHARED_READING;
    this.#left = 0;
    this.#expiryQueued = false;
  };

  now(): number {
    if (this.#left > 0 && Date.now === this.#source && dateTimestampProvider.delegate === undefined) {
      this.#left--;
      this.#shared++;
      return this.#time;
    }
    const time = asyncScheduler.now();
    const source = Date.now;
    if (this.#cooldown > 0 || dateTimestampProvider.delegate !== undefined || !this.#isNative(source)) {
      if (this.#cooldown > 0) this.#cooldown--;
      this.#left = 0;
      return time;
    }
    this.#time = time;
    this.#source = source;
    this.#left = SHARED_READING - 1;
    if (!this.#expiryQueued) {
      this.#expiryQueued = true;
      this.#shared = 0;
      // A promise reaction, not queueMicrotask: Node wraps each
      // queueMicrotask callback in an AsyncResource, three times the cost.
      (resolved ??= Promise.resolve()).then(this.#expire);
    }
    return time;
  }

  #isNative(fn: unknown): boolean {
    if (fn !== this.#tested) {
      this.#tested = fn;
      this.#testedNative = typeof fn === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
    }
    return this.#testedNative;
  }
}

let resolved: Promise<void> | undefined;
