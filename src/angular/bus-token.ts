/**
 * Injection tokens for buses. A token carries its event map as a type, so
 * `injectBus(OrdersBus)` and the helpers' `{ token }` option are typed
 * without repeating the map at every call site.
 */
import { InjectionToken } from '@angular/core';
import type { Bus } from '../bus-api.js';
import type { RegisteredEvents } from './registered-events.js';
import type { EventMap } from '../event-map.js';
import { describeArgument } from '../validate.js';
import { DEFAULT_TOKEN_NAME } from './errors.js';

/**
 * An injection token for a bus with event map `E`, from {@link createBusToken}.
 *
 * @example
 * ```ts
 * const OrdersBus: BusToken<OrderEvents> = createBusToken<OrderEvents>('orders');
 * ```
 */
export type BusToken<E extends EventMap> = InjectionToken<Bus<E>>;

/**
 * The token `provideBus()` provides and `injectBus()` reads when no other
 * token is given: the application's bus.
 *
 * @example
 * ```ts
 * const bus = inject(BUS); // the same as injectBus()
 * ```
 */
export const BUS: BusToken<RegisteredEvents> = /*#__PURE__*/ new InjectionToken<Bus<RegisteredEvents>>(DEFAULT_TOKEN_NAME);

/**
 * Creates a token for one more bus: provide it with
 * `provideBus({ token, ...options })` and read it with `injectBus(token)` or
 * the helpers' `{ token }` option. `name` shows up in Angular's DI errors and
 * in rxbus's own.
 *
 * @throws TypeError when `name` is not a non-empty string.
 * @example
 * ```ts
 * type MetricsEvents = { 'metric.sample': { name: string; value: number } };
 * export const MetricsBus = createBusToken<MetricsEvents>('metrics');
 *
 * bootstrapApplication(App, { providers: [provideBus(), provideBus({ token: MetricsBus, overflow: 'drop-oldest' })] });
 * // in a component:
 * const metrics = injectBus(MetricsBus); // Bus<MetricsEvents>
 * ```
 */
export function createBusToken<E extends EventMap>(name: string): BusToken<E> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`Expected the bus token name to be a non-empty string such as 'metrics', got ${describeArgument(name)}.`);
  }
  return new InjectionToken<Bus<E>>(`rxbus.Bus(${name})`);
}
