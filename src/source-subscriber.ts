/**
 * How an operator subscribes to its source (and a merge to its inner
 * observables) so that it can stop that source in the middle of a
 * synchronous emission.
 *
 * `source.subscribe(observer)` hands back its Subscription only when the
 * source's subscribe function returns, which for a synchronous source
 * (`range`, `from(array)`, a `while (!subscriber.closed)` loop) is after it
 * has emitted everything: an operator that is done after the third value
 * cannot stop it, and an endless one never returns. RxJS's own operators
 * avoid this by giving the source a subscriber that is chained to the
 * consumer, so `subscriber.closed` turns true the moment the consumer ends;
 * `subscribeSource` does the same with public API: the object handed to the
 * source is a `Subscription` and an `Observer` at once, which RxJS uses as
 * the subscriber itself rather than wrapping it.
 */
import { Subscription, type Observable, type Observer } from 'rxjs';

/** The subscriber a source sees: stops forwarding once it has ended or been unsubscribed. */
class SourceSubscriber<T> extends Subscription implements Observer<T> {
  #stopped = false;

  constructor(private readonly observer: Observer<T>) {
    super();
  }

  next(value: T): void {
    if (this.#stopped || this.closed) return;
    try {
      this.observer.next(value);
    } catch (err) {
      // As in RxJS's operators: a throwing callback errors the stream rather
      // than throwing into the source (which may be a Subject's caller).
      this.error(err);
    }
  }

  error(err: unknown): void {
    if (this.#stopped || this.closed) return;
    this.#stopped = true;
    try {
      this.observer.error(err);
    } finally {
      this.unsubscribe();
    }
  }

  complete(): void {
    if (this.#stopped || this.closed) return;
    this.#stopped = true;
    try {
      this.observer.complete();
    } finally {
      this.unsubscribe();
    }
  }
}

/**
 * Subscribes `observer` to `source` through a subscriber chained to
 * `consumer` (the operator's output subscriber): when `consumer` ends or the
 * returned Subscription is unsubscribed, the source sees `subscriber.closed`
 * at once, even from inside its own synchronous emission, and is torn down.
 * The observer is not called after that, nor after an error or completion.
 *
 * @example
 * ```ts
 * const firstEven = (source: Observable<number>) =>
 *   new Observable<number>((subscriber) => {
 *     subscribeSource(source, subscriber, {
 *       next: (n) => n % 2 === 0 && (subscriber.next(n), subscriber.complete()), // stops range(1, Infinity) too
 *       error: (e) => subscriber.error(e),
 *       complete: () => subscriber.complete(),
 *     });
 *   });
 * ```
 */
export function subscribeSource<T>(source: Observable<T>, consumer: Subscription, observer: Observer<T>): Subscription {
  const subscriber = new SourceSubscriber(observer);
  consumer.add(subscriber);
  source.subscribe(subscriber);
  return subscriber;
}
