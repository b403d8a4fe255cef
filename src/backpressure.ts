/**
 * Producers waiting in `bus.emit` for room in the handler queue, served
 * first-come first-served. A producer loop `for (…) await bus.emit(…)` thus
 * runs at the speed of the handlers, and memory stays bounded by `capacity`
 * queued jobs plus one waiting event per producer.
 */
import { addAbortTarget, removeAbortTarget, type AbortTarget } from './abort-listeners.js';
import { deadlinesOf, type DeadlineTarget } from './deadlines.js';
import { QueueFullError } from './errors.js';
import type { SchedulerLike } from 'rxjs';

/** What the emitter queue needs of its bus. */
export interface EmitHost {
  readonly scheduler: SchedulerLike;
  readonly capacity: number;
  /** Publishes the event if its jobs fit in the queue now; false (and nothing done) otherwise. */
  tryPublish(type: string, payload: unknown): boolean;
  /** The queue slots the event's jobs would need (for the timeout message). */
  slotsNeeded(type: string, payload: unknown): number;
  /** The number of waiting emitters changed. */
  changed(): void;
}

class WaitingEmitter implements DeadlineTarget, AbortTarget {
  due = 0;
  seq = 0;
  slot = -1;
  prev: WaitingEmitter | undefined;
  next: WaitingEmitter | undefined;
  queued = true;

  constructor(
    private readonly queue: EmitterQueue,
    readonly type: string,
    readonly payload: unknown,
    readonly timeout: number,
    readonly signal: AbortSignal | undefined,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
  ) {}

  onDeadline(): void {
    const needed = this.queue.host.slotsNeeded(this.type, this.payload);
    this.queue.settle(this, new QueueFullError({ type: this.type, capacity: this.queue.host.capacity, needed, waited: this.timeout }));
  }

  onAbort(reason: unknown): void {
    this.queue.settle(this, reason);
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
  #head: WaitingEmitter | undefined;
  #tail: WaitingEmitter | undefined;
  #serving = false;

  constructor(readonly host: EmitHost) {}

  /**
   * Waits in line until the event fits, then publishes it. The caller has
   * already checked that it does not fit now (or that others wait before it).
   */
  wait(type: string, payload: unknown, timeout: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const emitter = new WaitingEmitter(this, type, payload, timeout, signal, resolve, reject);
      if (signal !== undefined) addAbortTarget(signal, emitter);
      if (timeout > 0 && timeout !== Infinity) deadlinesOf(this.host.scheduler).add(emitter, timeout);
      emitter.prev = this.#tail;
      if (this.#tail === undefined) this.#head = emitter;
      else this.#tail.next = emitter;
      this.#tail = emitter;
      this.size++;
      this.host.changed();
    });
  }

  /** Publishes waiting events, in order, while the head fits. */
  serve(): void {
    // Called after every pool step; almost always nobody waits.
    if (this.#head === undefined || this.#serving) return;
    this.#serving = true;
    try {
      for (let head = this.#head; head !== undefined; head = this.#head) {
        if (!this.host.tryPublish(head.type, head.payload)) break;
        this.settle(head, undefined, true);
      }
    } finally {
      this.#serving = false;
    }
  }

  /** Rejects every waiting emitter (the bus closed). */
  rejectAll(error: unknown): void {
    while (this.#head !== undefined) this.settle(this.#head, error);
  }

  /** Takes an emitter out of line and settles it. @internal */
  settle(emitter: WaitingEmitter, error: unknown, published = false): void {
    if (!emitter.queued) return;
    emitter.queued = false;
    if (emitter.prev === undefined) this.#head = emitter.next;
    else emitter.prev.next = emitter.next;
    if (emitter.next === undefined) this.#tail = emitter.prev;
    else emitter.next.prev = emitter.prev;
    emitter.prev = emitter.next = undefined;
    this.size--;
    if (emitter.slot >= 0) deadlinesOf(this.host.scheduler).remove(emitter);
    if (emitter.signal !== undefined) removeAbortTarget(emitter.signal, emitter);
    if (published) emitter.resolve();
    else {
      emitter.reject(error);
      // The head leaving may let the next one in.
      this.serve();
    }
    this.host.changed();
  }
}
