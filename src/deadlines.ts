/**
 * Deadlines of many waiters on one scheduler timer.
 *
 * A scheduler action per waiter costs a Node timer (~400 bytes with RxJS's
 * AsyncAction) and a clear/set pair per waiter. Instead, all deadlines on one
 * scheduler sit in one indexed heap and a single scheduled action wakes up for
 * the earliest. Adding a later deadline costs O(log n) and no timer work;
 * cancelling one (the common case: most waiters settle) costs O(log n); when
 * the last deadline goes, the timer is cancelled, so nothing is left behind.
 * The timer goes through `scheduleAfter` (src/long-delay.ts), so a deadline
 * years away waits that long instead of becoming a busy 1 ms timer, and an
 * `Infinity` deadline is never queued.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { IndexedHeap, type HeapEntry } from './indexed-heap.js';
import { scheduleAfter } from './long-delay.js';

/** Something with a deadline on a {@link DeadlineQueue}. */
export interface DeadlineTarget extends HeapEntry {
  /** Called once when the deadline passes (it has already left the queue). */
  onDeadline(): void;
}

/**
 * The deadlines of one scheduler. Get the shared one with {@link deadlinesOf}.
 *
 * @example
 * ```ts
 * const deadlines = deadlinesOf(asyncScheduler);
 * deadlines.add(target, 5000); // target.onDeadline() in 5 s unless removed
 * deadlines.remove(target);
 * ```
 */
export class DeadlineQueue {
  readonly #scheduler: SchedulerLike;
  readonly #heap = new IndexedHeap<DeadlineTarget>();
  #timer: Subscription | undefined;
  #timerDue = Infinity;
  #firing = false;
  /** One closure for every arming, not one per arming. */
  readonly #onTimer = (): void => this.#fire();

  constructor(scheduler: SchedulerLike) {
    this.#scheduler = scheduler;
  }

  /** Number of pending deadlines. */
  get size(): number {
    return this.#heap.size;
  }

  /**
   * Calls `target.onDeadline()` after `delay` ms unless removed first. Any
   * finite delay ≥ 0 waits that long (`0`: on the next scheduler turn);
   * `Infinity` never fires, so the target is not queued at all.
   */
  add(target: DeadlineTarget, delay: number): void {
    if (delay === Infinity) return;
    // A deadline ranks by its due time.
    target.rank = this.#scheduler.now() + delay;
    this.#heap.push(target);
    if (!this.#firing && target.rank < this.#timerDue) this.#arm();
  }

  /** Cancels a deadline; cancels the timer when none is left. */
  remove(target: DeadlineTarget): void {
    if (target.slot < 0) return;
    this.#heap.remove(target);
    // An early timer for a removed head is harmless (it re-arms), but a timer
    // with nothing to wait for would outlive every waiter.
    if (this.#heap.size === 0 && !this.#firing) this.#disarm();
  }

  #arm(): void {
    this.#disarm();
    const head = this.#heap.peek();
    if (head === undefined) return;
    this.#timerDue = head.rank;
    this.#timer = scheduleAfter(this.#scheduler, Math.max(0, head.rank - this.#scheduler.now()), this.#onTimer);
  }

  #disarm(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#timerDue = Infinity;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    this.#firing = true;
    try {
      const now = this.#scheduler.now();
      for (let head = this.#heap.peek(); head !== undefined && head.rank <= now; head = this.#heap.peek()) {
        this.#heap.remove(head);
        head.onDeadline();
      }
    } finally {
      this.#firing = false;
      this.#arm();
    }
  }
}

const queues = new WeakMap<SchedulerLike, DeadlineQueue>();

/**
 * The shared deadline queue of a scheduler (created on first use, collected
 * with the scheduler).
 *
 * @example
 * ```ts
 * deadlinesOf(bus.scheduler).add(waiter, 30_000);
 * ```
 */
export function deadlinesOf(scheduler: SchedulerLike): DeadlineQueue {
  let queue = queues.get(scheduler);
  if (queue === undefined) {
    queue = new DeadlineQueue(scheduler);
    queues.set(scheduler, queue);
  }
  return queue;
}
