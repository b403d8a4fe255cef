/**
 * One pending wait for the first matching value: the semantics of
 * `filter(match) → take(1) → timeout({ first }) → takeUntil(abort$)`, fused
 * into a single object.
 *
 * Composed from RxJS operators, that pipeline allocates an Observable and a
 * Subscriber per stage plus a scheduler action (≈3 KB and ≈10 µs per
 * waiter, measured); this class is one object that is its own deadline entry
 * and abort target, which is what lets a bus hold 100 000 waiters. The
 * `waitFor` operator and the bus waiters both use it, and the operator's
 * marble tests check it against the composed pipeline, frame by frame.
 *
 * Order of events, as in the pipeline:
 * 1. `start()`: an already-aborted signal errors at once and nothing is
 *    registered (takeUntil subscribes its notifier before the source); then
 *    the deadline is set (timeout's `first` counts from subscription).
 * 2. `offer(value)`: the first value the matcher accepts is emitted and the
 *    wait completes; a matcher that throws errors the wait. An abort, close
 *    or deadline that happens while the matcher runs comes second: it
 *    applies only if the value does not match.
 * 3. The deadline errors it with the timeout error; the signal with its reason.
 * 4. Whatever ends it, `dispose()` removes the deadline, the abort target and
 *    the source (`detach`), exactly once.
 */
import { Pending, type PendingTiming } from './pending.js';

/** Where a wait delivers its outcome: an RxJS Subscriber, or a promise's resolve/reject. */
export interface WaitSink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete?(): void;
}

/** The timing options every wait shares. */
export type WaitTiming = PendingTiming;

/**
 * Base of the bus waiter and the `waitFor` operator's subscriber.
 *
 * @example
 * ```ts
 * class FirstEven extends FirstMatchWait<number> {
 *   protected matches(n: number) { return n % 2 === 0; }
 *   protected detach() {}
 *   protected timeoutError() { return new Error('no even number'); }
 * }
 * ```
 */
export abstract class FirstMatchWait<T> extends Pending {
  constructor(
    private readonly sink: WaitSink<T>,
    timing: WaitTiming,
  ) {
    super(timing);
  }

  /** Does this value end the wait? May throw: the wait then errors with it. */
  protected abstract matches(value: T): boolean;
  /** Removes the wait from whatever feeds it values. Called once, from `dispose`. */
  protected abstract detach(): void;
  /** The error to settle with when the deadline passes. */
  protected abstract timeoutError(): Error;

  /**
   * Arms the abort and the deadline. Returns false when the signal was
   * already aborted: the sink has been errored and nothing is registered.
   */
  start(): boolean {
    if (this.arm()) return true;
    this.closed = true;
    this.sink.error(this.timing.signal!.reason);
    return false;
  }

  /**
   * While values that arrived before now are being examined (the matcher
   * runs, or a replay of the history), an abort, deadline or close that
   * happens meanwhile — the matcher's own doing, say — is kept here and
   * applies only if none of those values matches: they came first.
   */
  #interrupted: (() => void) | undefined;
  #holds = 0;

  /** Holds back interruptions while earlier values are examined; pair with {@link release}. */
  protected hold(): void {
    this.#holds++;
  }

  /** Ends a {@link hold}; the last one applies what was held back, if the wait is still open. */
  protected release(): void {
    if (--this.#holds > 0) return;
    const interrupted = this.#interrupted;
    this.#interrupted = undefined;
    if (!this.closed) interrupted?.();
  }

  /** Offers a candidate value; settles the wait when it matches. */
  offer(value: T): void {
    if (this.closed) return;
    // An abort that another listener hid from rxbus came before this value.
    if (this.abortedFirst()) return;
    let hit: boolean;
    // Inlined hold()/release(): this runs once per waiter per candidate event.
    this.#holds++;
    try {
      hit = this.matches(value);
    } catch (error) {
      // The matcher's own failure settles it at once (whatever it did before
      // throwing, and even inside an outer hold such as a history replay).
      this.#holds--;
      this.#interrupted = undefined;
      if (this.closed) return;
      this.dispose();
      this.sink.error(error);
      return;
    }
    this.#holds--;
    if (hit && !this.closed) {
      this.#interrupted = undefined;
      this.dispose();
      this.sink.next(value);
      this.sink.complete?.();
      return;
    }
    if (this.#interrupted !== undefined && this.#holds === 0) {
      const interrupted = this.#interrupted;
      this.#interrupted = undefined;
      if (!this.closed) interrupted();
    }
  }

  /** Ends the wait with an error (source error, bus closed). */
  fail(error: unknown): void {
    if (this.closed) return;
    if (this.#holds > 0) {
      this.#interrupted ??= () => this.fail(error);
      return;
    }
    this.dispose();
    this.sink.error(error);
  }

  /** Ends the wait without a value (the source completed). */
  finish(): void {
    if (this.closed) return;
    this.dispose();
    this.sink.complete?.();
  }

  onDeadline(): void {
    if (this.closed || this.abortedFirst()) return;
    let error: unknown;
    try {
      error = this.timeoutError();
    } catch (thrown) {
      // Building the message must never strand the wait inside the timer.
      error = thrown;
    }
    this.fail(error);
  }

  onAbort(reason: unknown): void {
    this.fail(reason);
  }

  /** Releases the deadline, the abort target and the source. Idempotent. */
  dispose(): void {
    if (this.settle()) this.detach();
  }
}
