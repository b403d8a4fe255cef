/**
 * `bus.close()`: stop admission at once, then drain (or cancel) the jobs that
 * were admitted, then complete what is left open.
 *
 * A close in progress is one operation shared by every `close()` call: a
 * later call returns the same promise, and a stronger request escalates it —
 * `drain: false` cancels what a draining close was waiting for, and a shorter
 * `timeout` brings its deadline forward. When the deadline passes, the
 * remaining jobs' signals are aborted and the close rejects with
 * `CloseTimeoutError`; the bus is closed either way.
 */
import type { SchedulerLike } from 'rxjs';
import { deadlinesOf } from './deadlines.js';
import { CloseTimeoutError } from './errors.js';
import { Pending } from './pending.js';

/** What a closing bus does, step by step. */
export interface ShutdownHost {
  readonly scheduler: SchedulerLike;
  /** True while admitted jobs are queued or running. */
  busy(): boolean;
  /** Drops the jobs that have not started and aborts the running ones. */
  cancel(): void;
  /** The handlers with a job running now. */
  runningHandlers(): ReadonlyArray<string | undefined>;
  /** The last step: forget the handlers, complete the bus's observables. */
  finish(): void;
}

/** What one `close()` call asked for. */
export interface CloseRequest {
  readonly drain: boolean;
  /** ms; `0` or `Infinity` = no limit. */
  readonly timeout: number;
}

/**
 * One close of one bus.
 *
 * @example
 * ```ts
 * const shutdown = new Shutdown(host, { drain: true, timeout: 0 });
 * await shutdown.promise; // after host.finish()
 * shutdown.escalate({ drain: false, timeout: 0 }); // a later, stronger close()
 * ```
 */
export class Shutdown extends Pending {
  readonly promise: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  #cancelled = false;
  /** The timeout that set the current deadline, for the error message. */
  #timeout = 0;

  constructor(
    private readonly host: ShutdownHost,
    request: CloseRequest,
  ) {
    super({ timeout: 0, signal: undefined, scheduler: host.scheduler });
    this.promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.escalate(request);
    this.check();
  }

  /** Applies a later `close()` call's options when they ask for more. */
  escalate(request: CloseRequest): void {
    if (this.closed) return;
    if (!request.drain) this.#cancel();
    // Cancelling may have ended the last job, and with it the close.
    if (this.closed) return;
    const { timeout } = request;
    if (timeout === 0 || timeout === Infinity) return;
    const deadlines = deadlinesOf(this.host.scheduler);
    if (this.slot >= 0 && this.rank <= this.host.scheduler.now() + timeout) return;
    deadlines.remove(this);
    this.#timeout = timeout;
    deadlines.add(this, timeout);
  }

  /** Called whenever jobs may have ended: finishes the close once none is left. */
  check(): void {
    if (this.closed || this.host.busy() || !this.settle()) return;
    this.host.finish();
    this.#resolve();
  }

  onDeadline(): void {
    if (this.closed) return;
    const handlers = this.host.runningHandlers();
    this.#cancel();
    if (!this.settle()) return;
    this.host.finish();
    if (handlers.length === 0 && !this.host.busy()) this.#resolve();
    else this.#reject(new CloseTimeoutError({ timeout: this.#timeout, handlers }));
  }

  onAbort(): void {
    // A close has no signal.
  }

  #cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.host.cancel();
  }
}
