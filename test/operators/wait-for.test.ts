import { filter, range, Subject, take, tap, type Observable } from 'rxjs';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { waitFor } from '../../operators/wait-for.js';
import { WaitTimeoutError } from '../../src/errors.js';
import { abortListenerCount } from '../support/abort-listener-count.js';
import { CountingScheduler, TIMER_LIMIT } from '../support/counting-scheduler.js';
import { endlessSource } from '../support/endless-source.js';
import { createTestScheduler, useTestScheduler } from '../support/test-scheduler.js';

interface Response {
  readonly url: string;
  readonly status: number;
}

describe('waitFor (operator)', () => {
  const testScheduler = useTestScheduler();

  const values: Record<string, Response> = {
    a: { url: '/api/users', status: 500 },
    b: { url: '/api/users', status: 200 },
    c: { url: '/api/orders', status: 200 },
  };

  it('emits the first matching value, completes and unsubscribes from the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-c-b-b-|', values);
      expectObservable(source.pipe(waitFor({ url: '/api/users', status: 200 }))).toBe('-----(b|)', values);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it("errors with WaitTimeoutError (name 'TimeoutError') when nothing matches in time", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-a-a-a-a-b-|', values);
      const result = source.pipe(waitFor({ status: 200 }, { timeout: 7, scheduler: testScheduler() }));
      expectObservable(result).toBe('-------#', undefined, expect.any(WaitTimeoutError));
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('says in the timeout error what it waited for and how long', () => {
    const errors: unknown[] = [];
    testScheduler().run(({ cold }) => {
      cold('-a-', values)
        .pipe(waitFor({ status: 201 }, { timeout: 50, scheduler: testScheduler() }))
        .subscribe({ error: (e: unknown) => errors.push(e) });
    });
    expect(errors).toHaveLength(1);
    const err = errors[0] as WaitTimeoutError;
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.name).toBe('TimeoutError');
    expect(err.timeout).toBe(50);
    expect(err.message).toContain('50 ms');
    expect(err.message).toContain('status: 201');
  });

  it('uses the default asyncScheduler, which runs on virtual time inside TestScheduler.run', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('----b-|', values);
      expectObservable(source.pipe(waitFor({ status: 200 }, { timeout: 3 }))).toBe('---#', undefined, expect.any(WaitTimeoutError));
      expectObservable(source.pipe(waitFor({ status: 200 }, { timeout: 5 }))).toBe('----(b|)', values);
    });
  });

  it('completes without a value when the source completes first', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-|', values);
      expectObservable(source.pipe(waitFor({ status: 200 }, { timeout: 10, scheduler: testScheduler() }))).toBe('---|');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('errors with signal.reason when the signal aborts while waiting', () => {
    const ctrl = new AbortController();
    const reason = new Error('page closed');
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-a-a-b-|', values);
      testScheduler().schedule(() => ctrl.abort(reason), 4);
      const result = source.pipe(waitFor({ status: 200 }, { timeout: 100, signal: ctrl.signal, scheduler: testScheduler() }));
      expectObservable(result).toBe('----#', undefined, reason);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('errors with signal.reason at once, without subscribing to the source, when aborted before subscribing', () => {
    const ctrl = new AbortController();
    ctrl.abort(new DOMException('stop', 'AbortError'));
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('b|', values);
      const result = source.pipe(waitFor({ status: 200 }, { timeout: 10, signal: ctrl.signal, scheduler: testScheduler() }));
      expectObservable(result).toBe('#', undefined, ctrl.signal.reason);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('holds no timer, abort listener or source subscription after it settles or is unsubscribed', () => {
    const scheduler = createTestScheduler();
    const ctrl = new AbortController();
    const source = new Subject<Response>();
    const options = { timeout: 1000, signal: ctrl.signal, scheduler };

    const results: Response[] = [];
    source.pipe(waitFor({ status: 200 }, options)).subscribe((v) => results.push(v));
    const unsubscribed = source.pipe(waitFor({ status: 404 }, options)).subscribe();
    // Waiters on one scheduler share one deadline timer, and one signal shares one listener.
    expect(scheduler.actions).toHaveLength(1);
    expect(abortListenerCount(ctrl.signal)).toBe(1);
    expect(source.observed).toBe(true);

    source.next(values.b!); // settles the first waiter
    expect(scheduler.actions).toHaveLength(1); // the second still needs the timer
    unsubscribed.unsubscribe(); // abandons the second
    expect(results).toEqual([values.b]);
    expect(scheduler.actions).toHaveLength(0);
    expect(abortListenerCount(ctrl.signal)).toBe(0);
    expect(source.observed).toBe(false);
  });

  it('times each waiter out at its own deadline, however they were subscribed', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source = hot('-a-a-a-a-a-a-a-a-a-a-', values);
      const err = expect.any(WaitTimeoutError);
      expectObservable(source.pipe(waitFor({ status: 200 }, { timeout: 12, scheduler: testScheduler() }))).toBe(
        '------------#',
        undefined,
        err,
      );
      expectObservable(source.pipe(waitFor({ status: 200 }, { timeout: 4, scheduler: testScheduler() })), '--^').toBe(
        '------#',
        undefined,
        err,
      );
      expectObservable(source.pipe(waitFor({ status: 200 }, { timeout: 4, scheduler: testScheduler() }))).toBe('----#', undefined, err);
    });
  });

  it('schedules no timer when timeout is 0 (wait forever)', () => {
    const scheduler = createTestScheduler();
    const source = new Subject<Response>();
    const results: Response[] = [];
    const sub = source.pipe(waitFor({ status: 200 }, { timeout: 0, scheduler })).subscribe((v) => results.push(v));
    expect(scheduler.actions).toHaveLength(0);
    scheduler.frame = 1e9;
    source.next(values.b!);
    expect(results).toEqual([values.b]);
    expect(sub.closed).toBe(true);
  });

  it('times out a 2^31 + 5 ms wait at that time and not before, with no timer above 2^31−1 ms', () => {
    const scheduler = new CountingScheduler();
    const source = new Subject<Response>();
    const errors: unknown[] = [];
    source.pipe(waitFor({ status: 200 }, { timeout: 2 ** 31 + 5, scheduler })).subscribe({ error: (e: unknown) => errors.push(e) });
    scheduler.advance(2 ** 31 + 4);
    expect(errors).toEqual([]);
    scheduler.advance(1);
    expect(errors).toEqual([expect.any(WaitTimeoutError)]);
    expect(scheduler.delays).toEqual([TIMER_LIMIT, 6]);
    expect(source.observed).toBe(false);
  });

  it('schedules no timer when timeout is Infinity (wait forever)', () => {
    const scheduler = new CountingScheduler();
    const source = new Subject<Response>();
    const results: Response[] = [];
    source.pipe(waitFor({ status: 200 }, { timeout: Infinity, scheduler })).subscribe((v) => results.push(v));
    scheduler.advance(1e15);
    source.next(values.b!);
    expect(results).toEqual([values.b]);
    expect(scheduler.delays).toEqual([]);
  });

  it('passes (value, index) to a predicate matcher and matches anything without a matcher', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-|', values);
      expectObservable(source.pipe(waitFor<Response>((_, index) => index === 2))).toBe('-----(c|)', values);
      expectObservable(source.pipe(waitFor())).toBe('-(a|)', values);
      expectObservable(source.pipe(waitFor({ url: /orders/ }))).toBe('-----(c|)', values);
    });
  });

  it('errors with the error of a matcher that throws', () => {
    const boom = new Error('bad matcher');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', values);
      const result = source.pipe(
        waitFor<Response>(() => {
          throw boom;
        }),
      );
      expectObservable(result).toBe('-#', undefined, boom);
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('builds the timeout error with timeoutError when given', () => {
    class Late extends Error {}
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-----b|', values);
      const result = source.pipe(
        waitFor({ status: 200 }, { timeout: 2, scheduler: testScheduler(), timeoutError: (ms) => new Late(`${ms}`) }),
      );
      expectObservable(result).toBe('--#', undefined, new Late('2'));
    });
  });

  it('takes the value type from the source and checks the matcher against it', () => {
    const source$ = testScheduler().createColdObservable<Response>('-');
    expectTypeOf(source$.pipe(waitFor({ status: 200 }))).toEqualTypeOf<Observable<Response>>();
    expectTypeOf(source$.pipe(waitFor({ url: /users/ }, { timeout: 5 }))).toEqualTypeOf<Observable<Response>>();
    // @ts-expect-error no such field
    source$.pipe(waitFor({ code: 200 }));
  });

  it('stops a synchronous source right after its match, as filter → take(1) does', () => {
    const pulledByWaitFor: number[] = [];
    const pulledByFilter: number[] = [];
    testScheduler().run(({ expectObservable }) => {
      const source = (pulled: number[]) => range(0, 10).pipe(tap((v) => pulled.push(v)));
      expectObservable(source(pulledByWaitFor).pipe(waitFor<number>((v) => v === 2))).toBe('(c|)', { c: 2 });
      expectObservable(
        source(pulledByFilter).pipe(
          filter((v) => v === 2),
          take(1),
        ),
      ).toBe('(c|)', { c: 2 });
    });
    expect(pulledByWaitFor).toEqual([0, 1, 2]);
    expect(pulledByWaitFor).toEqual(pulledByFilter);
  });

  it('stops an endless synchronous source after its match', () => {
    const { source, pulled } = endlessSource();
    const results: number[] = [];
    source.pipe(waitFor<number>((v) => v === 3)).subscribe((v) => results.push(v));
    expect(results).toEqual([3]);
    expect(pulled()).toBe(4);
  });

  it('stops an endless synchronous source when its matcher throws', () => {
    const { source, pulled } = endlessSource();
    const errors: unknown[] = [];
    source
      .pipe(
        waitFor<number>((v) => {
          if (v === 1) throw new Error('bad');
          return false;
        }),
      )
      .subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors).toHaveLength(1);
    expect(pulled()).toBe(2);
  });

  it('errors with signal.reason although an earlier abort listener stopped the event', () => {
    const ctrl = new AbortController();
    ctrl.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    const source = new Subject<Response>();
    const errors: unknown[] = [];
    source.pipe(waitFor({ status: 200 }, { signal: ctrl.signal })).subscribe({ error: (e: unknown) => errors.push(e) });
    ctrl.abort('stop');
    expect(errors).toEqual(['stop']);
    expect(source.observed).toBe(false);
    expect(abortListenerCount(ctrl.signal)).toBe(1); // the stopper's own
  });

  it('throws a RangeError for a negative or NaN timeout', () => {
    expect(() => waitFor(undefined, { timeout: -1 })).toThrow(RangeError);
    expect(() => waitFor(undefined, { timeout: Number.NaN })).toThrow(RangeError);
  });
});

