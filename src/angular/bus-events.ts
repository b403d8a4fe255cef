/**
 * `busEvents`: `bus.events$` that ends with the caller — the stream
 * completes when the caller's `DestroyRef` is destroyed, so a template's
 * `async` pipe, a `toSignal` or a hand-written `subscribe` in a component
 * cannot outlive it.
 */
import { Observable } from 'rxjs';
import type { EventMap, EventMatching, KnownPattern, PublicEvents } from '../event-map.js';
import { scopeOf, whenDestroyed, type LooseBus, type ScopeOptions } from './injection-scope.js';
import type { RegisteredEvents } from './registered-events.js';

/**
 * The hot stream of events matching `pattern` (as `bus.events$`: synchronous
 * delivery inside `publish`, no pool), completing when the caller's
 * `DestroyRef` is destroyed or the bus closes. Each subscription registers
 * with the `DestroyRef` only while it is open.
 *
 * Call it in an injection context or pass `{ injector }`. With an already
 * destroyed `DestroyRef`, subscribers complete at once.
 *
 * @throws NoInjectionContextError outside an injection context without `{ injector }`.
 * @throws BusNotProvidedError when no bus is provided.
 * @example
 * ```ts no-run
 * export class CartBadge {
 *   readonly count = toSignal(busEvents('cart.added').pipe(scan((n, e) => n + e.payload.qty, 0)), { initialValue: 0 });
 * }
 * ```
 */
export function busEvents<P extends string, E extends EventMap = RegisteredEvents>(
  pattern: P & KnownPattern<PublicEvents<E>, P>,
  options?: ScopeOptions<E>,
): Observable<EventMatching<PublicEvents<E>, P>> {
  const { bus, destroyRef } = scopeOf('busEvents', options);
  const source = (bus as unknown as LooseBus).events$(pattern);
  return new Observable<EventMatching<PublicEvents<E>, P>>((subscriber) => {
    const cancel = whenDestroyed(destroyRef, () => subscriber.complete());
    if (subscriber.closed) return;
    const subscription = source.subscribe(subscriber);
    return () => {
      cancel();
      subscription.unsubscribe();
    };
  });
}
