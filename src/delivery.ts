/**
 * `bus.deliver`: the outcome of one event's handler jobs. An event published
 * through `deliver` is tracked from its admission (before any of its jobs can
 * start) until its last job has finished or been dropped; then the caller
 * gets `{ event, handled, failed, dropped }`. It is what a transport
 * acknowledges a broker message after.
 */
import type { HandlerError } from './errors.js';
import type { BusEvent } from './event-map.js';

/**
 * What `bus.deliver` resolves with.
 *
 * @example
 * ```ts
 * const { handled, failed } = await bus.deliver('order.created', order);
 * if (failed.length > 0) message.nak(); else message.ack();
 * ```
 */
export interface Delivery<Ev extends BusEvent = BusEvent> {
  /** The published event. */
  readonly event: Ev;
  /** Handler jobs that ran and completed. */
  readonly handled: number;
  /** Handler jobs that threw or rejected (also reported on `errors$`), in the order they failed. */
  readonly failed: readonly HandlerError[];
  /** Handler jobs dropped before they started (handler unsubscribed, `close({ drain: false })`, evicted). */
  readonly dropped: number;
}

class PendingDelivery {
  handled = 0;
  dropped = 0;
  readonly failed: HandlerError[] = [];

  constructor(
    readonly event: BusEvent,
    public remaining: number,
    readonly resolve: (delivery: Delivery) => void,
  ) {}

  finish(): void {
    this.resolve(Object.freeze({ event: this.event, handled: this.handled, failed: Object.freeze(this.failed), dropped: this.dropped }));
  }
}

/**
 * The deliveries of one bus whose jobs have not all ended.
 *
 * @example
 * ```ts
 * deliveries.track(event, 2, resolve); // right after admission
 * deliveries.jobEnded(event, undefined); // a job completed
 * deliveries.jobEnded(event, handlerError); // resolves: { handled: 1, failed: [handlerError] }
 * ```
 */
export class Deliveries {
  readonly #pending = new Map<BusEvent, PendingDelivery>();

  /** Deliveries waiting for jobs (the pool skips the lookup when 0). */
  get size(): number {
    return this.#pending.size;
  }

  /** Starts tracking the `jobs` admitted for `event`; with none, resolves at once. */
  track(event: BusEvent, jobs: number, resolve: (delivery: Delivery) => void): void {
    const pending = new PendingDelivery(event, jobs, resolve);
    if (jobs === 0) pending.finish();
    else this.#pending.set(event, pending);
  }

  /** A job of `event` finished: `error` when it failed. */
  jobEnded(event: BusEvent, error: HandlerError | undefined): void {
    const pending = this.#pending.get(event);
    if (pending === undefined) return;
    if (error === undefined) pending.handled++;
    else pending.failed.push(error);
    this.#step(pending);
  }

  /** A job of `event` was dropped before it started. */
  jobDropped(event: BusEvent): void {
    const pending = this.#pending.get(event);
    if (pending === undefined) return;
    pending.dropped++;
    this.#step(pending);
  }

  #step(pending: PendingDelivery): void {
    if (--pending.remaining > 0) return;
    this.#pending.delete(pending.event);
    pending.finish();
  }
}
