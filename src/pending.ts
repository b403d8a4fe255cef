/**
 * A pending operation with a deadline and an AbortSignal, settled exactly
 * once by its first outcome: the one mechanism under waiters (`waitFor`),
 * waiting producers (`emit`), requests and a closing bus.
 *
 * The rules it keeps in one place:
 * - an already-aborted signal settles it at once and nothing is armed;
 * - the deadline (`timeout` ms on the scheduler; `0` or `Infinity` = none)
 *   and the abort listener are removed when it settles, whatever settles it;
 * - whatever comes second is ignored (`closed` is set before user code runs);
 * - `abortedFirst()` re-checks the signal before a success is reported, so an
 *   abort whose event never reached rxbus (another listener called
 *   `stopImmediatePropagation()`) still wins over a later success.
 */
import type { SchedulerLike } from 'rxjs';
import { addAbortTarget, checkAborted, mayMissAbort, removeAbortTarget, type AbortTarget } from './abort-listeners.js';
import { deadlinesOf, type DeadlineTarget } from './deadlines.js';

/** The timing options every pending operation shares. */
export interface PendingTiming {
  /** ms until the deadline; `0` or `Infinity` for none. */
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
  readonly scheduler: SchedulerLike;
}

/**
 * Base class: subclasses say what a deadline and an abort mean.
 *
 * @example
 * ```ts
 * class Sleep extends Pending {
 *   constructor(timing: PendingTiming, private done: (e?: unknown) => void) { super(timing); }
 *   onDeadline() { if (this.settle()) this.done(); }
 *   onAbort(reason: unknown) { if (this.settle()) this.done(reason); }
 * }
 * const sleep = new Sleep({ timeout: 100, signal, scheduler }, console.log);
 * if (!sleep.arm()) sleep.onAbort(signal.reason);
 * ```
 */
export abstract class Pending implements DeadlineTarget, AbortTarget {
  // DeadlineTarget fields, maintained by the deadline queue.
  rank = 0;
  seq = 0;
  slot = -1;
  /** True once settled (or disposed): later outcomes are ignored. */
  closed = false;
  /** Whether an abort of the signal could be missed (see abort-listeners.ts): then it is re-checked. */
  #recheck = false;

  constructor(protected readonly timing: PendingTiming) {}

  /** The deadline passed (the entry has already left the deadline queue). */
  abstract onDeadline(): void;
  /** The signal aborted. */
  abstract onAbort(reason: unknown): void;

  /**
   * Arms the abort listener and the deadline. Returns false, arming nothing,
   * when the signal is already aborted: the caller settles with its reason.
   */
  arm(): boolean {
    const { signal, timeout } = this.timing;
    if (signal !== undefined) {
      if (signal.aborted) return false;
      addAbortTarget(signal, this);
      // Decided once: abortedFirst runs on every offered event.
      this.#recheck = mayMissAbort(signal);
    }
    if (timeout > 0 && timeout !== Infinity) deadlinesOf(this.timing.scheduler).add(this, timeout);
    return true;
  }

  /**
   * Marks it settled and removes the deadline and the abort listener.
   * Returns false when it already was: the caller then does nothing.
   */
  settle(): boolean {
    if (this.closed) return false;
    this.closed = true;
    const { signal, scheduler } = this.timing;
    if (this.slot >= 0) deadlinesOf(scheduler).remove(this);
    if (signal !== undefined) removeAbortTarget(signal, this);
    return true;
  }

  /**
   * True (after settling it through `onAbort`) when the signal is aborted
   * although no abort was seen: call before reporting a success.
   */
  abortedFirst(): boolean {
    const signal = this.timing.signal;
    if (!this.#recheck || this.closed || !checkAborted(signal!)) return false;
    // checkAborted told every wait still listening to the signal (this one
    // included); settle this one anyway in case it was not listening.
    if (!this.closed) this.onAbort(signal!.reason);
    return true;
  }
}
