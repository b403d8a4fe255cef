/**
 * Which events on a bus came from another process, and from where.
 *
 * A bridge marks each incoming event when it is admitted, before any stream,
 * waiter or handler sees it. Every bridge's egress skips marked events, so an
 * event is never sent back out (no echo, no loop between two bridges on one
 * bus). Events are unique frozen objects, so a WeakMap keyed by them frees
 * each mark with its event.
 */
import type { BusEvent } from '../event-map.js';

/**
 * Where a remote event came from: the publishing process's `origin`, and
 * the event's id and time there.
 *
 * @example
 * ```ts
 * bus.events$('order.*').subscribe((e) => console.log(sourceOf(e)?.origin ?? 'local'));
 * ```
 */
export interface RemoteSource {
  /** The origin (bus) that published it. */
  readonly origin: string;
  /** Its id on that bus. */
  readonly id: number;
  /** Its time on that bus. */
  readonly time: number;
}

const remote = new WeakMap<BusEvent, RemoteSource>();

/** Marks `event` as received from `source`. @internal */
export function markRemote(event: BusEvent, source: RemoteSource): void {
  remote.set(event, source);
}

/**
 * Where an event came from, when a bridge received it from another process;
 * `undefined` for a local event.
 *
 * @example
 * ```ts
 * bus.on('order.created', (order, event) => {
 *   const from = sourceOf(event);
 *   log.info(from ? `order from ${from.origin} #${from.id}` : 'local order');
 * });
 * ```
 */
export function sourceOf(event: BusEvent): RemoteSource | undefined {
  return remote.get(event);
}
