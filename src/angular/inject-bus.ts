/**
 * `injectBus`: the bus a component or service uses, from the nearest
 * environment injector that provides it.
 */
import { InjectionToken, type Injector } from '@angular/core';
import type { Bus } from '../bus-api.js';
import type { RegisteredEvents } from './registered-events.js';
import type { EventMap } from '../event-map.js';
import { describeArgument } from '../validate.js';
import type { BusToken } from './bus-token.js';
import { busIn, injectorFor } from './injection-scope.js';

/**
 * Options of {@link injectBus}.
 *
 * @example
 * ```ts
 * const bus = injectBus<AppEvents>({ injector: this.injector });
 * ```
 */
export interface InjectBusOptions {
  /** Resolve from this injector instead of the current injection context. */
  readonly injector?: Injector;
}

/**
 * Returns the bus that `provideBus()` provides (or the one under `token`).
 * Call it in an injection context (a constructor, a field initializer, a
 * provider factory) or pass `{ injector }`.
 *
 * Without a token the bus's event map is whatever you name (`injectBus<AppEvents>()`),
 * the same for every caller; a token from `createBusToken<E>()` carries its map.
 *
 * @throws NoInjectionContextError outside an injection context without `{ injector }`.
 * @throws BusNotProvidedError when no injector on the way up provides the bus.
 * @example
 * ```ts no-run
 * export class CartButton {
 *   readonly #bus = injectBus<AppEvents>();
 *   add(sku: string) {
 *     this.#bus.publish('cart.added', { sku, qty: 1 });
 *   }
 * }
 * ```
 */
export function injectBus<E extends EventMap = RegisteredEvents>(options?: InjectBusOptions): Bus<E>;
export function injectBus<E extends EventMap>(token: BusToken<E>, options?: InjectBusOptions): Bus<E>;
export function injectBus<E extends EventMap>(first?: BusToken<E> | InjectBusOptions, second?: InjectBusOptions): Bus<E> {
  const isToken = first instanceof InjectionToken;
  const token = isToken ? (first as BusToken<E>) : undefined;
  const options = isToken ? second : (first as InjectBusOptions | undefined);
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`Expected the options of injectBus() to be an object or undefined, got ${describeArgument(options)}.`);
  }
  return busIn('injectBus', injectorFor('injectBus', options?.injector), token);
}
