import { describe, expect, it } from 'vitest';
import { createBus, WaitTimeoutError } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import type { PageEvents as Events } from './support/events.js';

describe('waitFor timeout errors at scale', () => {
  it('raises WaitTimeoutError without stack frames, and leaves Error.stackTraceLimit as it was', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const limit = Error.stackTraceLimit;
    const wait = bus.waitFor('page.response', { url: '/a' }, { timeout: 100 });
    scheduler.advance(100);
    const error = await wait.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const stack = (error as Error).stack ?? '';
    expect(stack.startsWith('TimeoutError: Timed out after 100 ms')).toBe(true);
    expect(stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack).toMatch(/\n\s+at /);
  });

  it('lists the same near misses, rendered once and frozen, in every error of a burst', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const waits = Array.from({ length: 3 }, (_, i) =>
      bus.waitFor('page.response', (p) => p.url === `/wanted/${i}`, { timeout: 100 }).then(
        () => {
          throw new Error('expected a timeout');
        },
        (e: unknown) => e as WaitTimeoutError,
      ),
    );
    bus.publish('page.response', { url: '/other', status: 404 });
    scheduler.advance(100);
    const errors = await Promise.all(waits);
    expect(errors.map((e) => e.nearMisses.map((m) => m.summary))).toEqual([
      ["{ url: '/other', status: 404 }"],
      ["{ url: '/other', status: 404 }"],
      ["{ url: '/other', status: 404 }"],
    ]);
    expect(errors[1]!.nearMisses[0]).toBe(errors[0]!.nearMisses[0]);
    expect(Object.isFrozen(errors[0]!.nearMisses[0])).toBe(true);
    expect(bus.stats().waiters).toBe(0);
  });
});
