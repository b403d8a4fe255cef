import { describe, expect, it } from 'vitest';
import { createBus } from 'rxbus';
import { busMatchers, createTestBus, record } from 'rxbus/testing';
import 'rxbus/testing/vitest';

type Events = {
  'page.request': { url: string };
  'page.response': { url: string; status: number };
  tick: number;
};

/** The message of the assertion error `assertion` throws. */
function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

describe('rxbus/testing/vitest', () => {
  it('registers the bus matchers with expect', () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 1);
    expect(bus).toHavePublished('tick');
    expect(busMatchers.toHavePublished.call({ isNot: false }, bus, 'tick').pass).toBe(true);
  });
});

describe('toHavePublished', () => {
  it('passes when a recorded event of the pattern matches', () => {
    const bus = createTestBus<Events>();
    bus.publish('page.response', { url: '/a', status: 500 });
    bus.publish('page.response', { url: '/a', status: 200 });
    expect(bus).toHavePublished('page.response', { status: 200 });
    expect(bus).toHavePublished('page.*', (p) => 'status' in p && p.status === 500);
    expect(bus).not.toHavePublished('page.request');
  });

  it('fails listing the events of the pattern that were published', () => {
    const bus = createTestBus<Events>();
    bus.publish('page.response', { url: '/api/users', status: 500 });
    bus.advance(10);
    bus.publish('page.response', { url: '/api/orders', status: 200 });
    expect(failure(() => expect(bus).toHavePublished('page.response', { url: '/api/users', status: 200 }))).toBe(
      [
        "expect(bus).toHavePublished('page.response', { url: '/api/users', status: 200 })",
        '',
        "Expected: a 'page.response' event matching { url: '/api/users', status: 200 }",
        "Received: 2 'page.response' events, none matching:",
        "  - #1 at 0 ms page.response { url: '/api/users', status: 500 }",
        "  - #2 at 10 ms page.response { url: '/api/orders', status: 200 }",
      ].join('\n'),
    );
  });

  it('fails when nothing of the pattern was published, naming what was', () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 1);
    expect(failure(() => expect(bus).toHavePublished('page.request'))).toBe(
      "expect(bus).toHavePublished('page.request')\n\nExpected: a 'page.request' event\nReceived: no 'page.request' event\nPublished instead: 'tick' ×1",
    );
  });

  it('fails under .not listing the matching events', () => {
    const bus = createTestBus<Events>();
    bus.publish('page.request', { url: '/a' });
    expect(failure(() => expect(bus).not.toHavePublished('page.request', { url: '/a' }))).toBe(
      [
        "expect(bus).not.toHavePublished('page.request', { url: '/a' })",
        '',
        "Expected: no 'page.request' event matching { url: '/a' }",
        "Received: 1 'page.request' event matching:",
        "  - #1 at 0 ms page.request { url: '/a' }",
      ].join('\n'),
    );
  });

  it('reads a recorder as well as a test bus, and refuses a plain bus', () => {
    const bus = createBus<Events>();
    const requests = record(bus, 'page.request');
    bus.publish('page.request', { url: '/a' });
    expect(requests).toHavePublished('page.request', { url: '/a' });
    expect(failure(() => expect(bus).toHavePublished('page.request'))).toMatch(
      /toHavePublished\(\) needs a test bus \(createTestBus\) or a recorder \(record\(bus\)\): a plain bus does not keep what it published/,
    );
  });

  it('does not count what published.clear() forgot', () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 1);
    bus.published.clear();
    expect(bus).not.toHavePublished('tick');
  });
});

describe('toHavePublishedTimes', () => {
  it('counts the events of the pattern', () => {
    const bus = createTestBus<Events>();
    bus.publish('page.request', { url: '/a' });
    bus.publish('page.response', { url: '/a', status: 200 });
    bus.publish('tick', 1);
    expect(bus).toHavePublishedTimes('page.*', 2);
    expect(bus).toHavePublishedTimes('tick', 1);
    expect(bus).toHavePublishedTimes('page.request', 1);
    expect(bus).not.toHavePublishedTimes('tick', 2);
  });

  it('fails listing what was counted', () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    bus.publish('tick', 3);
    expect(failure(() => expect(bus).toHavePublishedTimes('tick', 2))).toBe(
      [
        "expect(bus).toHavePublishedTimes('tick', 2)",
        '',
        "Expected: 2 'tick' events",
        "Received: 3 'tick' events:",
        '  - #1 at 0 ms tick 1',
        '  - #2 at 0 ms tick 2',
        '  - #3 at 0 ms tick 3',
      ].join('\n'),
    );
    expect(failure(() => expect(bus).toHavePublishedTimes('page.request', 1))).toContain("Received: no 'page.request' event");
    expect(failure(() => expect(bus).not.toHavePublishedTimes('tick', 3))).toContain("Expected: not 3 'tick' events");
  });

  it('refuses a count that is not an integer ≥ 0', () => {
    const bus = createTestBus<Events>();
    expect(failure(() => expect(bus).toHavePublishedTimes('tick', -1))).toMatch(/integer times ≥ 0, got -1/);
  });
});

describe('toBeSettled', () => {
  it('passes when nothing is queued, running, emitting or tracked', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    bus.on('tick', async () => {
      await Promise.resolve();
    });
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    expect(failure(() => expect(bus).toBeSettled())).toBe(
      [
        'expect(bus).toBeSettled()',
        '',
        'Expected: nothing queued, running, waiting in emit() or tracked',
        'Received: 1 queued handler job, 1 running handler job',
        '',
        'Let the work finish first: await bus.flush() on a test bus, or await bus.settled().',
      ].join('\n'),
    );
    expect(bus).not.toBeSettled();
    await bus.flush();
    expect(bus).toBeSettled();
  });

  it('counts tracked work', () => {
    const bus = createTestBus<Events>();
    const done = bus.track();
    expect(failure(() => expect(bus).toBeSettled())).toContain('Received: 1 tracked work item');
    done();
    expect(bus).toBeSettled();
    expect(failure(() => expect(bus).not.toBeSettled())).toContain('Expected: some pending work\nReceived: nothing');
  });
});

describe('toHaveNoWaiters', () => {
  it('passes when no waiter is pending, on any bus', async () => {
    const bus = createBus<Events>();
    const wait = bus.waitFor('tick', undefined, { timeout: 0 });
    expect(failure(() => expect(bus).toHaveNoWaiters())).toContain('Expected: no pending waiter\nReceived: 1 pending waiter');
    bus.publish('tick', 1);
    await wait;
    expect(bus).toHaveNoWaiters();
  });

  it('refuses something that is not a bus', () => {
    expect(failure(() => expect({}).toHaveNoWaiters())).toBe('toHaveNoWaiters() needs a bus, got object.');
  });
});

describe('toHaveNoPendingWork', () => {
  it('counts waiters, requests and the test bus’s timers, not live handlers', async () => {
    const bus = createTestBus<Events>();
    bus.on('tick', () => undefined);
    expect(bus).toHaveNoPendingWork();
    const wait = bus.waitFor('tick', 9, { timeout: 1000 }).catch(() => undefined);
    expect(failure(() => expect(bus).toHaveNoPendingWork())).toContain(
      'Expected: no handler job, emitter, tracked work, waiter, request or timer\nReceived: 1 pending waiter, 1 scheduler timer',
    );
    await bus.flush();
    await wait;
    expect(bus).toHaveNoPendingWork();
  });
});
