import { describe, expect, it } from 'vitest';
import { createBus } from '../src/index.js';
import { leakGuard } from '../src/testing/leaks.js';
import { abortListenerCount } from './support/abort-listener-count.js';
import { CountingScheduler } from './support/counting-scheduler.js';
import type { PageEvents as Events } from './support/events.js';

describe('waiters at scale', () => {
  it('offers an unrelated event to no indexed waiter, then resolves 10 000 of them and keeps none', async () => {
    const bus = createBus<Events>();
    let checks = 0;
    // The url is pinned (indexed); the status predicate counts how often a
    // waiter's full matcher is consulted.
    const status = (s: number) => {
      checks++;
      return s === 200;
    };
    const waits = Array.from({ length: 10_000 }, (_, i) => bus.waitFor('page.response', { url: `/api/${i}`, status }, { timeout: 0 }));
    expect(bus.stats().waiters).toBe(10_000);

    bus.publish('page.response', { url: '/unrelated', status: 200 });
    expect(checks).toBe(0);

    bus.publish('page.response', { url: '/api/7', status: 200 });
    expect(checks).toBe(1);
    expect(bus.stats().waiters).toBe(9_999);

    for (let i = 0; i < 10_000; i++) bus.publish('page.response', { url: `/api/${i}`, status: 200 });
    const events = await Promise.all(waits);
    expect(events.map((e) => e.payload.url)).toEqual(Array.from({ length: 10_000 }, (_, i) => `/api/${i}`));
    expect(checks).toBe(10_000);
    expect(bus.stats().waiters).toBe(0);
    await bus.close();
  });

  // Counts the bus's own timers (on its scheduler), waiters, subscriptions
  // and abort listeners, never process-wide figures: the heap left by
  // aborted waiters is measured by the soak script (`npm run soak`).
  it('leaves no waiter, timer or abort listener behind after 100 000 aborted waiters, arming one timer for all', async () => {
    const scheduler = new CountingScheduler();
    const bus = createBus<Events>({ scheduler });
    const guard = leakGuard(bus);

    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const waits: Array<Promise<unknown>> = [];
    for (let i = 0; i < 100_000; i++) {
      const { signal } = controllers[i % 100]!;
      waits.push(bus.waitFor('page.response', { url: `/api/${i}` }, { timeout: 60_000, signal }));
    }
    expect(bus.stats().waiters).toBe(100_000);
    // Deadlines share a queue: one pending timer however many waiters wait.
    expect(scheduler.pending).toBe(1);
    expect(scheduler.delays).toEqual([60_000]);
    // One listener per signal, however many waiters share it.
    expect(controllers.every((c) => abortListenerCount(c.signal) === 1)).toBe(true);

    for (const c of controllers) c.abort(new Error('cancelled'));
    const results = await Promise.allSettled(waits);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as Error).message === 'cancelled')).toHaveLength(100_000);

    expect(bus.stats().waiters).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
    expect(scheduler.pending).toBe(0);
    expect(controllers.every((c) => abortListenerCount(c.signal) === 0)).toBe(true);
    expect(guard.leaks()).toEqual([]);
    // Nothing is left to fire: the deadline that was due does nothing.
    scheduler.advance(60_000);
    expect(bus.stats().waiters).toBe(0);
    await bus.close();
  });
});
