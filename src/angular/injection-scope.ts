/**
 * Where a helper's lifetime comes from: the injector of the injection context
 * it was called in, or the `{ injector }` it was given (the pattern
 * ngxtension calls `assertInjector`), and that injector's `DestroyRef`.
 *
 * `DestroyRef.onDestroy` throws when the ref is already destroyed (NG0911 for
 * a view, NG0205 for an injector) — easy to hit from a late `await` in a
 * component. {@link whenDestroyed} turns that into "run the teardown now",
 * so a helper called too late cleans up instead of throwing or leaking.
 */
import { DestroyRef, inject, Injector, type ProviderToken } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import type { Bus } from '../bus-api.js';
import type { RegisteredEvents } from './registered-events.js';
import type { EventMap } from '../event-map.js';
import { describeArgument } from '../validate.js';
import { BUS, type BusToken } from './bus-token.js';
import { BusNotProvidedError, NoInjectionContextError } from './errors.js';

/**
 * The options every rxbus/angular helper takes besides its own.
 *
 * @example
 * ```ts
 * const options: ScopeOptions<OrderEvents> = { injector: inject(Injector), token: OrdersBus };
 * ```
 */
export interface ScopeOptions<E extends EventMap = RegisteredEvents> {
  /**
   * The injector to resolve the bus from and whose `DestroyRef` ends the
   * helper's work. Needed outside an injection context (event handlers,
   * `async` methods after an `await`); by default, the current injection context's.
   */
  readonly injector?: Injector;
  /** Which bus: a token from `createBusToken()`. Default: the one `provideBus()` provides without a token. */
  readonly token?: BusToken<E>;
}

/**
 * A helper's bus and the `DestroyRef` that ends what it starts.
 *
 * @example
 * ```ts
 * const { bus, destroyRef }: Scope<AppEvents> = scopeOf('busSignal', options);
 * ```
 */
export interface Scope<E extends EventMap> {
  readonly bus: Bus<E>;
  readonly destroyRef: DestroyRef;
}

/**
 * The injector of the current injection context, or `injector` when given.
 * Throws `NoInjectionContextError` naming `helper` when there is neither.
 *
 * @example
 * ```ts
 * const injector = injectorFor('injectBus', options?.injector);
 * ```
 */
export function injectorFor(helper: string, injector: Injector | undefined): Injector {
  if (injector !== undefined) {
    if (injector === null || typeof injector !== 'object' || typeof (injector as Partial<Injector>).get !== 'function') {
      throw new TypeError(
        `Expected the 'injector' option of ${helper}() to be an Angular Injector (e.g. inject(Injector)), got ${describeArgument(injector)}.`,
      );
    }
    return injector;
  }
  try {
    // inject(Injector) is always resolvable, so its only failure is NG0203: no injection context.
    return inject(Injector);
  } catch (error) {
    throw new NoInjectionContextError(helper, error);
  }
}

/**
 * The bus under `token` in `injector`, or `BusNotProvidedError` naming `helper`.
 *
 * @example
 * ```ts
 * const bus = busIn('injectBus', injector, undefined); // the default bus
 * ```
 */
export function busIn<E extends EventMap>(helper: string, injector: Injector, token: ProviderToken<Bus<E>> | undefined): Bus<E> {
  const key = token ?? (BUS as unknown as ProviderToken<Bus<E>>);
  const bus = injector.get(key, null, { optional: true });
  if (bus === null) throw new BusNotProvidedError(helper, String(key), token === undefined || token === BUS);
  return bus;
}

/**
 * Resolves a helper's options into its bus and `DestroyRef`.
 *
 * @example
 * ```ts
 * const { bus, destroyRef } = scopeOf('onBusEvent', { injector });
 * ```
 */
export function scopeOf<E extends EventMap>(helper: string, options: ScopeOptions<E> | undefined): Scope<E> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`Expected the options of ${helper}() to be an object or undefined, got ${describeArgument(options)}.`);
  }
  const injector = injectorFor(helper, options?.injector);
  return { bus: busIn(helper, injector, options?.token), destroyRef: injector.get(DestroyRef) };
}

/**
 * Runs `teardown` when `destroyRef` is destroyed — at once when it already
 * is — and returns a function that cancels that (to call when the work ends
 * first, so a long-lived `DestroyRef` does not collect dead callbacks).
 *
 * @example
 * ```ts
 * const cancel = whenDestroyed(destroyRef, () => subscription.unsubscribe());
 * subscription.add(cancel); // unsubscribed first: nothing stays registered
 * ```
 */
export function whenDestroyed(destroyRef: DestroyRef, teardown: () => void): () => void {
  let fired = false;
  const run = (): void => {
    fired = true;
    teardown();
  };
  // `destroyed` exists since Angular 19; onDestroy's throw covers refs without it.
  if ((destroyRef as { destroyed?: boolean }).destroyed !== true) {
    let unregister: (() => void) | undefined;
    try {
      unregister = destroyRef.onDestroy(run);
    } catch {
      unregister = undefined;
    }
    if (typeof unregister === 'function') {
      const cancel = unregister;
      // Once the teardown runs there is nothing to unregister (and Angular is
      // iterating its hooks): the work ending inside its own teardown is normal.
      return () => {
        if (!fired) cancel();
      };
    }
  }
  run();
  return noop;
}

function noop(): void {}

/**
 * A bus seen through plain strings. The helpers' own signatures carry the
 * event-map typing; inside, a generic `Bus<E>` cannot be called with a
 * generic pattern, so they call it through this view.
 *
 * @example
 * ```ts
 * (bus as unknown as LooseBus).events$(pattern);
 * ```
 */
export interface LooseBus {
  on(pattern: string, handler: unknown, options: object): Subscription;
  events$(pattern: string): Observable<never>;
  waitFor$(pattern: string, matcher: unknown, options: object): Observable<never>;
}
