/**
 * `rxbus/angular`: `provideBus`, `injectBus` and the injection-context helpers (`onBusEvent`, `busEvents`, `busSignal`, `waitForBus`) for Angular ≥ 20.
 *
 * @module rxbus/angular
 */
export { provideBus, type ProvideBusOptions } from './provide-bus.js';
export { withCloseOptions, withErrorHandler, type BusFeature, type BusFeatureKind } from './bus-features.js';
export { injectBus, type InjectBusOptions } from './inject-bus.js';
export { BUS, createBusToken, type BusToken } from './bus-token.js';
export { onBusEvent, type OnBusEventOptions } from './on-bus-event.js';
export { busEvents } from './bus-events.js';
export { busSignal, type BusSignalOptions } from './bus-signal.js';
export { waitForBus, type WaitForBusOptions } from './wait-for-bus.js';
export type { ScopeOptions } from './injection-scope.js';
export type { Register, RegisteredEvents } from './registered-events.js';
export { BusNotProvidedError, DestroyedError, NoInjectionContextError } from './errors.js';
