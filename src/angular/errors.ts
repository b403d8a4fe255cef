/**
 * The errors rxbus/angular adds to the core's: a helper called where Angular
 * cannot tell whose lifetime it belongs to, a bus nobody provided, and a
 * waiter abandoned because its component or injector was destroyed.
 */
import { safeText } from '../render-value.js';
import { RxBusError } from '../errors.js';

/**
 * An rxbus/angular helper (`injectBus`, `onBusEvent`, `busEvents`,
 * `busSignal`, `waitForBus`) was called outside an injection context and
 * without an `{ injector }` option, so it has no `DestroyRef` to clean up with.
 *
 * @example
 * ```ts
 * class OrderPanel {
 *   readonly #injector = inject(Injector); // in the injection context
 *   async save(id: string) {
 *     // a click handler is not an injection context: pass the injector
 *     await waitForBus('order.saved', { id }, { injector: this.#injector });
 *   }
 * }
 * ```
 */
export class NoInjectionContextError extends RxBusError {
  override name = 'NoInjectionContextError';
  /** The helper that was called, e.g. `'waitForBus'`. */
  readonly helper: string;
  constructor(helper: string, cause: unknown) {
    super(
      safeText`${helper}() was called outside an injection context and without an injector, so it cannot tell whose DestroyRef ends it. ` +
        safeText`Call it in a constructor, a field initializer or a provider factory, or pass { injector } (e.g. a field \`injector = inject(Injector)\` of the component).`,
      { cause },
    );
    this.helper = helper;
  }
}

/**
 * `injectBus()` (or a helper) found no bus for its token in the injector
 * tree: `provideBus()` is missing from the application's (or route's) providers.
 *
 * @example
 * ```ts
 * bootstrapApplication(App, { providers: [provideZonelessChangeDetection(), provideBus<AppEvents>()] });
 * ```
 */
export class BusNotProvidedError extends RxBusError {
  override name = 'BusNotProvidedError';
  /** The token, as Angular prints it, e.g. `'InjectionToken rxbus.Bus'`. */
  readonly token: string;
  constructor(helper: string, token: string, isDefault: boolean) {
    super(
      safeText`${helper}() found no bus for ${token}: no injector on the way up provides one. ` +
        safeText`Add provideBus(${isDefault ? '' : '{ token }'}) to the providers of bootstrapApplication(), a route or an environment injector above this one.`,
    );
    this.token = token;
  }
}

/**
 * The description of the default bus token (shared with bus-token.ts).
 *
 * @example
 * ```ts
 * String(BUS); // `InjectionToken ${DEFAULT_TOKEN_NAME}`
 * ```
 */
export const DEFAULT_TOKEN_NAME = 'rxbus.Bus';

/**
 * A `waitForBus` waiter was abandoned because the `DestroyRef` it was tied to
 * (its component, directive, service or injector) was destroyed first. `name`
 * is `'AbortError'`, as for an aborted `fetch`, so code that already ignores
 * aborts ignores this too.
 *
 * @example
 * ```ts
 * try {
 *   await waitForBus('order.saved', { id }, { injector });
 * } catch (err) {
 *   if (err instanceof DestroyedError) return; // the panel was closed: nothing to show
 *   throw err;
 * }
 * ```
 */
export class DestroyedError extends RxBusError {
  override name = 'AbortError';
  /** The pattern the waiter was waiting for. */
  readonly pattern: string;
  constructor(helper: string, pattern: string) {
    super(
      safeText`${helper}('${pattern}') was abandoned: the component, directive or injector that started it was destroyed before a matching event arrived. ` +
        `Nothing is left behind; catch it (err.name === 'AbortError') where an early destroy is expected.`,
    );
    this.pattern = pattern;
  }
}