describe('waitFor (operator) where no abort listener is propagation-proof', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  /** The operator as it behaves in a browser: an earlier listener can stop the 'abort' event before it arrives. */
  async function fallbackWaitFor(): Promise<typeof waitFor> {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    vi.resetModules();
    return (await import('../../operators/wait-for.js')).waitFor;
  }

  function stoppedController(): AbortController {
    const ctrl = new AbortController();
    ctrl.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    return ctrl;
  }

  it('errors with signal.reason, not the value, when a match arrives after an unheard abort', async () => {
    const waitForFallback = await fallbackWaitFor();
    const ctrl = stoppedController();
    const source = new Subject<number>();
    const seen: unknown[] = [];
    source.pipe(waitForFallback<number>(() => true, { signal: ctrl.signal })).subscribe({
      next: (v) => seen.push(['next', v]),
      error: (e: unknown) => seen.push(['error', e]),
    });
    ctrl.abort('stop');
    expect(seen).toEqual([]);
    source.next(1);
    expect(seen).toEqual([['error', 'stop']]);
    expect(source.observed).toBe(false);
    expect(abortListenerCount(ctrl.signal)).toBe(1); // the stopper's own
  });

  it('errors with signal.reason, not a timeout, when the deadline passes after an unheard abort', async () => {
    const waitForFallback = await fallbackWaitFor();
    const ctrl = stoppedController();
    const scheduler = new CountingScheduler();
    const errors: unknown[] = [];
    new Subject<number>().pipe(waitForFallback<number>(() => true, { signal: ctrl.signal, timeout: 10, scheduler })).subscribe({
      error: (e: unknown) => errors.push(e),
    });
    ctrl.abort('stop');
    scheduler.advance(10);
    expect(errors).toEqual(['stop']);
    expect(scheduler.pending).toBe(0);
  });
});
