/**
 * Pending-work accounting for `bus.track()` and `bus.settled()` — the k6
 * event-loop rule: the bus is settled only when nothing is queued, running,
 * waiting to be emitted, or registered to run later.
 */
import { RxBusError } from './errors.js';

/**
 * Tracked work and the promises waiting for the bus to settle.
 *
 * @example
 * ```ts
 * const life = new Lifecycle(() => pool.queued === 0 && pool.running === 0);
 * const release = life.track();
 * release();
 * await life.settled();
 * ```
 */
export class Lifecycle {
  /** Tracked work not yet released. */
  tracked = 0;
  #waiting: Array<() => void> = [];
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

  /** Resolves when nothing is pending, checked again after a microtask. */
  settled(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
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
    if (this.#waiting.length === 0 || this.#checkQueued || !this.idle()) return;
    this.#checkQueued = true;
    queueMicrotask(() => {
      this.#checkQueued = false;
      if (!this.idle()) return;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const resolve of waiting) resolve();
    });
  }
}
