import { from, Observable, type ObservableInput, type OperatorFunction, type Subscriber } from 'rxjs';
import { BufferFullError } from '../src/errors.js';
import { OVERFLOW_POLICIES, type OverflowPolicy } from '../src/overflow.js';
import { RingBuffer } from '../src/ring-buffer.js';
import { subscribeSource } from '../src/source-subscriber.js';
import { assertCount, assertFunction, assertOneOf } from '../src/validate.js';

/**
 * What {@link boundedMerge} does with a value that finds every slot busy and
 * the buffer full: the same vocabulary as the bus's `overflow` option.
 *
 * @example
 * ```ts
 * const overflow: BoundedMergeOverflow = 'drop-oldest'; // keep the freshest values
 * ```
 */
export type BoundedMergeOverflow = OverflowPolicy;

/**
 * Why {@link BoundedMergeOptions.onDrop} was called: the policy that dropped
 * the value (`'drop-newest'`: the arriving value; `'drop-oldest'`: the oldest
 * waiting one).
 *
 * @example
 * ```ts
 * const onDrop = (value: Job, reason: BoundedMergeDropReason) => metrics.increment(`jobs.dropped.${reason}`);
 * ```
 */
export type BoundedMergeDropReason = Exclude<OverflowPolicy, 'error'>;

/**
 * Options of {@link boundedMerge}; all optional, with the same defaults as
 * `createBus` (`concurrency` 16, `capacity` 1024, `overflow` `'error'`).
 *
 * @example
 * ```ts
 * const options: BoundedMergeOptions<Job> = { concurrency: 4, capacity: 100, overflow: 'drop-newest', onDrop: log };
 * ```
 */
export interface BoundedMergeOptions<T> {
  /** Most inner subscriptions running at once. Integer ≥ 1 or `Infinity`; default 16. */
  readonly concurrency?: number;
  /** Most source values waiting for a slot (running ones do not count). Integer ≥ 0; default 1024. */
  readonly capacity?: number;
  /**
   * When a value arrives with every slot busy and `capacity` values waiting:
   * `'error'` (default) errors the output with `BufferFullError` (a
   * `QueueFullError`) — losing data silently is opt-in; `'drop-newest'` drops
   * the arriving value; `'drop-oldest'` evicts the oldest waiting value and
   * keeps the new one.
   */
  readonly overflow?: BoundedMergeOverflow;
  /** Called with each dropped value and the policy that dropped it. If it throws, the output errors. */
  readonly onDrop?: (value: T, reason: BoundedMergeDropReason) => void;
}

/**
 * Like `mergeMap(project, concurrency)`, but the values waiting for a slot sit
 * in a bounded buffer with an overflow policy, instead of an unbounded array.
 *
 * A value starts its inner subscription at once when fewer than `concurrency`
 * are running; otherwise it waits in FIFO order, and when `capacity` values
 * already wait, `overflow` decides (`'error'`, `'drop-newest'`,
 * `'drop-oldest'`; drops are reported to `onDrop`). Buffer operations are O(1)
 * (a ring buffer), so the cost per value does not grow with the backlog, as
 * mergeMap's `Array#shift` does.
 *
 * Completes when the source has completed and every buffered value's inner
 * observable has completed. An error from the source, an inner observable,
 * `project` or `onDrop` errors the output at once and unsubscribes every
 * inner subscription; unsubscribing does the same and empties the buffer.
 *
 * ```
 * boundedMerge(v => cold('--v|'), { concurrency: 1, capacity: 1, overflow: 'drop-newest' })
 * source:  (abc)-----|
 * result:  --a--b----|     c dropped: a running, b waiting, buffer full
 * ```
 *
 * @throws RangeError / TypeError for invalid options (at the call, not at subscribe).
 * @example
 * ```ts
 * // At most 4 uploads at once, 100 waiting; beyond that keep the newest.
 * files$.pipe(
 *   boundedMerge((file) => upload(file), {
 *     concurrency: 4, capacity: 100, overflow: 'drop-oldest',
 *     onDrop: (file) => log.warn(`skipped ${file.name}`),
 *   }),
 * ).subscribe();
 * ```
 */
