/**
 * `onBusEvent`: `bus.on` for the lifetime of a component, directive or
 * service — unsubscribed when its `DestroyRef` is destroyed.
 *
 * Unsubscribing follows the core's rules, which is what makes a component
 * destroyed by the very event it is handling safe: the running job finishes,
 * queued jobs of this handler are discarded (reported on `dropped$` as
 * `'unsubscribed'`), and `settled()` never waits for a job that cannot start.
 */
import type { Subscription } from 'rxjs';
import type { OnOptions } from '../bus-api.js';
import type { EventMap, EventMatching, KnownPattern, PayloadMatching, PublicEvents } from '../event-map.js';
import type { HandlerContext } from '../pool.js';
import { scopeOf, whenDestroyed, type LooseBus, type ScopeOptions } from './injection-scope.js';
import type { RegisteredEvents } from './registered-events.js';

/**
 * Options of {@link onBusEvent}: those of `bus.on` (`concurrency`, `key`,
 * `signal`, `name`) plus `injector` and `token`.
 *
 * @example
 * ```ts
 * const options: OnBusEventOptions<{ id: string }, BusEvent<'order.placed', { id: string }>> = { concurrency: 2 };
 * ```
 */
export interface OnBusEventOptions<P, Ev, E extends EventMap = RegisteredEvents> extends OnOptions<P, Ev>, ScopeOptions<E> {}

/**
 * Runs `handler(payload, event, { signal })` on the bus's bounded pool for
 * every event matching `pattern`, until the caller's `DestroyRef` is
 * destroyed (or the returned subscription is unsubscribed, or
 * `options.signal` aborts). Jobs already running when that happens finish;
 * queued ones are discarded. Failures go to `bus.errors$` as for `bus.on`.
 *
 * Call it in an injection context or pass `{ injector }`; called with an
 * already destroyed `DestroyRef`, it subscribes nothing and returns a closed
 * subscription.
 *
 * @throws NoInjectionContextError outside an injection context without `{ injector }`.
 * @throws BusNotProvidedError when no bus is provided.
 * @example
 * ```ts no-run
 * export class OrderToasts {
 *   readonly #toasts = inject(ToastService);
 *   constructor() {
 *     onBusEvent('order.placed', async ({ id }) => this.#toasts.show(`Order ${id} placed`), { concurrency: 1 });
 *   }
 * }
 * ```
 */
export function onBusEvent<P extends string, E extends EventMap = RegisteredEvents>(
  pattern: P & KnownPattern<PublicEvents<E>, P>,
  handler: (payload: PayloadMatching<PublicEvents<E>, P>, event: EventMatching<PublicEvents<E>, P>, context: HandlerContext) => unknown,
  options?: OnBusEventOptions<PayloadMatching<PublicEvents<E>, P>, EventMatching<PublicEvents<E>, P>, E>,
): Subscription {
  const { bus, destroyRef } = scopeOf('onBusEvent', options);
  const { injector: _injector, token: _token, ...onOptions } = options ?? {};
  const subscription = (bus as unknown as LooseBus).on(pattern, handler, onOptions);
  const cancel = whenDestroyed(destroyRef, () => subscription.unsubscribe());
  subscription.add(cancel);
  return subscription;
}
