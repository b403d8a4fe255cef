import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { checkAborted } from '../src/abort-listeners.js';
import { subscribeSource } from '../src/source-subscriber.js';
import { fromAbortSignal } from './from-abort-signal.js';

/** Options of {@link takeUntilAborted}. */
export interface TakeUntilAbortedOptions {
  /**
   * What happens when the signal aborts: `'error'` (default) errors with
   * `signal.reason`, like Node's `events.once`; `'complete'` just completes.
   */
  readonly onAbort?: 'error' | 'complete';
}

/**
 * Mirrors the source until the signal aborts, then errors with `signal.reason`
 * (or completes, with `{ onAbort: 'complete' }`). An already-aborted signal
 * ends the stream at once, without subscribing to the source. With no signal
 * it mirrors the source unchanged. The abort is honoured even if another
 * listener stops the signal's `'abort'` event.
 *
 * ```
 * source:  -a--b--c--
 * signal:  -----abort(r)
 * result:  -a--b#        (# = error r)
 * ```
 *
 * @example
 * ```ts
 * const ctrl = new AbortController();
 * interval(1000).pipe(takeUntilAborted(ctrl.signal)).subscribe({ error: (r) => console.log('stopped', r) });
 * ctrl.abort();
 * ```
 */
export function takeUntilAborted<T>(signal: AbortSignal | undefined, options: TakeUntilAbortedOptions = {}): MonoTypeOperatorFunction<T> {
  if (signal === undefined) return (source) => source;
  const abort$ = fromAbortSignal(signal);
  const complete = options.onAbort === 'complete';
  return (source) =>
    new Observable<T>((subscriber) => {
      // Subscribe to the signal first: an aborted signal ends the stream before
      // the source is subscribed, so nothing is registered for nothing.
      subscriber.add(
        abort$.subscribe((reason) => {
          if (complete) subscriber.complete();
          else subscriber.error(reason);
        }),
      );
      if (subscriber.closed) return;
      subscribeSource(source, subscriber, {
        // Where an earlier listener can stop the 'abort' event before rxbus
        // hears it (browsers), the next value finds out instead.
        next: (value) => {
          if (!checkAborted(signal)) subscriber.next(value);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
