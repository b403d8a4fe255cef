import { describe, expect, it } from 'vitest';
import { createBus } from 'rxbus';
import { createTestBus, record } from 'rxbus/testing';

type Events = {
  'order.created': { id: string; total: number };
  'order.cancelled': { id: string };
  tick: number;
};

describe('record', () => {
  it('records what is published from now on, in order, with types and payloads', () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 0); // before: not recorded
    const all = record(bus);
    bus.publish('order.created', { id: 'a', total: 1 });
    bus.advance(5);
    bus.publish('tick', 1);
    expect(all.types).toEqual(['order.created', 'tick']);
    expect(all.payloads).toEqual([{ id: 'a', total: 1 }, 1]);
    expect(all.events.map((e) => [e.id, e.time])).toEqual([
      [2, 0],
      [3, 5],
    ]);
  });

  it('records only the events of a pattern', () => {
    const bus = createBus<Events>();
    const orders = record(bus, 'order.*');
    bus.publish('order.created', { id: 'a', total: 1 });
    bus.publish('tick', 1);
    bus.publish('order.cancelled', { id: 'a' });
    expect(orders.types).toEqual(['order.created', 'order.cancelled']);
  });

  it('clear() forgets what was recorded and keeps recording', () => {
    const bus = createBus<Events>();
    const ticks = record(bus, 'tick');
    bus.publish('tick', 1);
    ticks.clear();
    bus.publish('tick', 2);
    expect(ticks.payloads).toEqual([2]);
    expect(ticks.recording).toBe(true);
  });

  it('stop() unsubscribes and keeps what was recorded; a second stop() is harmless', () => {
    const bus = createBus<Events>();
    const ticks = record(bus, 'tick');
    expect(bus.stats().subscriptions).toBe(1);
    bus.publish('tick', 1);
    ticks.stop();
    ticks.stop();
    bus.publish('tick', 2);
    expect(ticks.payloads).toEqual([1]);
    expect(ticks.recording).toBe(false);
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('stops at the end of a `using` scope', () => {
    const bus = createBus<Events>();
    {
      using ticks = record(bus, 'tick');
      bus.publish('tick', 1);
      expect(ticks.payloads).toEqual([1]);
    }
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('stops recording when the bus closes', async () => {
    const bus = createBus<Events>();
    const ticks = record(bus);
    await bus.close();
    expect(ticks.recording).toBe(false);
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('throws on a bad pattern, registering nothing', () => {
    const bus = createBus<Events>();
    expect(() => record(bus, 42 as unknown as 'tick')).toThrow(TypeError);
    expect(bus.stats().subscriptions).toBe(0);
  });
});
