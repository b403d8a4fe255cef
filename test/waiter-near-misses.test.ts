import { describe, expect, it } from 'vitest';
import { createBus, WaitTimeoutError } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import type { PageEvents as Events } from './support/events.js';

describe('WaitTimeoutError near misses of an indexed waiter', () => {
  it('keeps the misses with its pinned value even when the history has moved on', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler, history: 8 });
    const wait = bus.waitFor('page.response', { url: '/api/7', status: 200 }, { timeout: 100 }).catch((e: unknown) => e);
    bus.publish('page.response', { url: '/api/7', status: 503 });
    for (let i = 0; i < 50; i++) bus.publish('page.response', { url: `/other/${i}`, status: 200 });
    bus.publish('page.response', { url: '/api/7', status: 404 });
    scheduler.advance(100);
    const error = (await wait) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    // Its own misses first in priority (the 503 left the 8-event history long
    // ago), then the newest others; listed in publish order.
    expect(error.nearMisses.map((m) => m.summary)).toEqual([
      "{ url: '/api/7', status: 503 }",
      "{ url: '/other/47', status: 200 }",
      "{ url: '/other/48', status: 200 }",
      "{ url: '/other/49', status: 200 }",
      "{ url: '/api/7', status: 404 }",
    ]);
    expect(error.message).toContain("- page.response { url: '/api/7', status: 503 }");
  });

  it('keeps only the five newest misses of its own', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler, history: 0 });
    const wait = bus.waitFor('page.response', { url: '/api/7', status: 200 }, { timeout: 100 }).catch((e: unknown) => e);
    for (let status = 500; status < 510; status++) bus.publish('page.response', { url: '/api/7', status });
    scheduler.advance(100);
    const error = (await wait) as WaitTimeoutError;
    expect(error.nearMisses.map((m) => m.summary)).toEqual([505, 506, 507, 508, 509].map((status) => `{ url: '/api/7', status: ${status} }`));
  });
});
