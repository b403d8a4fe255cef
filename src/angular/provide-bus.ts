/**
 * `provideBus`: a bus per environment injector (the application's, a lazy
 * route's), created on first injection and closed when that injector is
 * destroyed.
 *
 * Only `InjectionToken`, a factory and `inject()` — no decorated class — so
 * the published code needs no Angular compiler: it works the same in AOT and
 * JIT apps.
 */
import {
  DestroyRef,
  ErrorHandler,
  inject,
  InjectionToken,
  makeEnvironmentProviders,
  NgZone,
  type EnvironmentProviders,
} from '@angular/core';
import type { Bus, BusOptions } from '../bus-api.js';
import type { RegisteredEvents } from './registered-events.js';
import { createBus } from '../bus.js';
import type { EventMap } from '../event-map.js';
import { describeArgument, optionsOf } from '../validate.js';
import { applyFeatures, assertFeatures, type BusFeature, type BusSetup } from './bus-features.js';
import { BUS, type BusToken } from './bus-token.js';
import { whenDestroyed } from './injection-scope.js';
import { outsideZoneScheduler } from './zone-scheduler.js';

/**
 * Options of {@link provideBus}: those of `createBus`, plus the token to
 * provide the bus under. Without a `scheduler`, the bus uses
 * `asyncScheduler` with its timers started outside the Angular zone, so
 * pending waiter timeouts do not keep a zone.js app from becoming stable.
 *
 * @example
 * ```ts
 * const options: ProvideBusOptions<AppEvents> = { concurrency: 4, history: 256 };
 * ```
 */
export interface ProvideBusOptions<E extends EventMap = RegisteredEvents> extends BusOptions {
  /** Provide the bus under this token (from `createBusToken`) instead of the default one, for a second bus. */
  readonly token?: BusToken<E>;
}

/**
 * Provides a bus to an environment injector: `bootstrapApplication`'s
 * providers, a route's `providers`, or `createEnvironmentInjector`. The bus
 * is created (with `options`, as `createBus` takes them) when it is first
 * injected, and closed — draining its queued and running handler jobs, see
 * `withCloseOptions` — when that injector is destroyed. Waiters still
 * pending then reject with `BusClosedError`.
 *
 * @throws TypeError for options that are not an object, a `token` that is not
 *   an `InjectionToken`, or a feature not made by a `with…()` function. Bus
 *   options themselves are checked by `createBus` when the bus is first injected.
 * @example
 * ```ts no-run
 * type AppEvents = { 'cart.added': { sku: string; qty: number }; 'order.placed': { id: string } };
 *
 * bootstrapApplication(App, {
 *   providers: [provideZonelessChangeDetection(), provideBus<AppEvents>({ concurrency: 4 }, withErrorHandler())],
 * });
 * ```
 */
export function provideBus<E extends EventMap = RegisteredEvents>(
  options?: ProvideBusOptions<E>,
  ...features: BusFeature[]
): EnvironmentProviders {
  const { token, ...busOptions } = optionsOf(options, 'provideBus() options');
  if (token !== undefined && !(token instanceof InjectionToken)) {
    throw new TypeError(`Expected the 'token' option of provideBus() to be a token from createBusToken(), got ${describeArgument(token)}.`);
  }
  assertFeatures(features);
  return makeEnvironmentProviders([
    {
      provide: token ?? BUS,
      useFactory: (): Bus<E> => {
        const setup: BusSetup = { onError: busOptions.onError, close: { drain: true } };
        applyFeatures(features, setup);
        const bus = createBus<E>({
          ...busOptions,
          scheduler: busOptions.scheduler ?? outsideZoneScheduler(inject(NgZone, { optional: true })),
          ...(setup.onError === undefined ? {} : { onError: setup.onError }),
        });
        const errorHandler = inject(ErrorHandler, { optional: true });
        whenDestroyed(inject(DestroyRef), () => {
          // The injector is going away synchronously; the drain goes on after
          // it. A close that fails (CloseTimeoutError) is reported, not lost.
          bus.close(setup.close).catch((error: unknown) => {
            if (errorHandler === null) console.error(error);
            else errorHandler.handleError(error);
          });
        });
        return bus;
      },
    },
  ]);
}