export function boundedMerge<T, R>(
  project: (value: T, index: number) => ObservableInput<R>,
  options: BoundedMergeOptions<T> = {},
): OperatorFunction<T, R> {
  assertFunction(project, 'project');
  const { concurrency = 16, capacity = 1024, overflow = 'error', onDrop } = options;
  if (concurrency !== Infinity) assertCount(concurrency, 'concurrency', 1);
  assertCount(capacity, 'capacity', 0);
  assertOneOf(overflow, 'overflow', OVERFLOW_POLICIES);
  if (onDrop !== undefined) assertFunction(onDrop, 'onDrop');

  const settings: Settings<T, R> = { project, concurrency, capacity, overflow, onDrop };
  return (source) =>
    new Observable<R>((subscriber) => {
      const merge = new MergeSubscription(settings, subscriber);
      subscribeSource(source, subscriber, {
        next: (value) => merge.offer(value),
        error: (err: unknown) => subscriber.error(err),
        complete: () => merge.sourceComplete(),
      });
      // The source and the inner observables are chained to `subscriber`,
      // which unsubscribes them; only the buffer is left to empty.
      return () => merge.clear();
    });
}

/** The checked options of one boundedMerge operator, shared by its subscriptions. */
interface Settings<T, R> {
  readonly project: (value: T, index: number) => ObservableInput<R>;
  readonly concurrency: number;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly onDrop: ((value: T, reason: BoundedMergeDropReason) => void) | undefined;
}

/** One subscription to a boundedMerge pipeline: its running inner observables and its buffer. */
class MergeSubscription<T, R> {
  readonly #settings: Settings<T, R>;
  readonly #subscriber: Subscriber<R>;
  // A capacity of 0 still needs a RingBuffer to stay branch-free below;
  // it grows lazily, so a large capacity costs nothing until used.
  readonly #buffer: RingBuffer<T>;
  #active = 0;
  #index = 0;
  #sourceDone = false;
  #draining = false;

  constructor(settings: Settings<T, R>, subscriber: Subscriber<R>) {
    this.#settings = settings;
    this.#subscriber = subscriber;
    this.#buffer = new RingBuffer<T>(settings.capacity);
  }

  /** A source value: starts at once, waits in the buffer, or meets the overflow policy. */
  offer(value: T): void {
    const { concurrency, capacity, overflow } = this.#settings;
    const buffer = this.#buffer;
    if (this.#active < concurrency && buffer.size === 0 && !this.#draining) {
      this.#start(value);
      return;
    }
    if (buffer.push(value)) {
      this.#drain();
      return;
    }
    if (overflow === 'error') {
      this.#subscriber.error(new BufferFullError({ operator: 'boundedMerge', capacity, concurrency }));
    } else if (overflow === 'drop-newest') {
      this.#report(value, 'drop-newest');
    } else {
      // With capacity 0 there is nothing older to evict: the new value itself is returned.
      this.#report(buffer.pushEvicting(value) as T, 'drop-oldest');
    }
  }

  sourceComplete(): void {
    this.#sourceDone = true;
    this.#checkComplete();
  }

  clear(): void {
    this.#buffer.clear();
  }

  #report(value: T, reason: BoundedMergeDropReason): void {
    const { onDrop } = this.#settings;
    if (onDrop === undefined) return;
    try {
      onDrop(value, reason);
    } catch (err) {
      this.#subscriber.error(err);
    }
  }

  #checkComplete(): void {
    if (this.#sourceDone && this.#active === 0 && this.#buffer.size === 0) this.#subscriber.complete();
  }

  #start(value: T): void {
    const subscriber = this.#subscriber;
    let inner$: Observable<R>;
    try {
      inner$ = from(this.#settings.project(value, this.#index++));
    } catch (err) {
      subscriber.error(err);
      return;
    }
    this.#active++;
    let ended = false;
    // Chained to `subscriber` (see src/source-subscriber.ts): when the
    // output ends, every inner observable is unsubscribed, synchronous
    // ones in the middle of their emission too.
    const inner = subscribeSource(inner$, subscriber, {
      next: (result) => subscriber.next(result),
      error: (err: unknown) => subscriber.error(err),
      complete: () => {
        ended = true;
      },
    });
    // Runs after the inner's own teardown (at once if it already ended
    // synchronously): as with mergeMap, a slot is free only once the
    // finished inner observable has cleaned up, so `concurrency` bounds
    // live resources, not just running work.
    inner.add(() => {
      if (!ended) return;
      this.#active--;
      this.#drain();
    });
  }

  /**
   * Starts buffered values while slots are free. A loop guarded by
   * `#draining`, not recursion: inner observables that complete
   * synchronously would otherwise nest one call per buffered value and
   * overflow the stack on a large backlog.
   */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      const { concurrency } = this.#settings;
      const buffer = this.#buffer;
      while (this.#active < concurrency && buffer.size > 0 && !this.#subscriber.closed) this.#start(buffer.shift() as T);
    } finally {
      this.#draining = false;
    }
    this.#checkComplete();
  }
}
