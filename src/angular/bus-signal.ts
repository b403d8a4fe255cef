/**
 * `busSignal`: the latest event of a pattern as an Angular `Signal`, for
 * templates and `computed`. It is a plain writable signal set from a bus
 * stream (not `toSignal`), so it needs no zone and works in zoneless apps:
 * Angular schedules change detection for a signal a template reads.
 */
import { signal, type Signal } from '@angular/core';
import type { EventMap, EventMatching, KnownPattern, PublicEvents } from '../event-map.js';
import { scopeOf, whenDestroyed, type LooseBus, type ScopeOptions } from './injection-scope.js';
import type { RegisteredEvents } from './registered-events.js';

/**
 * Options of {@link busSignal}.
 *
 * @example
 * ```ts
 * const options: BusSignalOptions<null> = { initial: null };
 * ```
 */
export interface BusSignalOptions<I, E extends EventMap = RegisteredEvents> extends ScopeOptions<E> {
  /** The value until the first matching event arrives. Default `undefined`. */
  readonly initial?: I;
}

/**
 * A `Signal` holding the latest event (the whole envelope: `type`, `payload`,
 * `id`, `time`) matching `pattern`, or `initial` until one arrives. It is set
 * synchronously inside `publish`; the subscription behind it ends when the
 * caller's `DestroyRef` is destroyed (the signal then keeps its last value)
 * or the bus closes.
 *
 * Call it in an injection context or pass `{ injector }`.
 *
 * @throws NoInjectionContextError outside an injection context without `{ injector }`.
 * @throws BusNotProvidedError when no bus is provided.
 * @example
 * ```ts no-run
 * @Component({
 *   selector: 'app-last-order',
 *   template: `@if (last(); as e) { Order {{ e.payload.id }}: {{ e.type }} } @else { No order yet }`,
 * })
 * export class LastOrder {
 *   readonly last = busSignal('order.*', { initial: null });
 * }
 * ```
 */
export function busSignal<P extends string, I = undefined, E extends EventMap = RegisteredEvents>(
  pattern: P & KnownPattern<PublicEvents<E>, P>,
  options?: BusSignalOptions<I, E>,
): Signal<EventMatching<PublicEvents<E>, P> | I> {
  const { bus, destroyRef } = scopeOf('busSignal', options);
  const latest = signal<EventMatching<PublicEvents<E>, P> | I>(options?.initial as I);
  const source = (bus as unknown as LooseBus).events$(pattern);
  let cancel: (() => void) | undefined;
  const subscription = source.subscribe({
    next: (event) => latest.set(event),
    complete: () => cancel?.(),
  });
  cancel = whenDestroyed(destroyRef, () => subscription.unsubscribe());
  if (subscription.closed) cancel();
  return latest.asReadonly();
}
