/**
 * The one "is this a promise?" check: a value is a thenable when it is an
 * object or function whose `then` is a function (Promises/A+). `then` is read
 * once — a getter may throw, or answer differently the second time — and the
 * function read is the one that is called.
 */

/** A `then` method as read from a thenable. */
export type ThenMethod = (this: unknown, onFulfilled: (value: unknown) => void, onRejected: (reason: unknown) => void) => unknown;

/**
 * The `then` method of a thenable, or `undefined` for any other value.
 * Throws what reading `then` throws (a revoked Proxy, a throwing getter):
 * call it inside the `try` that handles the value's failure.
 *
 * @example
 * ```ts
 * const then = thenOf(result);
 * if (then === undefined) done(result);
 * else then.call(result, done, fail);
 * ```
 */
export function thenOf(value: unknown): ThenMethod | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const then: unknown = (value as { then?: unknown }).then;
  return typeof then === 'function' ? (then as ThenMethod) : undefined;
}

/**
 * Adopts a thenable with its already-read `then` into a real Promise (which
 * ignores a second callback or a callback after a throw).
 *
 * @example
 * ```ts
 * const then = thenOf(result);
 * if (then !== undefined) adopt(result, then).then(onReply, onError);
 * ```
 */
export function adopt(thenable: unknown, then: ThenMethod): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    then.call(thenable, resolve, reject);
  });
}
