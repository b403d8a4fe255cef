/**
 * A virtual-time `SchedulerLike` for tests: time moves only when the test
 * calls `advance(ms)` or `runAll()`.
 *
 * Unlike RxJS's `VirtualTimeScheduler`, which sorts its whole action list on
 * every schedule and keeps cancelled actions until they come due, this one
 * keeps an indexed heap and drops cancelled actions at once, so 100 000
 * pending timers cost O(log n) each and `pending` tells exactly how many are
 * live — which is what a leak test needs.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { IndexedHeap, type HeapEntry } from '../indexed-heap.js';

/** What the heap needs of an action, whatever its state type. */
interface Scheduled extends HeapEntry {
  run(): void;
  unsubscribe(): void;
}

class VirtualAction<T> extends Subscription implements SchedulerAction<T>, HeapEntry {
  rank = 0;
  seq = 0;
  slot = -1;
  private state: T | undefined;

  constructor(
    private readonly scheduler: VirtualScheduler,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super();
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.scheduler.enqueue(this, delay);
    return this;
  }

  run(): void {
    this.work.call(this, this.state);
  }

  override unsubscribe(): void {
    if (this.closed) return;
    this.scheduler.dequeue(this);
    super.unsubscribe();
  }
}

/**
 * A scheduler whose clock only moves when told to.
 *
 * @example
 * ```ts
 * const scheduler = new VirtualScheduler();
 * const bus = createBus({ scheduler });
 * const wait = bus.waitFor('never', undefined, { timeout: 1000 });
 * scheduler.advance(1000); // the waiter times out now
 * await expect(wait).rejects.toThrow(WaitTimeoutError);
 * ```
 */
export class VirtualScheduler implements SchedulerLike {
  #now: number;
  readonly #heap = new IndexedHeap<Scheduled>();

  constructor(startTime = 0) {
    this.#now = startTime;
  }

  /**
   * The current virtual time in ms.
   *
   * @example
   * ```ts
   * new VirtualScheduler(1000).now(); // 1000
   * ```
   */
  now(): number {
    return this.#now;
  }

  /**
   * Number of scheduled actions that have not run or been cancelled.
   *
   * @example
   * ```ts
   * expect(scheduler.pending).toBe(0); // no timer left behind
   * ```
   */
  get pending(): number {
    return this.#heap.size;
  }

  /**
   * The virtual time at which the earliest pending action is due, or
   * `undefined` when nothing is scheduled: where `advance` would stop next.
   *
   * @example
   * ```ts
   * scheduler.schedule(() => undefined, 250);
   * scheduler.nextDue; // 250 (with the clock at 0)
   * ```
   */
  get nextDue(): number | undefined {
    return this.#heap.peek()?.rank;
  }

  /**
   * Schedules `work` to run `delay` virtual ms from now (RxJS's
   * `SchedulerLike`); unsubscribing the result cancels it at once.
   *
   * @example
   * ```ts
   * const timer = scheduler.schedule(() => console.log('due'), 500);
   * timer.unsubscribe(); // scheduler.pending is 0 again
   * ```
   */
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new VirtualAction<T>(this, work).schedule(state, delay);
  }

  /**
   * Moves the clock forward by `ms`, running every action that comes due, in
   * time order (and scheduling order for ties), with `now()` at its due time.
   *
   * @example
   * ```ts
   * timer(100, scheduler).subscribe(() => console.log(scheduler.now())); // 100
   * scheduler.advance(100);
   * ```
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs ms ≥ 0, got ${ms}.`);
    const until = this.#now + ms;
    for (let next = this.#heap.peek(); next !== undefined && next.rank <= until; next = this.#heap.peek()) this.#run(next);
    this.#now = until;
  }

  /**
   * Runs until nothing is scheduled, moving the clock to each action's time.
   *
   * @throws Error when more than `limit` actions run (an endless periodic timer).
   * @example
   * ```ts
   * scheduler.runAll(); // every pending timer has run
   * ```
   */
  runAll(limit = 1_000_000): void {
    let runs = 0;
    for (let next = this.#heap.peek(); next !== undefined; next = this.#heap.peek()) {
      if (++runs > limit) {
        throw new Error(`runAll() ran ${limit} actions and the queue is still not empty: is a periodic timer never cancelled?`);
      }
      this.#run(next);
    }
  }

  /** @internal */
  enqueue(action: Scheduled, delay: number): void {
    this.#heap.remove(action);
    action.rank = this.#now + Math.max(0, delay);
    this.#heap.push(action);
  }

  /** @internal */
  dequeue(action: Scheduled): void {
    this.#heap.remove(action);
  }

  #run(action: Scheduled): void {
    this.#heap.remove(action);
    this.#now = Math.max(this.#now, action.rank);
    action.run();
    // A one-shot action that did not reschedule itself is finished.
    if (action.slot === -1) action.unsubscribe();
  }
}
