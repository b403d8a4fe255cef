import { describe, expect, it } from 'vitest';
import { BusClosedError, createBus, type BusEvent } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { captureUnhandledErrors } from './support/unhandled-errors.js';

type Events = {
  'order.created': { id: string; total: number };
  'order.paid': { id: string };
  'page.response': { url: string; status: number };
  'page.response.body': { url: string; size: number };
  'app.ready': void;
};

describe('createBus', () => {
  it('rejects options out of range with errors that name the option', () => {
    expect(() => createBus({ concurrency: 0 })).toThrow(/'concurrency'.*integer ≥ 1.*got number 0/);
    expect(() => createBus({ capacity: -1 })).toThrow(RangeError);
    expect(() => createBus({ history: 1.5 })).toThrow(/'history'/);
    expect(() => createBus({ defaultTimeout: -1 })).toThrow(/'defaultTimeout'/);
    expect(() => createBus({ overflow: 'drop' as never })).toThrow(/'overflow'.*'error', 'drop-newest', 'drop-oldest'.*got "drop"/);
    expect(() => createBus({ scheduler: {} as never })).toThrow(/RxJS scheduler/);
    expect(() => createBus({ onError: 'log' as never })).toThrow(/'onError'/);
  });
});

describe('bus.publish', () => {
  it('delivers an envelope with type, payload, a per-bus increasing id and the scheduler time', () => {
    const scheduler = new VirtualScheduler(1000);
    const bus = createBus<Events>({ scheduler });
    const seen: BusEvent[] = [];
    bus.events$().subscribe((e) => seen.push(e));
    const payload = { id: 'a', total: 5 };
    bus.publish('order.created', payload);
    scheduler.advance(250);
    bus.publish('order.paid', { id: 'a' });
    expect(seen).toEqual([
      { type: 'order.created', payload, id: 1, time: 1000 },
      { type: 'order.paid', payload: { id: 'a' }, id: 2, time: 1250 },
    ]);
    expect(seen[0]!.payload).toBe(payload); // not copied
    const other = createBus<Events>();
    let otherId = 0;
    other.events$().subscribe((e) => (otherId = e.id));
    other.publish('app.ready');
    expect(otherId).toBe(1);
  });

  it('delivers to stream subscribers before publish returns', () => {
    const bus = createBus<Events>();
    const seen: string[] = [];
    bus.events$('order.*').subscribe((e) => seen.push(e.payload.id));
    bus.publish('order.created', { id: 'x', total: 1 });
    expect(seen).toEqual(['x']);
  });

  it('allows leaving out a void payload', () => {
    const bus = createBus<Events>();
    const seen: unknown[] = [];
    bus.events$('app.ready').subscribe((e) => seen.push(e.payload));
    bus.publish('app.ready');
    expect(seen).toEqual([undefined]);
  });

  it('rejects a non-string or empty type with a TypeError and publishes nothing', () => {
    const bus = createBus();
    const seen: unknown[] = [];
    bus.events$().subscribe((e) => seen.push(e));
    expect(() => bus.publish(42 as unknown as string, {})).toThrow(TypeError);
    expect(() => bus.publish(undefined as unknown as string)).toThrow(/event type.*got undefined/);
    expect(() => bus.publish('')).toThrow(/got an empty string/);
    expect(() => bus.publish(Symbol('x') as unknown as string)).toThrow(TypeError);
    expect(seen).toEqual([]);
    expect(bus.stats().published).toBe(0);
  });

  it('treats __proto__, constructor and toString as ordinary event types', async () => {
    const bus = createBus();
    const seen: string[] = [];
    bus.events$('__proto__').subscribe((e) => seen.push(`${e.type}:${String(e.payload)}`));
    bus.events$('constructor').subscribe((e) => seen.push(`${e.type}:${String(e.payload)}`));
    const wait = bus.waitFor('toString', 'b', { timeout: 0 });
    bus.publish('__proto__', 'polluted?');
    bus.publish('constructor', 'a');
    bus.publish('toString', 'b');
    expect(seen).toEqual(['__proto__:polluted?', 'constructor:a']);
    expect((await wait).payload).toBe('b');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted?');
  });

  it('counts published events in stats()', () => {
    const bus = createBus<Events>();
    bus.publish('app.ready');
    bus.publish('app.ready');
    expect(bus.stats().published).toBe(2);
  });

  it('keeps going for other subscribers when one stream subscriber throws', async () => {
    const bus = createBus<Events>();
    const seen: number[] = [];
    // RxJS reports an error thrown by a subscriber's callback asynchronously,
    // through config.onUnhandledError; capture it instead of crashing.
    const unhandled = captureUnhandledErrors();
    try {
      bus.events$('order.created').subscribe(() => {
        throw new Error('subscriber bug');
      });
      bus.events$('order.created').subscribe((e) => seen.push(e.payload.total));
      bus.publish('order.created', { id: 'a', total: 1 });
      bus.publish('order.created', { id: 'b', total: 2 });
      expect(seen).toEqual([1, 2]);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      expect(unhandled.reported.map((e) => (e as Error).message)).toEqual(['subscriber bug', 'subscriber bug']);
    } finally {
      unhandled.restore();
    }
  });
});

