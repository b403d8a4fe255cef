/**
 * Optional features of `provideBus(options, ...features)`, in the shape
 * Angular's own providers use (`provideRouter(routes, withDebugTracing())`).
 * A feature adjusts how the bus is created and closed; it runs inside the
 * bus's factory, so it may `inject()` what it needs.
 *
 * The feature objects are opaque: what each does is kept in a module-level
 * WeakMap, so `provideBus` can refuse anything that did not come from a
 * `with…()` function instead of silently ignoring it.
 */
import { ErrorHandler, inject } from '@angular/core';
import type { BusOptions, CloseOptions } from '../bus-api.js';
import type { HandlerError } from '../errors.js';
import { assertTimeout, describeArgument, optionsOf } from '../validate.js';

/**
 * What a feature is about; each kind may be given once.
 *
 * @example
 * ```ts
 * const kind: BusFeatureKind = withErrorHandler().kind; // 'error-handler'
 * ```
 */
export type BusFeatureKind = 'error-handler' | 'close-options';

/**
 * A feature for `provideBus`, from a `with…()` function.
 *
 * @example
 * ```ts
 * const features: BusFeature[] = [withErrorHandler(), withCloseOptions({ timeout: 5000 })];
 * provideBus<AppEvents>({ concurrency: 4 }, ...features);
 * ```
 */
export interface BusFeature {
  readonly kind: BusFeatureKind;
}

/**
 * What features may change while the bus is being set up.
 *
 * @example
 * ```ts
 * const setup: BusSetup = { onError: undefined, close: { drain: true } };
 * ```
 */
export interface BusSetup {
  onError: BusOptions['onError'];
  close: CloseOptions;
}

const setups = new WeakMap<BusFeature, (setup: BusSetup) => void>();

function feature(kind: BusFeatureKind, apply: (setup: BusSetup) => void): BusFeature {
  const made: BusFeature = Object.freeze({ kind });
  setups.set(made, apply);
  return made;
}

/**
 * Sends handler failures that nobody observes on `bus.errors$` to Angular's
 * `ErrorHandler` (where the app already reports its errors) instead of
 * `console.error`. Replaces the `onError` option: give one or the other.
 *
 * @example
 * ```ts
 * bootstrapApplication(App, {
 *   providers: [provideZonelessChangeDetection(), provideBus<AppEvents>({}, withErrorHandler())],
 * });
 * ```
 */
export function withErrorHandler(): BusFeature {
  return feature('error-handler', (setup) => {
    if (setup.onError !== undefined) {
      throw new TypeError('provideBus() got both an onError option and withErrorHandler(): give one of them.');
    }
    const handler = inject(ErrorHandler);
    setup.onError = (error: HandlerError) => handler.handleError(error);
  });
}

/**
 * How the bus closes when its environment injector is destroyed. By default
 * it drains: queued and running handler jobs finish, however long they take.
 * With `timeout`, jobs still running after that many ms see their `signal`
 * abort (the close then fails with `CloseTimeoutError`, reported to Angular's
 * `ErrorHandler`); with `drain: false`, queued jobs are dropped and running
 * ones aborted at once.
 *
 * @example
 * ```ts
 * provideBus<AppEvents>({}, withCloseOptions({ timeout: 5000 }));
 * ```
 */
export function withCloseOptions(options: CloseOptions): BusFeature {
  const { drain = true, timeout } = optionsOf(options, 'withCloseOptions() options');
  if (typeof drain !== 'boolean') throw new TypeError(`Expected 'drain' to be a boolean, got ${describeArgument(drain)}.`);
  if (timeout !== undefined) assertTimeout(timeout, 'timeout');
  const close: CloseOptions = timeout === undefined ? { drain } : { drain, timeout };
  return feature('close-options', (setup) => {
    setup.close = close;
  });
}

/**
 * Applies `features` (checked by {@link assertFeatures}) to `setup`, in the bus factory's injection context.
 *
 * @example
 * ```ts
 * applyFeatures([withCloseOptions({ timeout: 100 })], setup); // setup.close is { drain: true, timeout: 100 }
 * ```
 */
export function applyFeatures(features: readonly BusFeature[], setup: BusSetup): void {
  for (const made of features) setups.get(made)!(setup);
}

/**
 * Checks `features` up front, so a wrong one fails where `provideBus` is called.
 *
 * @example
 * ```ts
 * assertFeatures([withErrorHandler(), withErrorHandler()]); // TypeError: … the 'error-handler' feature twice
 * ```
 */
export function assertFeatures(features: readonly unknown[]): asserts features is readonly BusFeature[] {
  const seen = new Set<BusFeatureKind>();
  for (const [i, made] of features.entries()) {
    if (typeof made !== 'object' || made === null || !setups.has(made as BusFeature)) {
      throw new TypeError(
        `Expected feature #${i + 1} of provideBus() to come from withErrorHandler() or withCloseOptions(), got ${describeArgument(made)}.`,
      );
    }
    const { kind } = made as BusFeature;
    if (seen.has(kind)) throw new TypeError(`provideBus() got the '${kind}' feature twice: give it once.`);
    seen.add(kind);
  }
}
