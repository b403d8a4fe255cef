import { describe, expect, it } from 'vitest';
import { BusClosedError, createBus, type Cursor } from 'rxbus';
import { createTestBus, EventExpectationError, expectEvent, expectNoLeaks, VirtualScheduler } from 'rxbus/testing';
import { flush, observe } from '../support/async.js';

type Events = {
  'page.request': { url: string };
  'page.response': { url: string; status: number; body?: unknown };
  'page.error': { url: string; message: string };
  tick: number;
};

/** The message a promise rejects with (failing the test if it resolves). */
const rejection = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => {
      throw new Error('expected the expectation to fail');
    },
    (error: Error) => error.message,
  );

describe('expectEvent(...).toBePublished() on a test bus', () => {
  it('resolves at once with an event already published, without moving the clock', async () => {
    const bus = createTestBus<Events>();
    bus.publish('page.response', { url: '/a', status: 500 });
    bus.publish('page.response', { url: '/a', status: 200 });
    const event = await expectEvent(bus, 'page.response', { status: 200 }).toBePublished();
    expect(event.id).toBe(2);
    expect(event.payload.url).toBe('/a');
    expect(bus.now).toBe(0);
  });

  it('moves the virtual clock until the event arrives, and stops there', async () => {
    const bus = createTestBus<Events>();
    bus.on('page.request', ({ url }) => {
      bus.scheduler.schedule(() => bus.publish('page.response', { url, status: 200 }), 1200);
    });
    bus.publish('page.request', { url: '/users' });
    const event = await expectEvent(bus, 'page.response', { url: '/users' }).within(5000);
    expect(event.time).toBe(1200);
    expect(bus.now).toBe(1200);
    expect(bus.stats()).toMatchObject({ waiters: 0, subscriptions: 1 });
  });

  it('lets async handlers run between timers while it waits', async () => {
    const bus = createTestBus<Events>();
    const sleep = (ms: number) => new Promise<void>((resolve) => bus.scheduler.schedule(() => resolve(), ms));
    bus.on('page.request', async ({ url }) => {
      await sleep(100);
      await sleep(100);
      bus.publish('page.response', { url, status: 204 });
    });
    bus.publish('page.request', { url: '/a' });
    expect((await expectEvent(bus, 'page.response').within(1000)).time).toBe(200);
  });

  it('rejects after the timeout, listing the events of the pattern that did not match', async () => {
    const bus = createTestBus<Events>();
    bus.publish('page.response', { url: '/api/users', status: 500 });
    bus.scheduler.schedule(() => bus.publish('page.response', { url: '/api/orders', status: 200 }), 20);
    const error = await expectEvent(bus, 'page.response', { url: /\/api\/users/, status: 200 })
      .within(1000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventExpectationError);
    expect((error as Error).message).toBe(
      [
        "expectEvent('page.response', { url: /\\/api\\/users/, status: 200 }).within(1000) failed after 1000 ms.",
        '',
        "Expected: a 'page.response' event matching { url: /\\/api\\/users/, status: 200 } within 1000 ms",
        "Received: 2 'page.response' events, none matching:",
        "  - #1 at 0 ms page.response { url: '/api/users', status: 500 }",
        "  - #2 at 20 ms page.response { url: '/api/orders', status: 200 }",
        '',
        'Check the matcher against what was published, or give it more time.',
      ].join('\n'),
    );
    const failure = error as EventExpectationError;
    expect(failure).toMatchObject({ name: 'EventExpectationError', pattern: 'page.response', expected: 'published', timeout: 1000 });
    expect(failure.received.map((e) => e.id)).toEqual([1, 2]);
    expect(bus.now).toBe(1000);
    expect(bus.stats().waiters).toBe(0);
  });

  it('says which other events were published when none of the pattern was', async () => {
    const bus = createTestBus<Events>();
    bus.publish('page.request', { url: '/a' });
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    const error = await expectEvent(bus, 'page.response')
      .toBePublished({ timeout: 50 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      [
        "expectEvent('page.response').toBePublished({ timeout: 50 }) failed after 50 ms.",
        '',
        "Expected: a 'page.response' event within 50 ms",
        "Received: no 'page.response' event",
        "Published instead: 'tick' ×2, 'page.request' ×1",
        '',
        'Check the matcher against what was published, or give it more time.',
      ].join('\n'),
    );
  });

  it('lists the ten most recent near misses, with payloads truncated', async () => {
    const bus = createTestBus<Events>();
    for (let i = 0; i < 12; i++) bus.publish('tick', i);
    bus.publish('page.response', { url: '/x', status: 500, body: 'y'.repeat(300) });
    const ticks = await rejection(expectEvent(bus, 'tick', 99).within(1));
    expect(ticks).toContain('  … 2 earlier event(s) not shown\n  - #3 at 0 ms tick 2\n');
    expect(ticks).toContain('  - #12 at 0 ms tick 11\n');
    const long = await rejection(expectEvent(bus, 'page.response', { status: 200 }).within(1));
    const line = long.split('\n').find((l) => l.includes('#13'))!;
    expect(line).toMatch(/^ {2}- #13 at 0 ms page\.response \{ url: '\/x', status: 500, body: 'yyy+…$/);
    expect(line.length).toBeLessThan(140);
  });

  it('checks only what was already published with within(0)', async () => {
    const bus = createTestBus<Events>();
    bus.scheduler.schedule(() => bus.publish('tick', 1), 1);
    await expect(expectEvent(bus, 'tick').within(0)).rejects.toThrow(
      "expectEvent('tick').within(0) failed.\n\nExpected: a 'tick' event (already published)\nReceived: no 'tick' event",
    );
    expect(bus.now).toBe(0);
  });

  it('counts only events after `since`', async () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 1);
    const mark = bus.cursor();
    bus.publish('tick', 2);
    expect((await expectEvent(bus, 'tick', undefined, { since: mark }).toBePublished()).payload).toBe(2);
    expect((await expectEvent(bus, 'tick').toBePublished()).payload).toBe(1);
  });

  it('does not see what published.clear() forgot', async () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 1);
    bus.published.clear();
    await expect(expectEvent(bus, 'tick').within(10)).rejects.toBeInstanceOf(EventExpectationError);
  });

  it('uses the timeout option as the default wait, 5000 ms without it', async () => {
    const bus = createTestBus<Events>();
    await expect(expectEvent(bus, 'tick').toBePublished()).rejects.toThrow('failed after 5000 ms');
    expect(bus.now).toBe(5000);
    await expect(expectEvent(bus, 'tick', undefined, { timeout: 20 }).toBePublished()).rejects.toThrow('failed after 20 ms');
    expect(bus.now).toBe(5020);
  });

  it('rejects with the error of a matcher that throws', async () => {
    const bus = createTestBus<Events>();
    const boom = new Error('bad matcher');
    bus.publish('tick', 1);
    await expect(
      expectEvent(bus, 'tick', () => {
        throw boom;
      }).within(10),
    ).rejects.toBe(boom);
  });

  it('rejects bad arguments: a bad pattern at once, a bad timeout from the promise', async () => {
    const bus = createTestBus<Events>();
    expect(() => expectEvent(bus, '' as 'tick')).toThrow(TypeError);
    expect(() => expectEvent(bus, 'tick', undefined, { timeout: -1 })).toThrow(RangeError);
    expect(() => expectEvent(bus, 'tick', undefined, { since: 3 as Cursor })).toThrow(/'since' to be a cursor from bus\.cursor\(\), got 3/);
    await expect(expectEvent(bus, 'tick').within(Number.NaN)).rejects.toThrow(RangeError);
    await expect(expectEvent(bus, 'tick').not.toBePublished({ for: Infinity })).rejects.toThrow(/'for'/);
    expect(bus.stats()).toMatchObject({ waiters: 0, subscriptions: 0 });
  });

  it('rejects with BusClosedError when the bus closes while it waits', async () => {
    const bus = createTestBus<Events>();
    const expectation = observe(expectEvent(bus, 'tick').within(1000));
    await bus.close();
    await flush(1);
    expect(expectation.error).toBeInstanceOf(BusClosedError);
  });

  it('leaves nothing behind, passing or failing', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, async () => {
      bus.scheduler.schedule(() => bus.publish('tick', 1), 10);
      await expectEvent(bus, 'tick').within(100);
      await expectEvent(bus, 'page.error')
        .within(100)
        .catch(() => undefined);
      await expectEvent(bus, 'page.error').not.toBePublished({ for: 100 });
    });
  });
});

