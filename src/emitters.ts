/**
 * Producers waiting in `bus.emit` for room in the handler queue, served
 * first-come first-served. A producer loop `for (…) await bus.emit(…)` thus
 * runs at the speed of the handlers, and memory stays bounded by `capacity`
 * queued jobs plus one waiting event per producer.
 *
 * While a waiting emitter's event is being published, an abort or deadline
 * is held back, so what the event's subscribers do (abort the emitter's
 * signal) cannot turn a published event into a rejected emit: it settles by
 * its first outcome.
 */
import type { SchedulerLike } from 'rxjs';
import { QueueFullError } from './errors.js';
import { LinkedList } from './linked-list.js';
import { Pending } from './pending.js';
import type { Admitted } from './dispatch.js';
import type { ContextScope } from './pool.js';

/** What the emitter queue needs of its bus. */
export interface EmitHost {
  readonly scheduler: SchedulerLike;
  readonly capacity: number;
  /** Captures the current async context (see async-context.ts), when the bus carries it. */
  readonly captureContext: (() => ContextScope) | undefined;
  /**
   * Publishes the event if its jobs fit now; false (and nothing done)
   * otherwise. Throws what publishing throws (the bus closed meanwhile).
   */
  tryPublish(type: string, payload: unknown, admitted: Admitted | undefined): boolean;
  /** At most how many queue slots the event's jobs would need (for the timeout message; runs no user code). */
  slotsNeeded(type: string): number;
  /** The number of waiting emitters changed. */
  changed(): void;
}

class WaitingEmitter extends Pending {
  prev: WaitingEmitter | undefined;
  next: WaitingEmitter | undefined;
  /** The async context of the `emit` call: the event is published in it. */
  readonly scope: ContextScope | undefined;
  /**
   * Set while its event is being published: an abort or deadline then is
   * kept here, and applies only if the event did not fit after all.
   */
  interrupted: (() => void) | undefined;
  publishing = false;

  constructor(
    private readonly queue: EmitterQueue,
    readonly type: string,
    readonly payload: unknown,
    timeout: number,
    signal: AbortSignal | undefined,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
    readonly admitted: Admitted | undefined,
  ) {
    super({ timeout, signal, scheduler: queue.host.scheduler });
    this.scope = queue.host.captureContext?.();
  }

  onDeadline(): void {
    if (this.publishing) {
      this.interrupted ??= () => this.onDeadline();
      return;
    }
    if (this.closed || this.abortedFirst()) return;
    const { host } = this.queue;
    const needed = host.slotsNeeded(this.type);
    this.queue.settle(this, new QueueFullError({ type: this.type, capacity: host.capacity, needed, waited: this.timing.timeout }));
  }

  onAbort(reason: unknown): void {
    this.queue.settle(this, reason);
  }

  /** Publishes in the emit's async context; see `interrupted`. */
  publish(): boolean {
    const { host } = this.queue;
    this.publishing = true;
    try {
      return this.scope === undefined
        ? host.tryPublish(this.type, this.payload, this.admitted)
        : this.scope.runInAsyncScope(host.tryPublish, host, this.type, this.payload, this.admitted);
    } finally {
      this.publishing = false;
    }
  }
}

/**
 * The FIFO line of waiting producers.
 *
 * @example
 * ```ts
 * const line = new EmitterQueue(host);
 * await line.wait('job', payload, 5000, signal); // resolves once published
 * ```
 */
export class EmitterQueue {
  size = 0;
  readonly #line = new LinkedList<WaitingEmitter>();
  #serving = false;
  #closed = false;

  constructor(readonly host: EmitHost) {}

  /**
   * Waits in line until the event fits, then publishes it. The caller has
   * already checked that it does not fit now (or that others wait before it)
   * and that the signal is not aborted.
   */
  wait(type: string, payload: unknown, timeout: number, signal: AbortSignal | undefined, admitted?: Admitted): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const emitter = new WaitingEmitter(this, type, payload, timeout, signal, resolve, reject, admitted);
      if (!emitter.arm()) {
        emitter.closed = true;
        reject(signal!.reason);
        return;
      }
      this.#line.push(emitter);
      this.size++;
      this.host.changed();
    });
  }

  /** Publishes waiting events, in order, while the head fits. */
  serve(): void {
    // Called after every pool step; almost always nobody waits.
    if (this.#line.head === undefined || this.#serving || this.#closed) return;
    this.#serving = true;
    try {
      for (let head = this.#line.head; head !== undefined && !this.#closed; head = this.#line.head) {
        if (head.abortedFirst()) continue;
        let published: boolean;
        try {
          published = head.publish();
        } catch (error) {
          this.settle(head, error);
          continue;
        }
        const interrupted = head.interrupted;
        head.interrupted = undefined;
        if (published) {
          // Published first: whatever happened meanwhile comes second.
          this.settle(head, undefined, true);
        } else if (interrupted !== undefined) {
          interrupted();
        } else {
          break;
        }
      }
    } finally {
      this.#serving = false;
    }
  }

  /**
   * Rejects the waiting emitters for which `check` returns an error (their
   * event can never fit, say, after another handler was added), so they do
   * not block the line. Called from `on()`: the emitters behind them are
   * served a microtask later, not inside the caller's `on()`, so no event is
   * published (and no subscriber runs) from there.
   */
  rejectWhere(check: (type: string) => Error | undefined): void {
    let rejected = false;
    const serving = this.#serving;
    this.#serving = true; // settle() must not serve from here
    try {
      for (let emitter = this.#line.head; emitter !== undefined;) {
        const next = emitter.next;
        const error = check(emitter.type);
        if (error !== undefined) {
          this.settle(emitter, error);
          rejected = true;
        }
        emitter = next;
      }
    } finally {
      this.#serving = serving;
    }
    if (rejected) queueMicrotask(() => this.serve());
  }

  /** Rejects every waiting emitter and refuses to serve again (the bus closed). */
  rejectAll(error: unknown): void {
    this.#closed = true;
    for (let emitter = this.#line.head; emitter !== undefined;) {
      const next = emitter.next;
      this.settle(emitter, error);
      emitter = next;
    }
  }

  /** Takes an emitter out of line and settles it. @internal */
  settle(emitter: WaitingEmitter, error: unknown, published = false): void {
    if (emitter.publishing && !published) {
      emitter.interrupted ??= () => this.settle(emitter, error);
      return;
    }
    if (!emitter.settle()) return;
    this.#line.remove(emitter);
    this.size--;
    if (published) emitter.resolve();
    else {
      emitter.reject(error);
      // The head leaving may let the next one in.
      this.serve();
    }
    this.host.changed();
  }
}
