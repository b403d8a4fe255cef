/**
 * `waitForBus`: `bus.waitFor` tied to a component's (or service's)
 * lifetime. It is built on the cold `waitFor$`, so abandoning it on destroy
 * is an unsubscribe: the waiter leaves the bus's index, its timer and its
 * abort listener at once, and the promise rejects with `DestroyedError`.
 */
import type { Subscription } from 'rxjs';
import type { EventMap, EventMatching, KnownPattern, PayloadMatching, PublicEvents } from '../event-map.js';
import type { Matcher } from '../matcher.js';
import type { WaitForOptions } from '../waiter.js';
import { DestroyedError } from './errors.js';
import { scopeOf, whenDestroyed, type LooseBus, type ScopeOptions } from './injection-scope.js';
import type { RegisteredEvents } from './registered-events.js';

/**
 * Options of {@link waitForBus}: those of `bus.waitFor` (`timeout`, `signal`,
 * `since`) plus `injector` and `token`.
 *
 * @example
 * ```ts
 * const options: WaitForBusOptions = { timeout: 5000 };
 * ```
 */
export interface WaitForBusOptions<E extends EventMap = RegisteredEvents> extends WaitForOptions, ScopeOptions<E> {}

/**
 * Resolves with the first event of `pattern` whose payload matches
 * `matcher`, exactly as `bus.waitFor` does (`WaitTimeoutError` after
 * `timeout`, `signal.reason` on abort, `BusClosedError` when the bus
 * closes), and rejects with `DestroyedError` (`name === 'AbortError'`) when
 * the caller's `DestroyRef` is destroyed first — leaving no waiter behind.
 *
 * Usually called from an event handler or an `async` method, which is not an
 * injection context: keep `inject(Injector)` in a field and pass it.
 *
 * @throws NoInjectionContextError (synchronously) outside an injection context without `{ injector }`.
 * @example
 * ```ts no-run
 * export class CheckoutButton {
 *   readonly #bus = injectBus<AppEvents>();
 *   readonly #injector = inject(Injector);
 *   readonly status = signal('idle');
 *
 *   async checkout(id: string) {
 *     const mark = this.#bus.cursor();
 *     this.#bus.publish('order.placed', { id });
 *     const confirmed = await waitForBus('order.confirmed', { id }, { injector: this.#injector, since: mark, timeout: 5000 });
 *     this.status.set(`confirmed at ${confirmed.time}`);
 *   }
 * }
 * ```
 */
export function waitForBus<P extends string, E extends EventMap = RegisteredEvents>(
  pattern: P & KnownPattern<PublicEvents<E>, P>,
  matcher?: Matcher<PayloadMatching<PublicEvents<E>, P>, EventMatching<PublicEvents<E>, P>>,
  options?: WaitForBusOptions<E>,
): Promise<EventMatching<PublicEvents<E>, P>> {
  const { bus, destroyRef } = scopeOf('waitForBus', options);
  const { injector: _injector, token: _token, ...waitOptions } = options ?? {};
  return new Promise<EventMatching<PublicEvents<E>, P>>((resolve, reject) => {
    // Bad arguments throw inside the executor: they reject, as bus.waitFor's do.
    const waiter$ = (bus as unknown as LooseBus).waitFor$(pattern, matcher, waitOptions);
    let subscription: Subscription | undefined;
    let abandoned = false;
    const cancel = whenDestroyed(destroyRef, () => {
      abandoned = true;
      subscription?.unsubscribe();
      reject(new DestroyedError('waitForBus', pattern));
    });
    if (abandoned) return;
    subscription = waiter$.subscribe({
      next: (event) => {
        cancel();
        resolve(event);
      },
      error: (error: unknown) => {
        cancel();
        reject(error);
      },
    });
  });
}
