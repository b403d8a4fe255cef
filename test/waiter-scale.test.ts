import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createBus } from '../src/index.js';

type Events = { 'page.response': { url: string; status: number } };

// Expose V8's gc() without a command-line flag, for the residue checks below.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

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

  it('leaves no waiter, timer, abort listener or heap behind after 100 000 aborted waiters', async () => {
    const bus = createBus<Events>(); // real asyncScheduler: real Node timers
    const timersBefore = activeTimers();
    const heapBefore = heapUsed();

    const controllers = Array.from({ length: 100 }, () => new AbortController());
    let waits: Array<Promise<unknown>> = [];
    for (let i = 0; i < 100_000; i++) {
      const { signal } = controllers[i % 100]!;
      waits.push(bus.waitFor('page.response', { url: `/api/${i}` }, { timeout: 60_000, signal }));
    }
    expect(bus.stats().waiters).toBe(100_000);
    expect(activeTimers()).toBeGreaterThan(timersBefore);
    // One listener per signal, however many waiters share it.
    expect(controllers.every((c) => getEventListeners(c.signal, 'abort').length === 1)).toBe(true);

    for (const c of controllers) c.abort(new Error('cancelled'));
    const results = await Promise.allSettled(waits);
    expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'cancelled')).toBe(true);
    waits = [];
    results.length = 0;

    expect(bus.stats().waiters).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
    expect(activeTimers()).toBe(timersBefore);
    expect(controllers.every((c) => getEventListeners(c.signal, 'abort').length === 0)).toBe(true);
    // Residue: what survives a GC must be far below the ~100 MB the pending
    // waiters held; 8 MB (< 84 bytes per waiter) leaves room for JIT noise.
    const residue = heapUsed() - heapBefore;
    expect(residue).toBeLessThan(8 * 1024 * 1024);
    await bus.close();
  });
});
