/**
 * `bus.deliver`: publish with backpressure, then the outcome of every
 * handler job of that event.
 */
import { describe, expect, it } from 'vitest';
import { BusClosedError, HandlerError, QueueFullError, createBus } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { deferred, flush, observe } from './support/async.js';

type Events = { 'order.created': { id: string }; other: number };

describe('bus.deliver', () => {
  it('resolves after every handler job of the event finished, with the failures returned', async () => {
    const bus = createBus<Events>();
    const slow = deferred();
    const errors: HandlerError[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    bus.on('order.created', () => slow.promise);
    bus.on('order.*', function audit() {
      throw new Error('audit down');
    });
    bus.on('order.created', () => undefined);
    const delivered = observe(bus.deliver('order.created', { id: '7' }));
    await flush();
    expect(delivered.status).toBe('pending');
    slow.resolve();
    await flush();
    expect(delivered.status).toBe('fulfilled');
    const { event, handled, failed, dropped } = delivered.value!;
    expect(event).toMatchObject({ type: 'order.created', payload: { id: '7' } });
    expect([handled, dropped]).toEqual([2, 0]);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toBeInstanceOf(HandlerError);
    expect(failed[0]!.handler).toBe('audit');
    expect(errors).toEqual(failed);
  });

  it('resolves at once with handled: 0 when no handler matches', async () => {
    const bus = createBus<Events>();
    const delivery = await bus.deliver('other', 1);
    expect(delivery).toMatchObject({ handled: 0, failed: [], dropped: 0, event: { type: 'other', payload: 1 } });
  });

  it('waits for room like emit, in FIFO order, and times out with QueueFullError', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ concurrency: 1, capacity: 0, scheduler });
    const busy = deferred();
    bus.on('other', () => busy.promise);
    bus.publish('other', 0);
    const first = observe(bus.deliver('other', 1));
    const second = observe(bus.deliver('other', 2, { timeout: 10 }));
    scheduler.advance(10);
    await flush();
    expect(second.error).toBeInstanceOf(QueueFullError);
    busy.resolve();
    await flush();
    expect(first.status).toBe('fulfilled');
    expect(first.value!.handled).toBe(1);
  });

  it('counts jobs dropped before they started, and resolves when the bus closes without drain', async () => {
    const bus = createBus<Events>({ concurrency: 1 });
    const busy = deferred();
    bus.on('other', () => busy.promise);
    bus.on('order.created', () => undefined);
    bus.publish('other', 0);
    const delivered = observe(bus.deliver('order.created', { id: '1' }));
    void bus.close({ drain: false });
    busy.resolve();
    await flush();
    expect(delivered.value).toMatchObject({ handled: 0, dropped: 1, failed: [] });
  });

  it('resolves once published even when its signal aborts afterwards', async () => {
    const bus = createBus<Events>();
    const controller = new AbortController();
    const job = deferred();
    bus.on('other', () => job.promise);
    const delivered = observe(bus.deliver('other', 1, { signal: controller.signal }));
    controller.abort();
    job.resolve();
    await flush();
    expect(delivered.status).toBe('fulfilled');
  });

  it('rejects with BusClosedError after close, and with a TypeError for bad options', async () => {
    const bus = createBus<Events>();
    await expect(bus.deliver('other', 1, null as never)).rejects.toThrow(/deliver\(\) options/);
    await bus.close();
    await expect(bus.deliver('other', 1)).rejects.toBeInstanceOf(BusClosedError);
  });

  it('tracks jobs that start and finish inside the publish (synchronous handlers)', async () => {
    const bus = createBus<Events>();
    let ran = 0;
    bus.on('other', () => void ran++);
    bus.on('other', () => void ran++);
    await expect(bus.deliver('other', 1)).resolves.toMatchObject({ handled: 2 });
    expect(ran).toBe(2);
  });
});
