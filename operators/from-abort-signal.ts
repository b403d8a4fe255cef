import { Observable } from 'rxjs';
import { addAbortTarget, removeAbortTarget } from '../src/abort-listeners.js';
import { assertSignal } from '../src/validate.js';

/**
 * An Observable that emits the signal's `reason` once when it aborts, then
 * completes; immediately on subscribe if it is already aborted.
 *
 * All subscriptions to one signal (and every rxbus waiter on it) share one
 * `'abort'` listener, which is removed when the last of them unsubscribes:
 * thousands of waiters on one signal cost one listener. It hears the abort
 * even if another listener stops the `'abort'` event (on Node ≥ 20.16; see
 * src/abort-listeners.ts for other platforms).
 *
 * ```
 * signal:  ----abort(r)
 * result:  ----(r|)
 * ```
 *
 * @example
 * ```ts
 * const ctrl = new AbortController();
 * fromAbortSignal(ctrl.signal).subscribe((reason) => console.log('aborted:', reason));
 * ctrl.abort(new Error('user left'));
 * ```
 */
export function fromAbortSignal(signal: AbortSignal): Observable<unknown> {
  assertSignal(signal);
  return new Observable<unknown>((subscriber) => {
    if (signal.aborted) {
      subscriber.next(signal.reason);
      subscriber.complete();
      return undefined;
    }
    const target = {
      onAbort(reason: unknown): void {
        subscriber.next(reason);
        subscriber.complete();
      },
    };
    addAbortTarget(signal, target);
    return () => removeAbortTarget(signal, target);
  });
}
