/**
 * Type tests: `tsc --noEmit -p tsconfig.json` checks this file, so every
 * `@ts-expect-error` below must really be an error (an unused one fails the
 * build) and every `expectTypeOf` must hold. At runtime the calls that would
 * wait or throw are inside `if (never)` blocks.
 */
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { createBus, type Bus } from '../../src/bus.js';
import type {
  BusEvent,
  EventMatching,
  EventOf,
  EventType,
  KnownPattern,
  PatternMatches,
  PayloadArgs,
  PayloadMatching,
  TypesMatching,
} from '../../src/event-map.js';
import type { Matcher } from '../../src/matcher.js';
import type { OrderCancelled, OrderCreated } from '../support/events.js';

type AppEvents = {
  'page.response': { url: string; status: number; body?: unknown };
  'page.request.sent': { url: string };
  'order.created': { id: string; total: number };
  'order.cancelled': { id: string; reason: string };
  'app.ready': void;
  'app.mode': 'dark' | 'light';
  'flag.set': boolean;
  'log.line': string;
};

interface InterfaceEvents {
  'user.login': { userId: string };
  'user.logout': { userId: string; reason?: string };
  'clock.tick': number;
}

/** A condition TypeScript cannot see through, so guarded code is typed but never runs. */
const never = false as boolean;

type PageResponse = BusEvent<'page.response', { url: string; status: number; body?: unknown }>;
type PageRequestSent = BusEvent<'page.request.sent', { url: string }>;

