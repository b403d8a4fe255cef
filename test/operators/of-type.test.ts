import { map, take, type Observable } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ofType } from '../../operators/of-type.js';
import type { BusEvent, EventOf } from '../../src/event-map.js';
import { endlessSource } from '../support/endless-source.js';
import { useTestScheduler } from '../support/test-scheduler.js';

type AppEvents = {
  'order.created': { id: string; total: number };
  'order.paid': { id: string; amount: number };
  'order.item.added': { sku: string };
  'user.login': { name: string };
};
type AppEvent = EventOf<AppEvents>;

const ev = <K extends keyof AppEvents>(type: K, payload: AppEvents[K], id: number): BusEvent<K, AppEvents[K]> => ({
  type,
  payload,
  id,
  time: 0,
});

const values: Record<string, AppEvent> = {
  c: ev('order.created', { id: 'o1', total: 10 }, 1),
  p: ev('order.paid', { id: 'o1', amount: 10 }, 2),
  i: ev('order.item.added', { sku: 's1' }, 3),
  u: ev('user.login', { name: 'ann' }, 4),
};

describe('ofType', () => {
  const testScheduler = useTestScheduler();

  it('lets through the envelopes of an exact type', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<AppEvent>('-c-p-i-u-|', values);
      expectObservable(source.pipe(ofType('user.login'))).toBe('-------u-|', values);
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it("matches one segment with '*' and one or more with '**'", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<AppEvent>('-c-p-i-u-|', values);
      expectObservable(source.pipe(ofType('order.*'))).toBe('-c-p-----|', values);
      expectObservable(source.pipe(ofType('order.**'))).toBe('-c-p-i---|', values);
      expectObservable(source.pipe(ofType('*.login'))).toBe('-------u-|', values);
    });
  });

  it('lets through the envelopes matching any of several patterns, each once', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<AppEvent>('-c-p-i-u-|', values);
      expectObservable(source.pipe(ofType('order.created', 'user.*', 'order.**'))).toBe('-c-p-i-u-|', values);
    });
  });

  it('passes errors through and unsubscribes the source when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold<AppEvent>('-c-u-#', values);
      const endless = cold<AppEvent>('-u-u-u-', values);
      expectObservable(failing.pipe(ofType('user.login'))).toBe('---u-#', values);
      expectObservable(endless.pipe(ofType('user.login')), '^--!').toBe('-u-', values);
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });

  it('narrows the envelope union to the matching types', () => {
    const source$ = testScheduler().createColdObservable<AppEvent>('-');
    const exact = source$.pipe(ofType('user.login'));
    expectTypeOf(exact).toEqualTypeOf<Observable<BusEvent<'user.login', { name: string }>>>();

    const orders = source$.pipe(ofType('order.*'));
    expectTypeOf(orders).toEqualTypeOf<
      Observable<BusEvent<'order.created', { id: string; total: number }> | BusEvent<'order.paid', { id: string; amount: number }>>
    >();

    const deep = source$.pipe(ofType('order.**'));
    expectTypeOf<typeof deep>().toEqualTypeOf<Observable<EventOf<AppEvents, 'order.created' | 'order.paid' | 'order.item.added'>>>();

    const several = source$.pipe(ofType('user.login', 'order.paid'));
    expectTypeOf(several).toEqualTypeOf<Observable<EventOf<AppEvents, 'user.login' | 'order.paid'>>>();

    // Narrowing on `type` after ofType narrows the payload too.
    orders.subscribe((e) => {
      if (e.type === 'order.paid') expectTypeOf(e.payload).toEqualTypeOf<{ id: string; amount: number }>();
    });

    // A pattern no type matches leaves nothing.
    const none = source$.pipe(ofType('billing.*'));
    expectTypeOf(none).toEqualTypeOf<Observable<never>>();

    // Untyped envelopes stay untyped.
    const loose = testScheduler().createColdObservable<BusEvent>('-').pipe(ofType('x.*'));
    expectTypeOf(loose).toEqualTypeOf<Observable<BusEvent>>();
  });

  it('throws at the call for no pattern or an empty one', () => {
    expect(() => (ofType as (...p: string[]) => unknown)()).toThrow(TypeError);
    expect(() => ofType('')).toThrow(TypeError);
  });

  it('stops an endless synchronous source when the consumer has taken enough', () => {
    const { source, pulled } = endlessSource();
    const types: string[] = [];
    source
      .pipe(
        map((i) => (i % 2 === 0 ? values.c! : values.u!)),
        ofType('order.*'),
        take(2),
      )
      .subscribe((e) => types.push(e.type));
    expect(types).toEqual(['order.created', 'order.created']);
    expect(pulled()).toBe(3);
  });
});
