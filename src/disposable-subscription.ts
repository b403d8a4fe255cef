/**
 * The Subscription that `bus.on` and `bus.handle` return: an RxJS
 * `Subscription` that is also `Disposable`, so TypeScript's `using`
 * unsubscribes it at the end of the scope. Only rxbus's own subscriptions
 * get `[Symbol.dispose]`: RxJS's `Subscription.prototype` is left alone.
 */
import { Subscription } from 'rxjs';

/**
 * A Subscription with `[Symbol.dispose]()` (= `unsubscribe()`).
 *
 * @example
 * ```ts
 * {
 *   using sub = bus.on('order.created', save);
 *   await bus.deliver('order.created', order);
 * } // unsubscribed here
 * ```
 */
export interface BusSubscription extends Subscription {
  /** Unsubscribes: `using sub = bus.on(...)` calls it at the end of the scope. */
  [Symbol.dispose](): void;
}

/**
 * Creates a {@link BusSubscription} with the given teardown.
 *
 * @example
 * ```ts
 * const sub = disposableSubscription(() => registry.delete(entry));
 * sub[Symbol.dispose](); // same as sub.unsubscribe()
 * ```
 */
export function disposableSubscription(teardown?: () => void): BusSubscription {
  return new DisposableSubscription(teardown) as BusSubscription;
}

class DisposableSubscription extends Subscription {}

// `Symbol.dispose` is missing in older browsers (and Node before 18.18):
// there the subscription is a plain one, and `using` is unavailable anyway.
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(DisposableSubscription.prototype, Symbol.dispose, {
    value(this: Subscription) {
      this.unsubscribe();
    },
    writable: true,
    configurable: true,
  });
}
