/**
 * `record(bus, pattern?)`: remember what a bus publishes, in order, so a test
 * can assert on it afterwards (`recorder.types`, `recorder.payloads`, or
 * `expect(recorder).toHavePublished(...)` with `rxbus/testing/vitest`).
 */
import type { Subscription } from 'rxjs';
import type { AnyEvents, Bus } from '../bus-api.js';
import type { BusEvent, EventMap, EventMatching, EventOf, KnownPattern } from '../event-map.js';

/**
 * What a bus published while the recorder listened, oldest first.
 *
 * @example
 * ```ts
 * using orders = record(bus, 'order.*');
 * bus.publish('order.created', { id: '7', total: 10 });
 * orders.types;    // ['order.created']
 * orders.payloads; // [{ id: '7', total: 10 }]
 * ```
 */
export interface Recorder<Ev extends BusEvent = BusEvent> {
  /** The recorded envelopes, oldest first. */
  readonly events: readonly Ev[];
  /** The payloads of `events`. */
  readonly payloads: ReadonlyArray<Ev['payload']>;
  /** The types of `events`. */
  readonly types: ReadonlyArray<Ev['type']>;
  /** True until `stop()` is called or the bus closes. */
  readonly recording: boolean;
  /** Forgets what was recorded so far; keeps recording. */
  clear(): void;
  /** Stops recording (unsubscribes from the bus); what was recorded stays. Safe to call twice. */
  stop(): void;
  /** `using recorder = record(bus)` stops it at the end of the scope. */
  [Symbol.dispose](): void;
}

/** A recorder of `events$(pattern)`: one subscription, one array. */
class EventRecorder<Ev extends BusEvent> implements Recorder<Ev> {
  #events: Ev[] = [];
  readonly #subscription: Subscription;

  constructor(source: { subscribe(observer: { next(event: Ev): void }): Subscription }) {
    this.#subscription = source.subscribe({ next: (event) => this.#events.push(event) });
  }

  get events(): readonly Ev[] {
    return this.#events;
  }

  get payloads(): ReadonlyArray<Ev['payload']> {
    return this.#events.map((event) => event.payload);
  }

  get types(): ReadonlyArray<Ev['type']> {
    return this.#events.map((event) => event.type);
  }

  get recording(): boolean {
    return !this.#subscription.closed;
  }

  clear(): void {
    this.#events = [];
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}

/**
 * Starts recording the events a bus publishes — all of them, or those whose
 * type matches `pattern` — from now until `stop()` (or the bus closes). The
 * recorder is one `events$` subscription: it counts in `stats().subscriptions`
 * while it records, so stop it (or use `using`) in leak-checked scenarios.
 *
 * A test bus already records everything from its creation in `bus.published`;
 * `record` is for a slice of the traffic, or for a bus that is not a test bus.
 *
 * @example
 * ```ts
 * const requests = record(bus, 'page.request');
 * await service.load('/users');
 * expect(requests.payloads).toEqual([{ url: '/users' }]);
 * requests.stop();
 * ```
 */
export function record<E extends EventMap, N extends EventMap>(bus: Bus<E, N>): Recorder<EventOf<N>>;
export function record<E extends EventMap, N extends EventMap, P extends string>(
  bus: Bus<E, N>,
  pattern: P & KnownPattern<N, P>,
): Recorder<EventMatching<N, P>>;
export function record(bus: Bus<AnyEvents>, pattern?: string): Recorder {
  return new EventRecorder(pattern === undefined ? bus.events$() : bus.events$(pattern));
}

/**
 * True when `value` looks like a {@link Recorder} (so the matchers can accept
 * one as well as a test bus).
 *
 * @example
 * ```ts
 * isRecorder(record(bus)); // true
 * ```
 */
export function isRecorder(value: unknown): value is Recorder {
  return value instanceof EventRecorder;
}
