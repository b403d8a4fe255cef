import { describe, expect, it } from 'vitest';
import { createBus } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';

describe('waiter index keys', () => {
  it("keeps { 'a\\u0000b': 1 } and { a: { b: 1 } } apart: each waiter gets only its own event", async () => {
    const bus = createBus<{ 'x.y': Record<string, unknown> }>({ scheduler: new VirtualScheduler() });
    const flat = bus.waitFor('x.y', { 'a\u0000b': 1 }, { timeout: 0 });
    const nested = bus.waitFor('x.y', { a: { b: 1 } }, { timeout: 0 });
    let flatDone = false;
    void flat.then(() => (flatDone = true));
    bus.publish('x.y', { a: { b: 1 } });
    await expect(nested).resolves.toMatchObject({ payload: { a: { b: 1 } } });
    await Promise.resolve();
    expect(flatDone).toBe(false);
    expect(bus.stats().waiters).toBe(1);
    bus.publish('x.y', { 'a\u0000b': 1 });
    await expect(flat).resolves.toMatchObject({ payload: { 'a\u0000b': 1 } });
    expect(bus.stats().waiters).toBe(0);
  });
});
