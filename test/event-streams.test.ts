import { describe, expect, it } from 'vitest';
import { createBus } from '../src/index.js';
import { captureUnhandledErrors } from './support/unhandled-errors.js';

type Events = { 'order.created': { id: string }; 'order.paid': { id: string }; 'user.login': { name: string } };

describe('events$ delivery (EventStreams)', () => {
  it('delivers to stream subscribers in subscription order, each filtered by its own pattern', () => {
    const bus = createBus<Events>();
    const seen: string[] = [];
    bus.events$('order.*').subscribe((e) => seen.push(`orders:${e.type}`));
    bus.events$().subscribe((e) => seen.push(`all:${e.type}`));
    bus.events$('user.login').subscribe((e) => seen.push(`login:${e.type}`));

    bus.publish('order.created', { id: '1' });
    bus.publish('user.login', { name: 'ann' });

    expect(seen).toEqual(['orders:order.created', 'all:order.created', 'all:user.login', 'login:user.login']);
  });

  it('gives a subscription made during a publish only the events after it', () => {
    const bus = createBus<Events>();
    const late: string[] = [];
    bus.events$('order.created').subscribe(() => {
      bus.events$().subscribe((e) => late.push(e.type));
    });

    bus.publish('order.created', { id: '1' });
    expect(late).toEqual([]);
    bus.publish('order.paid', { id: '1' });
    expect(late).toEqual(['order.paid']);
  });

  it('does not deliver the current event to a stream unsubscribed earlier in the same publish', () => {
    const bus = createBus<Events>();
    const seen: string[] = [];
    bus.events$().subscribe(() => second.unsubscribe());
    const second = bus.events$().subscribe((e) => seen.push(e.type));

    bus.publish('order.created', { id: '1' });

    expect(seen).toEqual([]);
    expect(bus.stats().subscriptions).toBe(1);
  });

  it('keeps delivering to the other streams when one subscriber throws, and reports the error', async () => {
    const { reported, restore } = captureUnhandledErrors();
    try {
      const bus = createBus<Events>();
      const seen: string[] = [];
      bus.events$().subscribe(() => {
        throw new Error('boom');
      });
      bus.events$('order.created').subscribe((e) => seen.push(e.payload.id));

      bus.publish('order.created', { id: '1' });

      expect(seen).toEqual(['1']);
      // RxJS reports a subscriber's error on a timer of its own.
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(reported).toEqual([new Error('boom')]);
    } finally {
      restore();
    }
  });

  it('counts live streams in stats().subscriptions and forgets them on unsubscribe', () => {
    const bus = createBus<Events>();
    const a = bus.events$('order.*').subscribe();
    const b = bus.events$().subscribe();
    expect(bus.stats().subscriptions).toBe(2);
    a.unsubscribe();
    a.unsubscribe();
    expect(bus.stats().subscriptions).toBe(1);
    b.unsubscribe();
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('completes every stream when the bus closes, and completes new ones at once', async () => {
    const bus = createBus<Events>();
    const completed: string[] = [];
    bus.events$('order.*').subscribe({ complete: () => completed.push('orders') });
    bus.events$().subscribe({ complete: () => completed.push('all') });

    await bus.close();

    expect(completed).toEqual(['orders', 'all']);
    expect(bus.stats().subscriptions).toBe(0);
    bus.events$().subscribe({ complete: () => completed.push('late') });
    expect(completed).toEqual(['orders', 'all', 'late']);
  });
});
