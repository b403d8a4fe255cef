/**
 * What `@OnBusEvent` and `@HandleRequest` leave on a method: a list of
 * bindings, read back at module init by the handler discovery.
 *
 * The list is stored with `Reflect.defineMetadata` (reflect-metadata, which
 * every Nest app loads) under a string key, not in a module-local WeakMap:
 * an app that ends up with both the ESM and the CommonJS copy of this entry
 * (one loaded by the app, one by a library) still sees one set of bindings.
 */
import type { OnOptions } from '../bus-api.js';
import type { BusEvent } from '../event-map.js';
import { assertCount, assertEventType, assertFunction, assertPattern, assertTimeout, optionsOf } from '../validate.js';

/** The metadata key of the binding list on a decorated method. */
export const BINDINGS_KEY = 'rxbus:bindings';

/**
 * Options of `@OnBusEvent`: those of `bus.on`, plus the bus to register on.
 *
 * @example
 * ```ts fragment
 * @OnBusEvent('order.*', { concurrency: 4, key: (order: { customerId: string }) => order.customerId })
 * ```
 */
export interface OnBusEventOptions<P = never> {
  /** Max jobs of this handler running at once (within the bus's `concurrency`). Default: no own limit. Minimum: 1. */
  readonly concurrency?: number;
  /** Per-key ordering: jobs with the same key run one at a time, in publish order; different keys run in parallel. */
  readonly key?: (
    payload: P,
    event: { readonly type: string; readonly payload: P; readonly id: number; readonly time: number },
  ) => string | number;
  /**
   * Per-job time limit in ms, passed to `bus.on` as its `timeout` option: a
   * job running longer aborts its `signal` and fails with a `HandlerError`
   * whose cause is a `JobTimeoutError`. Minimum: 0 (= none).
   */
  readonly timeout?: number;
  /** Register on the bus of `RxBusModule.forRoot({ name })` instead of the default one. */
  readonly bus?: string;
}

/**
 * Options of `@HandleRequest`.
 *
 * @example
 * ```ts fragment
 * @HandleRequest('user.get', { concurrency: 2, bus: 'audit' })
 * ```
 */
export interface HandleRequestOptions {
  /** Max requests of this type answered at once (within the bus's `concurrency`). Default: no own limit. Minimum: 1. */
  readonly concurrency?: number;
  /** Register on the bus of `RxBusModule.forRoot({ name })` instead of the default one. */
  readonly bus?: string;
}

/** One decorator's binding. */
export type Binding =
  | { readonly kind: 'event'; readonly pattern: string; readonly bus: string | undefined; readonly options: OnOptions<unknown, BusEvent> }
  | {
      readonly kind: 'request';
      readonly type: string;
      readonly bus: string | undefined;
      readonly options: { readonly concurrency?: number };
    };

/** Appends a binding to a method's list (decorators run bottom-up; the list keeps source order). */
export function addBinding(method: unknown, binding: Binding): void {
  if (typeof method !== 'function') {
    throw new TypeError(`rxbus decorators go on methods; got ${typeof method}.`);
  }
  const list = (Reflect.getOwnMetadata(BINDINGS_KEY, method) as Binding[] | undefined) ?? [];
  Reflect.defineMetadata(BINDINGS_KEY, [binding, ...list], method);
}

/** The bindings on a method, in source order (none for an undecorated one). */
export function bindingsOf(method: unknown): readonly Binding[] {
  if (typeof method !== 'function') return [];
  return (Reflect.getOwnMetadata(BINDINGS_KEY, method) as Binding[] | undefined) ?? [];
}

/** Checks `@OnBusEvent`'s arguments when the class is defined, so a typo fails at import, not at the first event. */
export function eventBinding(pattern: unknown, options: OnBusEventOptions<unknown> | undefined): Binding {
  assertPattern(pattern);
  const { concurrency, key, timeout, bus } = optionsOf(options, '@OnBusEvent() options');
  if (concurrency !== undefined) assertCount(concurrency, 'concurrency', 1);
  if (key !== undefined) assertFunction(key, 'key');
  if (timeout !== undefined) assertTimeout(timeout, 'timeout');
  if (bus !== undefined) assertPattern(bus, 'bus name');
  const on: OnOptions<unknown, BusEvent> = { concurrency, key, ...(timeout === undefined ? {} : { timeout }) };
  return { kind: 'event', pattern, bus, options: on };
}

/** Checks `@HandleRequest`'s arguments when the class is defined. */
export function requestBinding(type: unknown, options: HandleRequestOptions | undefined): Binding {
  assertEventType(type);
  const { concurrency, bus } = optionsOf(options, '@HandleRequest() options');
  if (concurrency !== undefined) assertCount(concurrency, 'concurrency', 1);
  if (bus !== undefined) assertPattern(bus, 'bus name');
  return { kind: 'request', type, bus, options: concurrency === undefined ? {} : { concurrency } };
}
