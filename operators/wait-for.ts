import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { WaitTimeoutError } from '../src/errors.js';
import { compileMatcher, type CompiledMatcher, type Matcher } from '../src/matcher.js';
import { FirstMatchWait, type WaitSink, type WaitTiming } from '../src/first-match-wait.js';
import { subscribeSource } from '../src/source-subscriber.js';
import { assertSignal, assertTimeout } from '../src/validate.js';

/** Options of the {@link waitFor} operator. */
export interface WaitForOperatorOptions {
  /** Give up after this many ms with a `WaitTimeoutError`. `0` or omitted: wait forever. */
  readonly timeout?: number;
  /** Abort the wait: the stream errors with `signal.reason` (at once if already aborted). */
  readonly signal?: AbortSignal;
  /** Scheduler for the timeout (default `asyncScheduler`; a `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
  /** Builds the error thrown on timeout, instead of the default `WaitTimeoutError`. */
  readonly timeoutError?: (timeout: number) => Error;
}

class SourceWait<T> extends FirstMatchWait<T> {
  source: Subscription | undefined;
  #index = 0;

  constructor(
    sink: WaitSink<T>,
    timing: WaitTiming,
    private readonly matcher: CompiledMatcher<T, number>,
    private readonly makeError: (timeout: number) => Error,
  ) {
    super(sink, timing);
  }

  protected matches(value: T): boolean {
    return this.matcher.test(value, this.#index++);
  }

  protected detach(): void {
    this.source?.unsubscribe();
  }

  protected timeoutError(): Error {
    return this.makeError(this.timing.timeout);
  }
}

/**
 * Waits for the first value that matches: `filter(matcher) → take(1) →
 * timeout({ first })`, cut short by `takeUntilAborted(signal)`. Emits that one
 * value and completes; errors with `WaitTimeoutError` (`name ===
 * 'TimeoutError'`) when `timeout` ms pass first, or with `signal.reason` when
 * the signal aborts (at once, without subscribing to the source, if it already
 * has). If the source completes first, it completes without a value; source
 * errors pass through. Settling, timing out, aborting and unsubscribing all
 * release the timer, the abort listener and the source subscription; a
 * synchronous source is stopped right after its match, however many values
 * it has left (even an endless one). An abort is honoured even if another
 * listener stops the signal's `'abort'` event.
 *
 * The stages are fused into one subscriber (see src/first-match-wait.ts): same
 * semantics as the composed operators, a fraction of their memory.
 *
 * ```
 * source:  -a-b-c-      b matches, timeout 5
 * result:  ---(b|)
 * source:  -a-----      nothing matches, timeout 5
 * result:  -----#       (# = WaitTimeoutError)
 * ```
 *
 * @example
 * ```ts
 * const user = await firstValueFrom(
 *   responses$.pipe(waitFor({ url: '/api/users', status: 200 }, { timeout: 5000, signal })),
 * );
 * ```
 */
export function waitFor<T>(matcher?: NoInfer<Matcher<T, number>>, options: WaitForOperatorOptions = {}): MonoTypeOperatorFunction<T> {
  const { timeout = 0, signal, scheduler = asyncScheduler } = options;
  assertTimeout(timeout, 'timeout');
  if (signal !== undefined) assertSignal(signal);
  const compiled = compileMatcher(matcher);
  const makeError = options.timeoutError ?? ((ms: number) => new WaitTimeoutError({ matcher: compiled.description, timeout: ms }));
  const timing: WaitTiming = { timeout, signal, scheduler };
  return (source) =>
    new Observable<T>((subscriber) => {
      const wait = new SourceWait<T>(subscriber, timing, compiled, makeError);
      if (!wait.start()) return undefined;
      // Chained to `subscriber`: settling the wait ends it, which stops even a
      // synchronous source in the middle of its emission, as take(1) would.
      wait.source = subscribeSource(source, subscriber, {
        next: (value) => wait.offer(value),
        error: (error: unknown) => wait.fail(error),
        complete: () => wait.finish(),
      });
      return () => wait.dispose();
    });
}