describe('event map typing', () => {
  it('lists the event types of a map', () => {
    expectTypeOf<EventType<AppEvents>>().toEqualTypeOf<
      'page.response' | 'page.request.sent' | 'order.created' | 'order.cancelled' | 'app.ready' | 'app.mode' | 'flag.set' | 'log.line'
    >();
    expectTypeOf<EventType<InterfaceEvents>>().toEqualTypeOf<'user.login' | 'user.logout' | 'clock.tick'>();
  });

  it('makes the payload optional only when it accepts undefined', () => {
    expectTypeOf<PayloadArgs<void>>().toEqualTypeOf<[payload?: void]>();
    expectTypeOf<PayloadArgs<{ id: string }>>().toEqualTypeOf<[payload: { id: string }]>();
    expectTypeOf<PayloadArgs<number | undefined>>().toEqualTypeOf<[payload?: number | undefined]>();
    expectTypeOf<PayloadArgs<boolean>>().toEqualTypeOf<[payload: boolean]>();
  });

  it('matches patterns at the type level with the runtime rules', () => {
    expectTypeOf<PatternMatches<'order.*', 'order.created'>>().toEqualTypeOf<true>();
    expectTypeOf<PatternMatches<'order.*', 'order'>>().toEqualTypeOf<false>();
    expectTypeOf<PatternMatches<'order.*', 'order.created.v2'>>().toEqualTypeOf<false>();
    expectTypeOf<PatternMatches<'page.**', 'page.request.sent'>>().toEqualTypeOf<true>();
    expectTypeOf<PatternMatches<'page.**', 'page'>>().toEqualTypeOf<false>();
    expectTypeOf<PatternMatches<'**', 'a.b.c'>>().toEqualTypeOf<true>();
    expectTypeOf<PatternMatches<'a.**.z', 'a.b.c.z'>>().toEqualTypeOf<true>();
    expectTypeOf<PatternMatches<'a.**.z', 'a.z'>>().toEqualTypeOf<false>();
    expectTypeOf<PatternMatches<'*.created', 'order.created'>>().toEqualTypeOf<true>();
    expectTypeOf<PatternMatches<'order.*', 'order.'>>().toEqualTypeOf<false>();
    expectTypeOf<PatternMatches<'order*', 'orders'>>().toEqualTypeOf<false>();
    expectTypeOf<PatternMatches<string, 'order.created'>>().toEqualTypeOf<true>();
    expectTypeOf<PatternMatches<'order.*', string>>().toEqualTypeOf<true>();

    expectTypeOf<TypesMatching<AppEvents, 'order.*'>>().toEqualTypeOf<'order.created' | 'order.cancelled'>();
    expectTypeOf<TypesMatching<AppEvents, 'page.**'>>().toEqualTypeOf<'page.response' | 'page.request.sent'>();
    expectTypeOf<TypesMatching<AppEvents, 'page.*'>>().toEqualTypeOf<'page.response'>();
    expectTypeOf<TypesMatching<AppEvents, 'ordr.*'>>().toBeNever();
    expectTypeOf<KnownPattern<AppEvents, 'ordr.*'>>().toBeNever();
    expectTypeOf<KnownPattern<AppEvents, 'order.*'>>().toBeUnknown();
    expectTypeOf<KnownPattern<AppEvents, string>>().toBeUnknown();
    expectTypeOf<PayloadMatching<AppEvents, 'order.*'>>().toEqualTypeOf<{ id: string; total: number } | { id: string; reason: string }>();
    expectTypeOf<EventMatching<AppEvents, 'order.*'>>().toEqualTypeOf<OrderCreated | OrderCancelled>();
  });

  it('checks publish payloads against the event map', () => {
    const bus = createBus<AppEvents>();
    expectTypeOf(bus).toEqualTypeOf<Bus<AppEvents>>();
    bus.publish('order.created', { id: '1', total: 5 });
    bus.publish('page.response', { url: '/a', status: 200 });
    bus.publish('app.mode', 'dark');
    bus.publish('flag.set', true);
    bus.publish('flag.set', Math.random() > 0.5);
    bus.publish('log.line', 'hello');
    // A void payload may be left out (or given as undefined).
    bus.publish('app.ready');
    bus.publish('app.ready', undefined);
    if (never) {
      // @ts-expect-error: wrong field type
      bus.publish('order.created', { id: 1, total: 5 });
      // @ts-expect-error: missing field
      bus.publish('order.created', { id: '1' });
      // @ts-expect-error: unknown field
      bus.publish('order.created', { id: '1', total: 5, extra: true });
      // @ts-expect-error: a required payload cannot be left out
      bus.publish('order.created');
      // @ts-expect-error: unknown event type
      bus.publish('order.shipped', { id: '1' });
      // @ts-expect-error: not one of the literal payloads
      bus.publish('app.mode', 'blue');
      // @ts-expect-error: a void event takes no payload
      bus.publish('app.ready', { now: 1 });
      // @ts-expect-error: a pattern is not an event type
      bus.publish('order.*', { id: '1', total: 5 });
      // @ts-expect-error: event types are strings
      bus.publish(42, {});
    }
    void bus.close();
  });

  it('types deliver() by the event map: payload checked, the delivery carries the event', async () => {
    const bus = createBus<AppEvents>();
    const delivery = await bus.deliver('order.created', { id: '1', total: 5 });
    expectTypeOf(delivery.event).toEqualTypeOf<OrderCreated>();
    expectTypeOf(delivery.handled).toEqualTypeOf<number>();
    if (never) {
      // @ts-expect-error: wrong payload
      void bus.deliver('order.created', { id: 1, total: 5 });
      // @ts-expect-error: unknown event type
      void bus.deliver('order.shipped', { id: '1' });
    }
    await bus.close();
  });

  it('narrows the events$() envelope union on type', () => {
    const bus = createBus<AppEvents>();
    expectTypeOf(bus.events$()).toEqualTypeOf<Observable<EventOf<AppEvents>>>();
    bus.events$().subscribe((event) => {
      expectTypeOf(event.type).toEqualTypeOf<EventType<AppEvents>>();
      expectTypeOf(event.id).toBeNumber();
      expectTypeOf(event.time).toBeNumber();
      if (event.type === 'order.created') {
        expectTypeOf(event.payload).toEqualTypeOf<{ id: string; total: number }>();
      } else if (event.type === 'app.ready') {
        expectTypeOf(event.payload).toBeVoid();
      } else if (event.type === 'log.line') {
        expectTypeOf(event.payload).toBeString();
      }
      switch (event.type) {
        case 'page.response':
          expectTypeOf(event.payload.status).toBeNumber();
          break;
        case 'order.cancelled':
          expectTypeOf(event.payload.reason).toBeString();
          // @ts-expect-error: a cancelled order has no total
          void event.payload.total;
          break;
      }
    });
    void bus.close();
  });

  it('infers the payload union of a wildcard pattern in events$', () => {
    const bus = createBus<AppEvents>();
    const orders$ = bus.events$('order.*');
    expectTypeOf(orders$).toEqualTypeOf<Observable<OrderCreated | OrderCancelled>>();
    orders$.subscribe((event) => {
      expectTypeOf(event.type).toEqualTypeOf<'order.created' | 'order.cancelled'>();
      expectTypeOf(event.payload.id).toBeString();
      if (event.type === 'order.created') expectTypeOf(event.payload.total).toBeNumber();
    });
    expectTypeOf(bus.events$('order.created')).toEqualTypeOf<Observable<OrderCreated>>();
    expectTypeOf(bus.events$('*.created')).toEqualTypeOf<Observable<OrderCreated>>();
    void bus.close();
  });

  it("infers one-or-more segments for '**' patterns", () => {
    const bus = createBus<AppEvents>();
    expectTypeOf(bus.events$('page.**')).toEqualTypeOf<Observable<PageResponse | PageRequestSent>>();
    expectTypeOf(bus.events$('page.*')).toEqualTypeOf<Observable<PageResponse>>();
    expectTypeOf(bus.events$('**.sent')).toEqualTypeOf<Observable<PageRequestSent>>();
    expectTypeOf(bus.events$('**')).toEqualTypeOf<Observable<EventOf<AppEvents>>>();
    void bus.close();
  });

  it('accepts a union of patterns and infers the events any of them matches', () => {
    const bus = createBus<AppEvents>();
    expectTypeOf<TypesMatching<AppEvents, 'order.*' | 'page.*'>>().toEqualTypeOf<'order.created' | 'order.cancelled' | 'page.response'>();
    const pattern = Math.random() > 0.5 ? 'order.created' : 'page.response';
    expectTypeOf<typeof pattern>().toEqualTypeOf<'order.created' | 'page.response'>();
    expectTypeOf(bus.events$(pattern)).toEqualTypeOf<Observable<OrderCreated | PageResponse>>();
    if (never) {
      expectTypeOf(bus.waitFor(pattern)).toEqualTypeOf<Promise<OrderCreated | PageResponse>>();
    }
    void bus.close();
  });

  it('rejects a pattern that matches no event type', () => {
    const bus = createBus<AppEvents>();
    if (never) {
      // @ts-expect-error: typo
      bus.events$('ordr.*');
      // @ts-expect-error: 'order' has no second segment to match
      bus.events$('order');
      // @ts-expect-error: '*' is exactly one segment
      bus.events$('page.*.*.*');
      // @ts-expect-error: unknown exact type
      bus.events$('order.shipped');
      // @ts-expect-error: typo in waitFor
      void bus.waitFor('ordr.*');
      // @ts-expect-error: typo in waitFor$
      bus.waitFor$('pag.**');
    }
    void bus.close();
  });

  it('resolves waitFor to the narrowed envelope', () => {
    const bus = createBus<AppEvents>();
    if (never) {
      expectTypeOf(bus.waitFor('order.created')).toEqualTypeOf<Promise<OrderCreated>>();
      expectTypeOf(bus.waitFor('order.*', { id: '42' })).toEqualTypeOf<Promise<OrderCreated | OrderCancelled>>();
      expectTypeOf(bus.waitFor$('page.**')).toEqualTypeOf<Observable<PageResponse | PageRequestSent>>();
      const waited = async (): Promise<void> => {
        const res = await bus.waitFor('page.response', { url: /\/api\/users/, status: 200 }, { timeout: 5000 });
        expectTypeOf(res.payload.status).toBeNumber();
        expectTypeOf(res.type).toEqualTypeOf<'page.response'>();
      };
      void waited;
    }
    void bus.close();
  });

  it('checks matcher objects against the payload type', () => {
    const bus = createBus<AppEvents>();
    if (never) {
      void bus.waitFor('page.response', { status: 200 });
      void bus.waitFor('page.response', { url: /users/ });
      void bus.waitFor('page.response', { status: (s) => s >= 500 });
      // A predicate on an `unknown` field gets an `unknown` parameter (not an implicit any).
      void bus.waitFor('page.response', { body: (body) => body !== undefined });
      void bus.waitFor('page.response', { body: { nested: 1 } });
      void bus.waitFor('page.response', (payload, event) => payload.status === 200 && event.type === 'page.response');
      void bus.waitFor('log.line', 'hello');
      void bus.waitFor('log.line', /^hel/);
      void bus.waitFor('app.mode', 'dark');
      void bus.waitFor('order.*', { id: '1' });
      // @ts-expect-error: wrong field type
      void bus.waitFor('page.response', { status: '200' });
      // @ts-expect-error: a RegExp only for string fields
      void bus.waitFor('page.response', { status: /200/ });
      // @ts-expect-error: the field predicate receives a number
      void bus.waitFor('page.response', { status: (s: string) => s === '200' });
      // @ts-expect-error: a string matcher only for string payloads
      void bus.waitFor('order.created', 'order');
      // @ts-expect-error: not one of the literal payloads
      void bus.waitFor('app.mode', 'blue');
      // @ts-expect-error: the predicate must return a boolean
      void bus.waitFor('order.created', (payload) => payload.id);
      // @ts-expect-error: payload fields are checked in predicates too
      void bus.waitFor('order.created', (payload) => payload.reason === 'x');
      // @ts-expect-error: wrong field type through a wildcard
      bus.waitFor$('order.*', { id: 42 });
    }
    void bus.close();
  });

  it('lets Matcher type nested partial objects and arrays', () => {
    type Payload = { req: { url: string; headers: { accept: string } }; tags: string[]; at: Date };
    const ok: Matcher<Payload> = { req: { headers: { accept: /json/ } }, tags: ['a', /b/] };
    const pred: Matcher<Payload> = (p) => p.tags.length > 0;
    const anything: Matcher<unknown> = (value) => {
      expectTypeOf(value).toBeUnknown();
      return true;
    };
    void anything;
    expectTypeOf(ok).toMatchTypeOf<Matcher<Payload>>();
    expectTypeOf(pred).toMatchTypeOf<Matcher<Payload>>();
    // @ts-expect-error: nested wrong field type
    const bad: Matcher<Payload> = { req: { headers: { accept: 1 } } };
    void bad;
  });

  it('accepts any type and payload on an untyped createBus()', () => {
    const bus = createBus();
    bus.publish('anything.at.all', { whatever: true });
    bus.publish('no.payload');
    bus.publish('number', 1);
    expectTypeOf(bus.events$()).toEqualTypeOf<Observable<BusEvent<string, unknown>>>();
    expectTypeOf(bus.events$('any.*')).toEqualTypeOf<Observable<BusEvent<string, unknown>>>();
    if (never) {
      expectTypeOf(bus.waitFor('x.y', { a: 1 })).toEqualTypeOf<Promise<BusEvent<string, unknown>>>();
      void bus.waitFor('x', (payload, event) => {
        expectTypeOf(payload).toBeUnknown();
        expectTypeOf(event.type).toBeString();
        return payload !== undefined;
      });
      void bus.waitFor('x', 'exact');
      void bus.waitFor('x', /re/);
      void bus.waitFor('x', 42);
      void bus.waitFor('x', { any: { field: (v) => v === 1 }, list: [(v) => v !== null, 'a'], at: new Date() });
      // @ts-expect-error: event types are still strings
      bus.publish(1, {});
    }
    void bus.close();
  });

  it('accepts interfaces as event maps as well as type aliases', () => {
    const bus = createBus<InterfaceEvents>();
    expectTypeOf(bus).toEqualTypeOf<Bus<InterfaceEvents>>();
    bus.publish('user.login', { userId: 'u1' });
    bus.publish('user.logout', { userId: 'u1' });
    bus.publish('clock.tick', 1);
    expectTypeOf(bus.events$('user.*')).toEqualTypeOf<
      Observable<BusEvent<'user.login', { userId: string }> | BusEvent<'user.logout', { userId: string; reason?: string }>>
    >();
    if (never) {
      expectTypeOf(bus.waitFor('clock.tick', 5)).toEqualTypeOf<Promise<BusEvent<'clock.tick', number>>>();
      // @ts-expect-error: wrong payload
      bus.publish('user.login', { userId: 1 });
      // @ts-expect-error: unknown type
      bus.publish('user.signup', { userId: 'u1' });
      // @ts-expect-error: typo pattern
      bus.events$('usr.*');
      // @ts-expect-error: wrong matcher field type
      void bus.waitFor('user.login', { userId: 1 });
    }
    void bus.close();
  });
});
