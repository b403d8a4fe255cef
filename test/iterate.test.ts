import { describe, expect, it } from 'vitest';
import { IteratorFullError, QueueFullError, type BusEvent } from 'rxbus';
import { createTestBus, expectNoLeaks } from 'rxbus/testing';

type Events = {
  'order.created': { id: string };
  'order.cancelled': { id: string; reason: string };
  'page.response': { url: string };
  tick: number;
};

/** Takes `count` events from an iterator. */
async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    const result = await iterator.next();
    if (result.done) break;
    out.push(result.value);
  }
  return out;
}

describe('bus.iterate', () => {
  it('sees events published after it was created and before the first next()', async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate('tick');
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    bus.publish('page.response', { url: '/' });
    expect((await take(events, 2)).map((e) => e.payload)).toEqual([1, 2]);
    await events.return();
  });

  it('resolves a pending next() with the next matching event', async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate('order.*');
    const next = events.next();
    bus.publish('order.created', { id: 'a' });
    const result = await next;
    expect(result.done).toBe(false);
    expect(result.value).toMatchObject({ type: 'order.created', payload: { id: 'a' } });
    await events.return();
  });

  it('iterates every event without a pattern, also with options only', async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate({ capacity: 2 });
    bus.publish('tick', 1);
    bus.publish('order.created', { id: 'x' });
    expect((await take(events, 2)).map((e) => e.type)).toEqual(['tick', 'order.created']);
    await events.return();
  });

  it('leaves nothing behind after break in for await', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, async () => {
      const seen: number[] = [];
      const loop = (async () => {
        for await (const event of bus.iterate('tick')) {
          seen.push(event.payload);
          if (event.payload === 3) break;
        }
      })();
      for (let i = 1; i <= 5; i++) bus.publish('tick', i);
      await loop;
      expect(seen).toEqual([1, 2, 3]);
    });
    expect(bus.stats().subscriptions).toBe(0);
    await bus.close();
  });

  it('return() drops the buffer, settles waiting next() calls as done, and is idempotent', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, async () => {
      const events = bus.iterate('tick');
      const a = events.next();
      const b = events.next();
      expect(await events.return()).toEqual({ done: true, value: undefined });
      expect(await a).toEqual({ done: true, value: undefined });
      expect(await b).toEqual({ done: true, value: undefined });
      bus.publish('tick', 1);
      expect(await events.next()).toEqual({ done: true, value: undefined });
      expect(await events.return()).toEqual({ done: true, value: undefined });
    });
    await bus.close();
  });

  it('rejects the pending next() with signal.reason on abort and leaves no listener', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, async () => {
      const controller = new AbortController();
      const events = bus.iterate('tick', { signal: controller.signal });
      const pending = events.next();
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      expect(await events.next()).toEqual({ done: true, value: undefined });
    });
    await bus.close();
  });

  it('on abort with nobody waiting, drops the buffer and rejects the next next() with signal.reason', async () => {
    await using bus = createTestBus<Events>();
    const controller = new AbortController();
    const events = bus.iterate('tick', { signal: controller.signal });
    bus.publish('tick', 1);
    controller.abort('cancelled');
    await expect(events.next()).rejects.toBe('cancelled');
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('rejects at once with signal.reason when aborted before the call, registering nothing', async () => {
    await using bus = createTestBus<Events>();
    const before = bus.stats().subscriptions;
    const events = bus.iterate('tick', { signal: AbortSignal.abort('early') });
    expect(bus.stats().subscriptions).toBe(before);
    await expect(events.next()).rejects.toBe('early');
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it('ends after the buffered events when the bus closes', async () => {
    const bus = createTestBus<Events>();
    const events = bus.iterate('tick');
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    await bus.close();
    expect(bus.stats().subscriptions).toBe(0);
    const seen: number[] = [];
    for await (const event of events) seen.push(event.payload);
    expect(seen).toEqual([1, 2]);
  });

  it('is done at once on a closed bus', async () => {
    const bus = createTestBus<Events>();
    await bus.close();
    expect(await bus.iterate('tick').next()).toEqual({ done: true, value: undefined });
  });

  it("overflow 'error': stops listening, delivers the buffered events, then rejects with IteratorFullError", async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate('tick', { capacity: 2 });
    for (let i = 1; i <= 4; i++) bus.publish('tick', i);
    expect(bus.stats().subscriptions).toBe(0); // it stopped listening at the third event
    expect((await take(events, 2)).map((e) => e.payload)).toEqual([1, 2]);
    const error = await events.next().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(IteratorFullError);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as IteratorFullError).message).toContain("bus.iterate('tick') buffer is full: 2 event(s)");
    expect((error as IteratorFullError).message).toContain("'tick' (event #3)");
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it("overflow 'drop-newest' keeps the first events and counts the dropped ones", async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate('tick', { capacity: 2, overflow: 'drop-newest' });
    for (let i = 1; i <= 5; i++) bus.publish('tick', i);
    expect(events.dropped).toBe(3);
    expect((await take(events, 2)).map((e) => e.payload)).toEqual([1, 2]);
    await events.return();
  });

  it("overflow 'drop-oldest' keeps the newest events", async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate('tick', { capacity: 2, overflow: 'drop-oldest' });
    for (let i = 1; i <= 5; i++) bus.publish('tick', i);
    expect(events.dropped).toBe(3);
    expect((await take(events, 2)).map((e) => e.payload)).toEqual([4, 5]);
    await events.return();
  });

  it('capacity 0 keeps an event only for a next() that already waits', async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate('tick', { capacity: 0, overflow: 'drop-newest' });
    bus.publish('tick', 1);
    const next = events.next();
    bus.publish('tick', 2);
    expect((await next).value?.payload).toBe(2);
    expect(events.dropped).toBe(1);
    await events.return();
  });

  it('with an array of patterns, yields each matching event once, in publish order', async () => {
    await using bus = createTestBus<Events>();
    const events = bus.iterate(['order.*', 'order.created']);
    bus.publish('order.created', { id: '1' });
    bus.publish('tick', 0);
    bus.publish('order.cancelled', { id: '2', reason: 'x' });
    const seen: BusEvent[] = await take(events, 2);
    expect(seen.map((e) => e.id)).toEqual([1, 3]);
    expect(bus.stats().subscriptions).toBe(1); // one subscription, whatever the number of patterns
    await events.return();
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('checks its arguments at the boundary', async () => {
    await using bus = createTestBus<Events>();
    expect(() => bus.iterate('tick', { capacity: -1 })).toThrow(RangeError);
    expect(() => bus.iterate('tick', { overflow: 'wait' as never })).toThrow(TypeError);
    expect(() => bus.iterate('tick', { signal: {} as AbortSignal })).toThrow(TypeError);
    expect(() => bus.iterate([] as never)).toThrow(/at least one pattern/);
    expect(() => bus.iterate('tick', null as never)).toThrow(TypeError);
    expect(bus.stats().subscriptions).toBe(0);
  });
});