describe('expectEvent(...).not.toBePublished()', () => {
  it('resolves after `for` ms without a matching event, with the clock moved by `for`', async () => {
    const bus = createTestBus<Events>();
    bus.scheduler.schedule(() => bus.publish('page.error', { url: '/b', message: 'other url' }), 10);
    await expectEvent(bus, 'page.error', { url: '/a' }).not.toBePublished({ for: 1000 });
    expect(bus.now).toBe(1000);
  });

  it('rejects as soon as a matching event is published, saying when', async () => {
    const bus = createTestBus<Events>();
    bus.scheduler.schedule(() => bus.publish('page.error', { url: '/a', message: 'boom' }), 250);
    const error = await expectEvent(bus, 'page.error', { url: '/a' })
      .not.toBePublished({ for: 1000 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      [
        "expectEvent('page.error', { url: '/a' }).not.toBePublished({ for: 1000 }) failed: a matching event was published at 250 ms.",
        '',
        "Expected: no 'page.error' event matching { url: '/a' } for 1000 ms",
        "Received: #1 at 250 ms page.error { url: '/a', message: 'boom' }",
      ].join('\n'),
    );
    expect(error).toMatchObject({ expected: 'not published', timeout: 1000 });
    expect(bus.now).toBe(250);
    expect(bus.stats().waiters).toBe(0);
  });

  it('fails on an event published before it started, and says how to ignore those', async () => {
    const bus = createTestBus<Events>();
    bus.publish('page.error', { url: '/a', message: 'earlier' });
    await expect(expectEvent(bus, 'page.error').not.toBePublished()).rejects.toThrow(
      /at 0 ms\.\n\nExpected: no 'page\.error' event\nReceived: #1 .*\n\nIt was published before the expectation started; pass \{ since: bus\.cursor\(\) \}/,
    );
    await expectEvent(bus, 'page.error', undefined, { since: bus.cursor() }).not.toBePublished({ for: 10 });
  });

  it('checks only the past with no `for`', async () => {
    const bus = createTestBus<Events>();
    bus.scheduler.schedule(() => bus.publish('tick', 1), 1);
    await expectEvent(bus, 'tick').not.toBePublished();
    expect(bus.now).toBe(0);
  });
});

describe('expectEvent on a bus that is not a test bus', () => {
  it('waits on the bus scheduler, counting events from the call on', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    bus.publish('tick', 1); // before the call: not counted
    const expectation = observe(expectEvent(bus, 'tick').within(100));
    await flush(1);
    expect(expectation.status).toBe('pending');
    expect(scheduler.now()).toBe(0); // it does not move a clock it does not own
    bus.publish('tick', 2);
    await flush(1);
    expect(expectation.value?.payload).toBe(2);
  });

  it('fails listing what was published while it waited', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const expectation = expectEvent(bus, 'page.response', { status: 200 })
      .within(100)
      .catch((e: unknown) => e);
    bus.publish('page.response', { url: '/a', status: 404 });
    scheduler.advance(100);
    expect(((await expectation) as Error).message).toContain(
      "Received: 1 'page.response' event, none matching:\n  - #1 at 0 ms page.response { url: '/a', status: 404 }",
    );
    expect(bus.stats()).toMatchObject({ waiters: 0, subscriptions: 0 });
  });

  it('finds events still in the history with `since`', async () => {
    const bus = createBus<Events>({ scheduler: new VirtualScheduler() });
    const mark = bus.cursor();
    bus.publish('tick', 7);
    expect((await expectEvent(bus, 'tick', 7, { since: mark }).within(0)).id).toBe(1);
    await expect(expectEvent(bus, 'tick', 7, { since: mark }).not.toBePublished()).rejects.toBeInstanceOf(EventExpectationError);
  });

  it('passes not.toBePublished when the bus clock passes `for` ms quietly', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const expectation = observe(expectEvent(bus, 'page.error').not.toBePublished({ for: 500 }));
    scheduler.advance(499);
    await flush(1);
    expect(expectation.status).toBe('pending');
    scheduler.advance(1);
    await flush(1);
    expect(expectation.status).toBe('fulfilled');
  });
});
