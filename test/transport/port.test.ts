import { describe, expect, it } from 'vitest';
import { createBus, HandlerError, NoResponderError } from '../../src/index.js';
import { transportPort } from '../../src/transport/port.js';
import type { BusEvent } from '../../src/event-map.js';

describe('transportPort', () => {
  it('refuses what is not an rxbus bus', () => {
    expect(() => transportPort({})).toThrow(TypeError);
    expect(() => transportPort(null)).toThrow(/createBus/);
  });

  it('tells deliver and emit callers the event before any stream or handler sees it', async () => {
    const bus = createBus();
    const port = transportPort(bus);
    const order: string[] = [];
    bus.events$('a').subscribe(() => order.push('stream'));
    bus.on('a', () => {
      order.push('handler');
    });
    const delivery = await port.deliver('a', 1, undefined, (event: BusEvent) => order.push(`admitted #${event.id}`));
    await port.emit('a', 2, undefined, (event: BusEvent) => order.push(`admitted #${event.id}`));
    await bus.settled();
    expect(delivery.handled).toBe(1);
    expect(order).toEqual(['admitted #1', 'stream', 'handler', 'admitted #2', 'stream', 'handler']);
  });

  it('sends bus.request of a type without a local responder to a remote requester, and local ones stay local', async () => {
    const bus = createBus();
    const port = transportPort(bus);
    const asked: string[] = [];
    const remove = port.addRemoteRequester((type) => (type.startsWith('remote.') ? (asked.push(type), Promise.resolve('far')) : undefined));
    bus.handle('remote.local', () => 'near');
    expect(await bus.request('remote.x', 1)).toBe('far');
    expect(await bus.request('remote.local', 1)).toBe('near');
    await expect(bus.request('other', 1)).rejects.toBeInstanceOf(NoResponderError);
    await expect(port.request('remote.x', 1, undefined)).rejects.toBeInstanceOf(NoResponderError);
    remove();
    await expect(bus.request('remote.x', 1)).rejects.toBeInstanceOf(NoResponderError);
    expect(asked).toEqual(['remote.x']);
  });

  it('lists current responders to a watcher, then each change', () => {
    const bus = createBus();
    const port = transportPort(bus);
    const first = bus.handle('a', () => 1);
    const seen: Array<[string, boolean]> = [];
    const stop = port.watchResponders((type, present) => seen.push([type, present]));
    const second = bus.handle('b', () => 2);
    first.unsubscribe();
    stop();
    second.unsubscribe();
    expect(seen).toEqual([
      ['a', true],
      ['b', true],
      ['a', false],
    ]);
  });

  it('reports a bridge error on bus.errors$ without counting a failed job', () => {
    const bus = createBus();
    const seen: HandlerError[] = [];
    bus.errors$.subscribe((e) => seen.push(e));
    const error = new HandlerError({ event: { type: 'x', id: 0 }, cause: 'bad' });
    transportPort(bus).report(error);
    expect(seen).toEqual([error]);
    expect(bus.stats().failed).toBe(0);
  });

  it('counts room as free slots plus queue room', () => {
    const bus = createBus({ concurrency: 2, capacity: 3 });
    const port = transportPort(bus);
    expect(port.room()).toBe(5);
    bus.on('slow', () => new Promise(() => undefined));
    bus.publish('slow', 1);
    bus.publish('slow', 2);
    bus.publish('slow', 3);
    expect(port.room()).toBe(2);
  });
});
