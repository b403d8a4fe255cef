/**
 * Pending-work accounting for `bus.track()` and `bus.settled()` — the k6
 * event-loop rule: the bus is settled only when nothing is queued, running,
 * waiting to be emitted, or registered to run later.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { addAbortTarget, removeAbortTarget, type AbortTarget } from './abort-listeners.js';
import { RxBusError } from './errors.js';
import { scheduleAfter } from './long-delay.js';

/** How long a `settled()` call may wait: a timeout (0 = none) and a signal. */
export interface SettleLimits {
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
  readonly scheduler: SchedulerLike;
  /** The error to reject with when the timeout passes (built then, so it says what is pending then). */
  timedOut(): Error;
}

/**
 * Tracked work and the promises waiting for the bus to settle.
 *
 * @example
 * ```ts
 * const life = new SettleTracker(() => pool.queued === 0 && pool.running === 0);
 * const release = life.track();
 * release();
 * await life.settled();
 * ```
 */
export class SettleTracker {
  /** Tracked work not yet released. */
  tracked = 0;
  /** Callbacks of pending settled() calls; one that gives up (timeout, abort) takes itself out. */
  readonly #waiting = new Set<() => void>();
  #checkQueued = false;

  constructor(private readonly busyElsewhere: () => boolean) {}

  /** Reserves pending work; the returned function releases it, exactly once. */
  track(): () => void {
    this.tracked++;
    let released = false;
    return () => {
      if (released) {
        throw new RxBusError(
          'This tracked work was already released. Call the function returned by bus.track() exactly once per track() call.',
        );
      }
      released = true;
      this.tracked--;
      this.check();
    };
  }

  /**
   * Tracks a promise until it settles (either way). Returns a new promise
   * that settles the same way, just after the release.
   *
   * Why not the same promise: watching it means attaching a rejection
   * handler, which marks it handled, so a rejection nobody looks at would
   * vanish without the runtime's unhandled-rejection report. The returned
   * promise carries the outcome on instead, and is the one to await or
   * catch: if nobody does, its rejection is reported as unhandled.
   */
  trackPromise<T>(promise: PromiseLike<T>): Promise<T> {
    const release = this.track();
    return Promise.resolve(promise).then(
      (value) => {
        release();
        return value;
      },
      (error: unknown) => {
        release();
        throw error;
      },
    );
  }

  /**
   * Resolves when nothing is pending, checked again after a microtask. With
   * limits, rejects with `timedOut()` when the timeout passes first, or with
   * `signal.reason` when it aborts (at once if it already has); either way
   * it leaves no timer, abort listener or callback behind.
   */
  settled(limits?: SettleLimits): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (limits === undefined || (limits.timeout === 0 && limits.signal === undefined)) {
        this.#waiting.add(resolve);
        this.check();
        return;
      }
      const { signal, timeout, scheduler } = limits;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let timer: Subscription | undefined;
      let abortTarget: AbortTarget | undefined;
      const stop = (): void => {
        this.#waiting.delete(done);
        timer?.unsubscribe();
        if (abortTarget !== undefined) removeAbortTarget(signal!, abortTarget);
      };
      const done = (): void => {
        stop();
        resolve();
      };
      this.#waiting.add(done);
      if (signal !== undefined) {
        abortTarget = {
          onAbort: (reason) => {
            stop();
            reject(reason);
          },
        };
        addAbortTarget(signal, abortTarget);
      }
      if (timeout > 0 && timeout !== Infinity) {
        timer = scheduleAfter(scheduler, timeout, () => {
          timer = undefined;
          stop();
          reject(limits.timedOut());
        });
      }
      this.check();
    });
  }

  /** True when nothing is pending anywhere. */
  idle(): boolean {
    return this.tracked === 0 && !this.busyElsewhere();
  }

  /**
   * Called whenever work may have ended. The decision is taken a microtask
   * later, so a handler's promise continuation that publishes or tracks more
   * work is seen before `settled()` resolves.
   */
  check(): void {
    if (this.#waiting.size === 0 || this.#checkQueued || !this.idle()) return;
    this.#checkQueued = true;
    queueMicrotask(() => {
      this.#checkQueued = false;
      if (!this.idle()) return;
      const waiting = [...this.#waiting];
      this.#waiting.clear();
      for (const resolve of waiting) resolve();
    });
  }

  /** Pending settled() calls (for leak checks). */
  get waiting(): number {
    return this.#waiting.size;
  }
}
