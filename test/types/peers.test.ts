/**
 * Type tests for what users of the peers reach for (issue 17): pattern
 * arrays, `void` payloads, `iterate`, `settled` options, per-job `timeout`,
 * `track(promise)`, disposable subscriptions. `tsc --noEmit` checks this
 * file: every `@ts-expect-error` must be a real error.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createBus, type BusEvent, type BusSubscription, type Delivery, type EventIterator, type Request, type RequestEvent } from 'rxbus';
import type { OrderCancelled, OrderCreated } from '../support/events.js';

type AppEvents = {
  'order.created': { id: string; total: number };
  'order.cancelled': { id: string; reason: string };
  'page.response': { url: string; status: number };
  'app.ready': void;
  'app.idle': undefined;
  'app.mode': 'dark' | 'light' | undefined;
  tick: number;
};

/** A condition TypeScript cannot see through, so guarded code is typed but never runs. */
const never = false as boolean;

type Tick = BusEvent<'tick', number>;

describe('pattern arrays', () => {
  const bus = createBus<AppEvents>();

  it('type on() payloads and events as the union of the patterns', () => {
    bus.on(['order.created', 'order.cancelled'], (payload, event) => {
      expectTypeOf(payload).toEqualTypeOf<{ id: string; total: number } | { id: string; reason: string }>();
      expectTypeOf(event).toEqualTypeOf<OrderCreated | OrderCancelled>();
      if (event.type === 'order.cancelled') expectTypeOf(event.payload.reason).toEqualTypeOf<string>();
    });
    bus.on(['order.*', 'tick'], (_payload, event) => {
      expectTypeOf(event).toEqualTypeOf<OrderCreated | OrderCancelled | Tick>();
    });
  });

  it('type events$, waitFor, waitFor$ and iterate the same way', () => {
    expectTypeOf(bus.events$(['order.created', 'tick'])).toEqualTypeOf<import('rxjs').Observable<OrderCreated | Tick>>();
    expectTypeOf(bus.waitFor(['order.*', 'tick'])).toEqualTypeOf<Promise<OrderCreated | OrderCancelled | Tick>>();
    expectTypeOf(bus.waitFor$(['order.created', 'tick'])).toEqualTypeOf<import('rxjs').Observable<OrderCreated | Tick>>();
    expectTypeOf(bus.iterate(['order.created', 'tick'])).toEqualTypeOf<EventIterator<OrderCreated | Tick>>();
    expectTypeOf(bus.iterate()).toEqualTypeOf<EventIterator<import('rxbus').EventOf<import('rxbus').PublicEvents<AppEvents>>>>();
    // A matcher of an array sees the union of payloads.
    void bus.waitFor(['order.created', 'order.cancelled'], (payload) => payload.id === '1');
  });

  it('refuse a typo in any pattern of the array', () => {
    if (never) {
      // @ts-expect-error 'ordr.*' matches no event type
      bus.on(['order.created', 'ordr.*'], () => undefined);
      // @ts-expect-error 'tik' is not a type
      bus.events$(['tick', 'tik']);
      // @ts-expect-error 'page.respons' is not a type
      void bus.waitFor(['page.respons']);
      // @ts-expect-error a misspelled pattern in iterate
      bus.iterate(['order.creatd']);
      // @ts-expect-error an array holds patterns, not numbers
      bus.on([1], () => undefined);
    }
  });
});

describe('void payloads', () => {
  const bus = createBus<AppEvents>();

  it('publish, emit and deliver without a payload when the map says void or undefined', () => {
    if (never) {
      bus.publish('app.ready');
      bus.publish('app.idle');
      bus.publish('app.mode');
      void bus.emit('app.ready');
      void bus.emit('app.ready', undefined, { timeout: 100 });
      void bus.emit('app.idle');
      expectTypeOf(bus.deliver('app.ready')).toEqualTypeOf<Promise<Delivery<BusEvent<'app.ready', void>>>>();
    }
  });

  it('still require a payload the map requires', () => {
    if (never) {
      // @ts-expect-error the payload of 'order.created' is required
      bus.publish('order.created');
      // @ts-expect-error the payload of 'tick' is required
      void bus.emit('tick');
      // @ts-expect-error the payload of 'order.created' is required
      void bus.deliver('order.created');
      // @ts-expect-error options are not a payload
      void bus.emit('tick', { timeout: 5 });
      // @ts-expect-error a wrong payload type
      bus.publish('tick', 'one');
      void bus.emit('tick', 1, { timeout: 5 });
    }
  });
});

describe('the other peer features', () => {
  const bus = createBus<AppEvents>();

  it('types on() with a timeout, disposable subscriptions, settled options, pause/resume/clear', async () => {
    const sub = bus.on('tick', (_n, _e, { signal }) => expectTypeOf(signal).toEqualTypeOf<AbortSignal>(), { timeout: 5000 });
    expectTypeOf(sub).toEqualTypeOf<BusSubscription>();
    expectTypeOf(sub[Symbol.dispose]).toEqualTypeOf<() => void>();
    if (never) {
      // @ts-expect-error timeout is a number of ms
      bus.on('tick', () => undefined, { timeout: '5s' });
      await bus.settled({ timeout: 1000, signal: AbortSignal.timeout(10) });
      // @ts-expect-error settled takes options, not a number
      await bus.settled(1000);
      bus.pause();
      bus.resume();
      expectTypeOf(bus.clear(['order.*', 'tick'])).toEqualTypeOf<number>();
      expectTypeOf(bus.stats().paused).toEqualTypeOf<boolean>();
      expectTypeOf(bus.stats().overdue).toEqualTypeOf<number>();
    }
  });

  it('types iterate() options and results', async () => {
    if (never) {
      for await (const event of bus.iterate('order.*', { capacity: 10, overflow: 'drop-oldest' })) {
        expectTypeOf(event).toEqualTypeOf<OrderCreated | OrderCancelled>();
      }
      // @ts-expect-error 'wait' is not an iterate overflow policy
      bus.iterate('tick', { overflow: 'wait' });
      const events = bus.iterate('tick');
      expectTypeOf(events.dropped).toEqualTypeOf<number>();
      expectTypeOf(await events.next()).toEqualTypeOf<IteratorResult<Tick, undefined>>();
    }
  });

  it('returns a Promise from track(promise), with catch and finally', () => {
    const tracked = bus.track(Promise.resolve(1));
    expectTypeOf(tracked).toEqualTypeOf<Promise<number>>();
    void tracked.catch(() => 0).finally(() => undefined);
  });

  it('names the request marker RequestEvent, and keeps Request as a deprecated alias of it', () => {
    type Requests = { 'user.get': RequestEvent<{ id: string }, { name: string }>; old: Request<number, string> };
    const requests = createBus<Requests>();
    expectTypeOf(requests.request<'user.get'>).returns.toEqualTypeOf<Promise<{ name: string }>>();
    expectTypeOf(requests.request<'old'>).returns.toEqualTypeOf<Promise<string>>();
    if (never) void requests.request('old', 1);
    // Fetch's Request is untouched in a module that imports RequestEvent.
    expectTypeOf<globalThis.Request>().toHaveProperty('url');
  });
});
