/**
 * Type tests of rxbus/angular (checked by `tsc --noEmit`; the calls sit in
 * `if (never)` blocks at runtime). The default event map is the one
 * test/angular/testbed.ts registers through `Register`, as an app does.
 */
import type { Signal } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { Bus, BusEvent } from 'rxbus';
import {
  busEvents,
  busSignal,
  createBusToken,
  injectBus,
  onBusEvent,
  waitForBus,
  type BusToken,
  type RegisteredEvents,
} from 'rxbus/angular';
import type { Events } from '../angular/testbed.js';

type Metrics = { 'metric.sample': { name: string; value: number }; 'metric.reset': void };
const never = false as boolean;

describe('rxbus/angular types', () => {
  it('uses the registered event map by default', () => {
    expectTypeOf<RegisteredEvents>().toEqualTypeOf<Events>();
    if (never) {
      expectTypeOf(injectBus()).toEqualTypeOf<Bus<Events>>();
      expectTypeOf(busSignal('order.confirmed')).toEqualTypeOf<
        Signal<BusEvent<'order.confirmed', { id: string; total: number }> | undefined>
      >();
      expectTypeOf(busSignal('tick', { initial: null })).toEqualTypeOf<Signal<BusEvent<'tick', number> | null>>();
      expectTypeOf(busEvents('order.*')).toEqualTypeOf<
        Observable<BusEvent<'order.placed', { id: string }> | BusEvent<'order.confirmed', { id: string; total: number }>>
      >();
      expectTypeOf(waitForBus('order.placed', { id: 'a' })).toEqualTypeOf<Promise<BusEvent<'order.placed', { id: string }>>>();
      expectTypeOf(onBusEvent('tick', (n) => expectTypeOf(n).toEqualTypeOf<number>())).toEqualTypeOf<Subscription>();
      // @ts-expect-error a pattern that matches no registered type is a compile error
      busSignal('ordr.*');
      // @ts-expect-error the matcher is checked against the payload
      void waitForBus('order.placed', { id: 7 });
    }
  });

  it('takes the event map from a token', () => {
    const MetricsBus = createBusToken<Metrics>('metrics');
    expectTypeOf(MetricsBus).toEqualTypeOf<BusToken<Metrics>>();
    if (never) {
      expectTypeOf(injectBus(MetricsBus)).toEqualTypeOf<Bus<Metrics>>();
      expectTypeOf(busSignal('metric.sample', { token: MetricsBus })).toEqualTypeOf<
        Signal<BusEvent<'metric.sample', { name: string; value: number }> | undefined>
      >();
      onBusEvent('metric.*', (payload) => expectTypeOf(payload).toEqualTypeOf<{ name: string; value: number } | void>(), {
        token: MetricsBus,
      });
      // @ts-expect-error 'tick' is not a type of the metrics bus
      busEvents('tick', { token: MetricsBus });
    }
  });
});
