import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, type BusEvent } from 'rxbus';
import { createTestBus, expectNoLeaks } from 'rxbus/testing';
import { compilePatterns, firstPartMatching, partsOf } from '../src/pattern-list.js';

type Events = {
  'order.created': { id: string };
  'order.cancelled': { id: string; reason: string };
  'order.created.v2': { id: string };
  'page.response': { url: string; status: number };
  tick: number;
};

describe('compilePatterns', () => {
  it('compiles one pattern as itself and an array as a union without duplicates', () => {
    const one = compilePatterns('order.*');
    expect(partsOf(one)).toEqual([one]);
    expect(compilePatterns(['order.*'])).toBe(one);
    const union = compilePatterns(['order.*', 'page.**', 'order.*']);
    expect(union.source).toBe('order.*, page.**');
    expect(partsOf(union).map((p) => p.source)).toEqual(['order.*', 'page.**']);
    expect([union.test('order.created'), union.test('page.response'), union.test('tick')]).toEqual([true, true, false]);
    expect(firstPartMatching(partsOf(union), 'page.response')).toBe(1);
  });

  it('refuses empty arrays and non-string items, naming the index', () => {
    expect(() => compilePatterns([])).toThrow(/at least one pattern/);
    expect(() => compilePatterns(['a', 42])).toThrow(/got number 42 at index 1/);
    expect(() => compilePatterns(['a', ''])).toThrow(TypeError);
  });
});

describe('arrays of patterns on the bus', () => {
  it('on(): one job per event, even when the event matches several of the patterns', async () => {
    const bus = createTestBus<Events>();
    const seen: string[] = [];
    const sub = bus.on(['order.*', 'order.created', 'order.**'], (payload, event) => void seen.push(`${event.type} ${payload.id}`));
    expect(bus.stats().subscriptions).toBe(1);
    bus.publish('order.created', { id: '1' });
    bus.publish('order.created.v2', { id: '2' });
    bus.publish('tick', 0);
    await bus.flush();
    expect(seen).toEqual(['order.created 1', 'order.created.v2 2']);
    expect(bus.stats().delivered).toBe(2);
    sub.unsubscribe();
    expect(bus.stats().subscriptions).toBe(0);
    bus.publish('order.created', { id: '3' });
    await bus.flush();
    expect(seen).toHaveLength(2);
  });

  it('events$(): each matching event once, in publish order, and nothing left after unsubscribe', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, () => {
      const seen: number[] = [];
      const sub = bus.events$(['order.created', 'order.*', 'tick']).subscribe((e) => seen.push(e.id));
      expect(bus.stats().subscriptions).toBe(1);
      bus.publish('order.created', { id: '1' });
      bus.publish('page.response', { url: '/', status: 200 });
      bus.publish('tick', 1);
      bus.publish('order.cancelled', { id: '2', reason: 'r' });
      expect(seen).toEqual([1, 3, 4]);
      sub.unsubscribe();
    });
  });

  it('events$(): completes once when the bus closes', async () => {
    const bus = createTestBus<Events>();
    let completed = 0;
    bus.events$(['order.*', 'tick']).subscribe({ complete: () => completed++ });
    await bus.close();
    expect(completed).toBe(1);
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('waitFor(): resolves with the first event of any pattern, offered once to its matcher', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, async () => {
      const offered: number[] = [];
      const waiting = bus.waitFor(['order.created', 'order.*'], (_p, event) => {
        offered.push(event.id);
        return event.type === 'order.cancelled';
      });
      expect(bus.stats().waiters).toBe(1);
      bus.publish('order.created', { id: '1' });
      bus.publish('tick', 0);
      bus.publish('order.cancelled', { id: '2', reason: 'r' });
      const event: BusEvent = await waiting;
      expect(event.id).toBe(3);
      expect(offered).toEqual([1, 3]);
      expect(bus.stats().waiters).toBe(0);
    });
  });

  it('waitFor(): pinned matchers stay indexed, and since replays the history of every pattern', async () => {
    const bus = createTestBus<Events>();
    const mark = bus.cursor();
    bus.publish('tick', 1);
    bus.publish('page.response', { url: '/a', status: 200 });
    const event = await bus.waitFor(['tick', 'page.*'], { url: '/a' } as never, { since: mark });
    expect(event.id).toBe(2);
  });

  it('waitFor(): the timeout message names every pattern', async () => {
    const bus = createTestBus<Events>();
    const waiting = bus.waitFor(['order.created', 'tick'], () => false, { timeout: 100 });
    bus.publish('tick', 5);
    const outcome = waiting.catch((err: unknown) => err);
    await bus.advanceAsync(100);
    const error = (await outcome) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.pattern).toBe('order.created, tick');
    expect(error.nearMisses.map((m) => m.type)).toEqual(['tick']);
    expect(bus.stats().waiters).toBe(0);
  });

  it('waitFor$(): cold, emits once, and unsubscribing removes every entry', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, () => {
      const wait$ = bus.waitFor$(['order.*', 'tick']);
      expect(bus.stats().waiters).toBe(0);
      const seen: string[] = [];
      const sub = wait$.subscribe((e) => seen.push(e.type));
      expect(bus.stats().waiters).toBe(1);
      sub.unsubscribe();
      expect(bus.stats().waiters).toBe(0);
      wait$.subscribe((e) => seen.push(e.type));
      bus.publish('tick', 1);
      bus.publish('order.created', { id: '1' });
      expect(seen).toEqual(['tick']);
    });
  });

  it('waitFor(): close rejects it once with BusClosedError', async () => {
    const bus = createTestBus<Events>();
    const waiting = bus.waitFor(['order.*', 'tick']);
    await bus.close();
    await expect(waiting).rejects.toThrow(/closed/);
    expect(bus.stats().waiters).toBe(0);
  });
});
