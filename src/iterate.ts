/**
 * `bus.iterate(pattern?, options)`: the events of a pattern as an async
 * iterator, for `for await` loops — Node's `events.on` and emittery's
 * `events()` on the bus.
 *
 * The iterator listens from the moment it is created (an event published
 * before the first `next()` is buffered, not missed) to the moment it is
 * finished. Events that arrive while nobody awaits `next()` wait in a
 * bounded buffer; when it is full the bus's overflow vocabulary applies:
 * `'error'` stops listening and ends the iteration with an
 * {@link IteratorFullError} once the buffered events are consumed,
 * `'drop-newest'` / `'drop-oldest'` drop an event and count it in `dropped`.
 *
 * It ends, with nothing left behind (no stream subscription, abort listener
 * or buffered event), by `break`/`return()`, by its `signal` (the pending
 * `next()` rejects with `signal.reason`), or by `close()` of the bus (the
 * buffered events are still delivered, then it is done).
 */
import { removeAbortTarget, addAbortTarget, type AbortTarget } from './abort-listeners.js';
import { IteratorFullError } from './errors.js';
import type { BusEvent } from './event-map.js';
import type { StreamSink } from './event-streams.js';
import { OVERFLOW_POLICIES, type OverflowPolicy } from './overflow.js';
import type { CompiledPattern } from './pattern.js';
import { RingBuffer } from './ring-buffer.js';
import { assertCount, assertOneOf, assertSignal } from './validate.js';

/** Options of `bus.iterate`. */
export interface IterateOptions {
  /**
   * How many events may wait for the loop to take them. Minimum 0 (then an
   * event is kept only when a `next()` is already waiting for it).
   * @default 1024
   */
  readonly capacity?: number;
  /**
   * What happens to an event that finds the buffer full: `'error'` ends the
   * iteration with `IteratorFullError` (after the buffered events),
   * `'drop-newest'` drops it, `'drop-oldest'` drops the oldest buffered one.
   * @default 'error'
   */
  readonly overflow?: OverflowPolicy;
  /** Ends the iteration when it aborts: the waiting (or next) `next()` rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * What `bus.iterate` returns: an async iterator of envelopes that also says
 * how many events its overflow policy dropped.
 *
 * @example
 * ```ts
 * const events = bus.iterate('order.*', { capacity: 100, overflow: 'drop-oldest' });
 * for await (const event of events) {
 *   console.log(event.type, events.dropped);
 *   if (event.type === 'order.cancelled') break; // unsubscribes
 * }
 * ```
 */
export interface EventIterator<Ev extends BusEvent = BusEvent> extends AsyncIterableIterator<Ev> {
  /** Events dropped by the `'drop-newest'` / `'drop-oldest'` policy so far. */
  readonly dropped: number;
  next(): Promise<IteratorResult<Ev, undefined>>;
  /** Stops listening and drops the buffer (what `break` calls). */
  return(): Promise<IteratorResult<Ev, undefined>>;
  [Symbol.asyncIterator](): EventIterator<Ev>;
}

/** What an iterator needs of its bus. */
export interface IteratorHost {
  closed(): boolean;
  /** Adds a stream subscription; the returned function removes it. */
  subscribe(sink: StreamSink): () => void;
}

interface PendingNext {
  resolve(result: IteratorResult<BusEvent, undefined>): void;
  reject(error: unknown): void;
}

const DONE: IteratorResult<BusEvent, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator behind `bus.iterate`.
 *
 * @example
 * ```ts
 * const it = new BusEventIterator(compilePattern('order.*'), {}, host);
 * const { value } = await it.next();
 * await it.return();
 * ```
 */
export class BusEventIterator implements EventIterator {
  dropped = 0;
  readonly #pattern: CompiledPattern | undefined;
  readonly #buffer: RingBuffer<BusEvent>;
  readonly #overflow: OverflowPolicy;
  readonly #pending: PendingNext[] = [];
  #unsubscribe: (() => void) | undefined;
  #signal: AbortSignal | undefined;
  #abortTarget: AbortTarget | undefined;
  /** Listening: events still arrive. */
  #open = true;
  /** The error the iteration ends with once the buffer is consumed (overflow, abort). */
  #failure: { readonly error: unknown } | undefined;

  constructor(pattern: CompiledPattern | undefined, options: IterateOptions, host: IteratorHost) {
    const { capacity = 1024, overflow = 'error', signal } = options;
    assertCount(capacity, 'capacity', 0);
    assertOneOf(overflow, 'overflow', OVERFLOW_POLICIES);
    if (signal !== undefined) assertSignal(signal);
    this.#pattern = pattern;
    this.#buffer = new RingBuffer(capacity);
    this.#overflow = overflow;
    if (signal?.aborted) {
      this.#open = false;
      this.#failure = { error: signal.reason };
      return;
    }
    if (host.closed()) {
      this.#open = false;
      return;
    }
    this.#unsubscribe = host.subscribe({ next: (event) => this.#push(event), complete: () => this.#complete() });
    if (signal !== undefined) {
      this.#signal = signal;
      this.#abortTarget = { onAbort: (reason) => this.#abort(reason) };
      addAbortTarget(signal, this.#abortTarget);
    }
  }

  /** The next event, once one arrives; `{ done: true }` once the iteration is over. */
  next(): Promise<IteratorResult<BusEvent, undefined>> {
    const buffered = this.#buffer.shift();
    if (buffered !== undefined) return Promise.resolve({ done: false, value: buffered });
    if (this.#failure !== undefined) {
      const { error } = this.#failure;
      this.#failure = undefined;
      return Promise.reject(error);
    }
    if (!this.#open) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#pending.push({ resolve, reject }));
  }

  /** The bus closed: the buffered events are still delivered, then the iteration is done. */
  #complete(): void {
    this.#stop();
    this.#settlePending();
  }

  return(): Promise<IteratorResult<BusEvent, undefined>> {
    this.#stop();
    this.#buffer.clear();
    this.#failure = undefined;
    this.#settlePending();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #push(event: BusEvent): void {
    if (!this.#open) return;
    const waiting = this.#pending.shift();
    if (waiting !== undefined) {
      waiting.resolve({ done: false, value: event });
      return;
    }
    if (this.#buffer.push(event)) return;
    switch (this.#overflow) {
      case 'error':
        this.#stop();
        this.#failure = {
          error: new IteratorFullError({ pattern: this.#pattern?.source, capacity: this.#buffer.capacity, type: event.type, id: event.id }),
        };
        return;
      case 'drop-newest':
        this.dropped++;
        return;
      case 'drop-oldest':
        this.#buffer.pushEvicting(event);
        this.dropped++;
        return;
    }
  }

  #abort(reason: unknown): void {
    this.#stop();
    this.#buffer.clear();
    const first = this.#pending.shift();
    if (first !== undefined) first.reject(reason);
    else this.#failure = { error: reason };
    this.#settlePending();
  }

  /** Stops listening: removes the stream subscription and the abort listener. */
  #stop(): void {
    this.#open = false;
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    unsubscribe?.();
    if (this.#abortTarget !== undefined) {
      removeAbortTarget(this.#signal!, this.#abortTarget);
      this.#abortTarget = undefined;
      this.#signal = undefined;
    }
  }

  /** Once nothing more can arrive, the waiting next() calls are done (the buffer is empty while any waits). */
  #settlePending(): void {
    const pending = this.#pending.splice(0);
    for (const waiting of pending) waiting.resolve(DONE);
  }
}
