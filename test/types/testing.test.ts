/**
 * Type tests of rxbus/testing and rxbus/testing/vitest: `tsc --noEmit`
 * checks this file, so every `@ts-expect-error` must really be an error.
 * Calls that would wait are inside `if (never)` blocks.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Bus, Request } from 'rxbus';
import { createTestBus, expectEvent, publishMarbles, record, type Recorder, type TestBus } from 'rxbus/testing';
import 'rxbus/testing/vitest';
import type { OrderCancelled, OrderCreated } from '../support/events.js';

type AppEvents = {
  'page.request': { url: string };
  'page.response': { url: string; status: number };
  'order.created': { id: string; total: number };
  'order.cancelled': { id: string; reason: string };
  'user.get': Request<{ id: string }, { name: string }>;
  'app.ready': void;
};

const never = false as boolean;

describe('rxbus/testing typing', () => {
  it('gives a test bus the bus typing of its event map', () => {
    const bus = createTestBus<AppEvents>();
    expectTypeOf(bus).toEqualTypeOf<TestBus<AppEvents>>();
    expectTypeOf(bus).toExtend<Bus<AppEvents>>();
    expectTypeOf(bus.now).toEqualTypeOf<number>();
    expectTypeOf(bus.published.types).toEqualTypeOf<
      ReadonlyArray<'page.request' | 'page.response' | 'order.created' | 'order.cancelled' | 'user.get' | '$reply.user.get' | 'app.ready'>
    >();
    if (never) {
      // @ts-expect-error: wrong payload
      bus.publish('page.request', { url: 1 });
    }
  });

  it('types a recorder by its pattern', () => {
    const bus = createTestBus<AppEvents>();
    const orders = record(bus, 'order.*');
    expectTypeOf(orders).toEqualTypeOf<Recorder<OrderCreated | OrderCancelled>>();
    expectTypeOf(orders.payloads).toEqualTypeOf<ReadonlyArray<{ id: string; total: number } | { id: string; reason: string }>>();
    if (never) {
      // @ts-expect-error: no event type matches
      record(bus, 'ordr.*');
    }
  });

  it('types expectEvent matchers and results by the pattern', async () => {
    const bus = createTestBus<AppEvents>();
    if (never) {
      const event = await expectEvent(bus, 'page.response', { status: 200 }).within(100);
      expectTypeOf(event.payload).toEqualTypeOf<{ url: string; status: number }>();
      await expectEvent(bus, 'order.*', (p) => p.id === '7').not.toBePublished({ for: 10 });
      // @ts-expect-error: no such field
      await expectEvent(bus, 'page.response', { code: 200 }).within(100);
      // @ts-expect-error: no event type matches
      await expectEvent(bus, 'page.respones').toBePublished();
    }
  });

  it('types marble values by the event map', () => {
    const bus = createTestBus<AppEvents>();
    if (never) {
      publishMarbles(bus, 'ab', { a: ['page.request', { url: '/a' }], b: ['app.ready'] });
      // @ts-expect-error: wrong payload for the type
      publishMarbles(bus, 'a', { a: ['page.request', { status: 200 }] });
      // @ts-expect-error: unknown event type
      publishMarbles(bus, 'a', { a: ['page.unknown', {}] });
    }
  });

  it('types the vitest matchers by what they check', () => {
    const bus = createTestBus<AppEvents>();
    const requests = record(bus, 'page.request');
    if (never) {
      expect(bus).toHavePublished('page.response', { url: /users/, status: (s) => s >= 200 });
      expect(bus).toHavePublishedTimes('order.*', 2);
      expect(requests).toHavePublished('page.request', { url: '/a' });
      expect(bus).toBeSettled();
      expect(bus).toHaveNoWaiters();
      expect(bus).not.toHaveNoPendingWork();
      // @ts-expect-error: no event type matches
      expect(bus).toHavePublished('page.respones');
      // @ts-expect-error: no such field
      expect(bus).toHavePublished('page.response', { code: 200 });
      // @ts-expect-error: the recorder only has page.request events
      expect(requests).toHavePublished('order.created');
      // @ts-expect-error: times is a number
      expect(bus).toHavePublishedTimes('order.*', '2');
    }
  });
});
