import { take, type Observable } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { matching } from '../../operators/matching.js';
import { endlessSource } from '../support/endless-source.js';
import { useTestScheduler } from '../support/test-scheduler.js';

interface Response {
  readonly url: string;
  readonly status: number;
  readonly headers?: { readonly type: string };
}

describe('matching', () => {
  const testScheduler = useTestScheduler();

  const values: Record<string, Response> = {
    a: { url: '/api/users/7', status: 500 },
    b: { url: '/api/users/7', status: 200, headers: { type: 'json' } },
    c: { url: '/api/orders', status: 200, headers: { type: 'html' } },
  };

  it('lets through the values a deep-partial object matcher accepts', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-|', values);
      expectObservable(source.pipe(matching<Response>({ status: 200 }))).toBe('---b-c-|', values);
      expectObservable(source.pipe(matching<Response>({ url: /users/, status: 200 }))).toBe('---b---|', values);
      expectObservable(source.pipe(matching<Response>({ headers: { type: 'html' } }))).toBe('-----c-|', values);
      expectSubscriptions(source.subscriptions).toBe(['^------!', '^------!', '^------!']);
    });
  });

  it('accepts predicates as leaves and as the whole matcher, with the value index', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-|', values);
      expectObservable(source.pipe(matching<Response>({ status: (s) => s >= 500 }))).toBe('-a-----|', values);
      expectObservable(source.pipe(matching<Response>((_, index) => index !== 1))).toBe('-a---c-|', values);
    });
  });

  it('matches string values by equality or RegExp, and resets a global RegExp between values', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-|', { a: 'order.created', b: 'order.paid', c: 'user.login' });
      expectObservable(source.pipe(matching('order.paid'))).toBe('---b---|', { b: 'order.paid' });
      expectObservable(source.pipe(matching<string>(/^order\./g))).toBe('-a-b---|', { a: 'order.created', b: 'order.paid' });
    });
  });

  it('errors the stream and unsubscribes the source when a predicate throws', () => {
    const boom = new Error('bad predicate');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', values);
      const result = source.pipe(
        matching<Response>((v) => {
          if (v.status === 200) throw boom;
          return true;
        }),
      );
      expectObservable(result).toBe('-a-#', values, boom);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('passes errors and completion through and unsubscribes the source when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-a-b-#', values);
      const endless = cold('-b-b-b-b-', values);
      expectObservable(failing.pipe(matching<Response>({ status: 200 }))).toBe('---b-#', values);
      expectObservable(endless.pipe(matching<Response>({ status: 200 })), '^--!').toBe('-b-', values);
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });

  it('takes the value type from the source and checks the matcher against it', () => {
    const source$ = testScheduler().createColdObservable<Response>('-');
    expectTypeOf(source$.pipe(matching({ status: 200 }))).toEqualTypeOf<Observable<Response>>();
    expectTypeOf(source$.pipe(matching({ url: /users/, headers: { type: 'json' } }))).toEqualTypeOf<Observable<Response>>();
    expectTypeOf(source$.pipe(matching((r, i) => r.status > i))).toEqualTypeOf<Observable<Response>>();
    // @ts-expect-error no such field
    source$.pipe(matching({ code: 200 }));
    // @ts-expect-error wrong field type
    source$.pipe(matching({ status: '200' }));
  });

  it('throws at the call for a matcher with a cycle', () => {
    const cyclic: Record<string, unknown> = { status: 200 };
    cyclic.self = cyclic;
    expect(() => matching(cyclic)).toThrow(/cycle/);
  });

  it('stops an endless synchronous source when the consumer has taken enough', () => {
    const { source, pulled } = endlessSource();
    const values: number[] = [];
    source
      .pipe(
        matching<number>((v) => v % 3 === 0),
        take(2),
      )
      .subscribe((v) => values.push(v));
    expect(values).toEqual([0, 3]);
    expect(pulled()).toBe(4);
  });
});
