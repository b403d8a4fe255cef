/**
 * The app-wide event map, declared once by module augmentation (as TanStack
 * Router's `Register` does), so that `injectBus()`, `onBusEvent`,
 * `busEvents`, `busSignal` and `waitForBus` infer payloads from the pattern
 * alone, without a type argument at every call.
 */
import type { AnyEvents } from '../bus-api.js';
import type { EventMap } from '../event-map.js';

/**
 * Declare your application's event map here, once:
 *
 * @example
 * ```ts fragment
 * declare module 'rxbus/angular' {
 *   interface Register {
 *     events: AppEvents;
 *   }
 * }
 * ```
 */
export interface Register {}

/**
 * The event map of the default bus: `Register['events']` when the app
 * declared it, otherwise any type with unknown payloads.
 *
 * @example
 * ```ts
 * type Events = RegisteredEvents; // AppEvents once registered
 * ```
 */
export type RegisteredEvents = Register extends { events: infer E extends EventMap } ? E : AnyEvents;