describe('bus.events$', () => {
  it('is hot: a late subscriber sees only later events', () => {
    const bus = createBus<Events>();
    bus.publish('order.paid', { id: 'early' });
    const seen: string[] = [];
    bus.events$('order.paid').subscribe((e) => seen.push(e.payload.id));
    bus.publish('order.paid', { id: 'late' });
    expect(seen).toEqual(['late']);
  });

  it('filters by exact type, * and ** patterns', () => {
    const bus = createBus<Events>();
    const log = (pattern: string) => {
      const types: string[] = [];
      bus.events$(pattern as 'page.**').subscribe((e) => types.push(e.type));
      return types;
    };
    const exact = log('page.response');
    const one = log('page.*');
    const many = log('page.**');
    const all = log('**');
    bus.publish('page.response', { url: '/', status: 200 });
    bus.publish('page.response.body', { url: '/', size: 3 });
    bus.publish('order.paid', { id: 'x' });
    expect(exact).toEqual(['page.response']);
    expect(one).toEqual(['page.response']);
    expect(many).toEqual(['page.response', 'page.response.body']);
    expect(all).toEqual(['page.response', 'page.response.body', 'order.paid']);
  });

  it('throws a TypeError for a bad pattern at call time', () => {
    const bus = createBus();
    expect(() => bus.events$('' as string)).toThrow(TypeError);
    expect(() => bus.events$(7 as unknown as string)).toThrow(/pattern/);
  });

  it('counts live subscriptions in stats() and releases them on unsubscribe', () => {
    const bus = createBus<Events>();
    const a = bus.events$().subscribe();
    const b = bus.events$('order.*').subscribe();
    expect(bus.stats().subscriptions).toBe(2);
    a.unsubscribe();
    b.unsubscribe();
    b.unsubscribe();
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('completes every stream when the bus closes, and new subscriptions complete at once', async () => {
    const bus = createBus<Events>();
    const done: string[] = [];
    bus.events$().subscribe({ complete: () => done.push('all') });
    bus.events$('order.*').subscribe({ complete: () => done.push('order') });
    await bus.close();
    expect(done).toEqual(['all', 'order']);
    expect(bus.stats().subscriptions).toBe(0);
    bus.events$().subscribe({ complete: () => done.push('late') });
    expect(done).toContain('late');
  });
});

describe('bus.close', () => {
  it('makes publish throw BusClosedError naming the event type', async () => {
    const bus = createBus<Events>();
    await bus.close();
    expect(bus.closed).toBe(true);
    expect(() => bus.publish('app.ready')).toThrow(BusClosedError);
    expect(() => bus.publish('app.ready')).toThrow(/Cannot publish\('app.ready'\): the bus is closed/);
  });

  it('is safe to call twice', async () => {
    const bus = createBus();
    const first = bus.close();
    expect(bus.close()).toBe(first);
    await first;
  });

  it('runs on `await using`', async () => {
    let captured: { closed: boolean } | undefined;
    {
      await using bus = createBus();
      captured = bus;
      expect(bus.closed).toBe(false);
    }
    expect(captured.closed).toBe(true);
  });
});

describe('bus.cursor and history', () => {
  it('returns the id of the newest event', () => {
    const bus = createBus<Events>();
    expect(bus.cursor()).toBe(0);
    bus.publish('app.ready');
    bus.publish('app.ready');
    expect(bus.cursor()).toBe(2);
  });

  it('keeps no history with history: 0, so since reports a missed event as lost', async () => {
    const bus = createBus<Events>({ history: 0, defaultTimeout: 0 });
    const mark = bus.cursor();
    bus.publish('app.ready');
    await expect(bus.waitFor('app.ready', undefined, { since: mark })).rejects.toMatchObject({ name: 'HistoryGapError', lost: 1 });
    await bus.close();
  });
});

describe('stats$ with a huge statsInterval', () => {
  it('arms no busy timer for Infinity or values above 2^31−1 ms', async () => {
    const { CountingScheduler } = await import('./support/counting-scheduler.js');
    for (const statsInterval of [Infinity, 2 ** 31 + 5]) {
      const scheduler = new CountingScheduler();
      const bus = createBus({ scheduler, statsInterval });
      const seen: number[] = [];
      bus.stats$.subscribe((s) => seen.push(s.published));
      for (let i = 0; i < 5; i++) bus.publish('x');
      scheduler.advance(2 ** 31);
      expect(seen).toEqual([0, 1]);
      expect(scheduler.delays.every((d) => d <= 2 ** 31 - 1)).toBe(true);
      expect(scheduler.delays.length).toBeLessThanOrEqual(2);
      await bus.close();
    }
  });
});
