/**
 * The walkthrough of docs/testing.md, as it is written there: a small page
 * service tested in virtual time with the rxbus/testing DSL. If this file
 * changes, change the guide with it.
 */
import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, type Bus } from 'rxbus';
import { createTestBus, EventExpectationError, expectEvent, expectNoLeaks, publishMarbles, record, type TestBus } from 'rxbus/testing';
import 'rxbus/testing/vitest';

// ---------------------------------------------------------------- the app code

type AppEvents = {
  'page.request': { id: number; url: string };
  'page.response': { id: number; url: string; status: number; body?: string };
};

/** Asks whoever serves pages on the bus for a URL, and waits for the answer. */
class PageService {
  #nextId = 0;
  constructor(
    private readonly bus: Bus<AppEvents>,
    private readonly timeout = 5000,
  ) {}

  async load(url: string, signal?: AbortSignal): Promise<string | undefined> {
    const id = ++this.#nextId;
    const mark = this.bus.cursor(); // mark → act → wait: a fast answer cannot be missed
    this.bus.publish('page.request', { id, url });
    const response = await this.bus.waitFor('page.response', { id }, { since: mark, timeout: this.timeout, signal });
    if (response.payload.status !== 200) throw new Error(`GET ${url} answered ${response.payload.status}`);
    return response.payload.body;
  }
}

/** A fake page server on the test bus: answers every request after `latency` virtual ms. */
function fakeServer(bus: TestBus<AppEvents>, latency = 120) {
  return bus.on('page.request', async ({ id, url }) => {
    await bus.delay(latency);
    bus.publish('page.response', { id, url, status: url === '/missing' ? 404 : 200, body: `<h1>${url}</h1>` });
  });
}

// ---------------------------------------------------------------- the tests

describe('PageService', () => {
  it('publishes a request and resolves with the body of its response', async () => {
    const bus = createTestBus<AppEvents>();
    fakeServer(bus);
    const service = new PageService(bus);

    const page = service.load('/users');
    await bus.flush(); // runs the fake server's 120 ms, and everything after it

    await expect(page).resolves.toBe('<h1>/users</h1>');
    expect(bus.now).toBe(120);
    expect(bus).toHavePublished('page.request', { url: '/users' });
    expect(bus).toHavePublishedTimes('page.response', 1);
    expect(bus).toHaveNoPendingWork();
  });

  it('lets expectEvent move the clock to the response', async () => {
    const bus = createTestBus<AppEvents>();
    fakeServer(bus, 300);
    const page = new PageService(bus).load('/users');

    const response = await expectEvent(bus, 'page.response', { url: '/users', status: 200 }).within(1000);

    expect(response.time).toBe(300);
    await expect(page).resolves.toBe('<h1>/users</h1>');
  });

  it('times out after 5 s of virtual time when nobody answers', async () => {
    const bus = createTestBus<AppEvents>();
    const page = new PageService(bus).load('/users');

    bus.advance(5000);

    await expect(page).rejects.toThrow(WaitTimeoutError);
    await expect(page).rejects.toThrow("Timed out after 5000 ms waiting for 'page.response' matching { id: 1 }");
    expect(bus).toHaveNoWaiters();
  });

  it('rejects on an error status', async () => {
    const bus = createTestBus<AppEvents>();
    fakeServer(bus);
    // Attach the expectation first: the promise rejects while flush() runs.
    const rejected = expect(new PageService(bus).load('/missing')).rejects.toThrow('GET /missing answered 404');
    await bus.flush();
    await rejected;
  });

  it('pairs each caller with its own response, whatever the order', async () => {
    const bus = createTestBus<AppEvents>();
    const service = new PageService(bus);
    const requests = record(bus, 'page.request');
    const first = service.load('/a');
    const second = service.load('/b');
    expect(requests.payloads).toEqual([
      { id: 1, url: '/a' },
      { id: 2, url: '/b' },
    ]);

    // The server answers the second request first.
    publishMarbles(bus, '--b 100ms a', {
      a: ['page.response', { id: 1, url: '/a', status: 200, body: 'A' }],
      b: ['page.response', { id: 2, url: '/b', status: 200, body: 'B' }],
    });
    await bus.flush();

    await expect(first).resolves.toBe('A');
    await expect(second).resolves.toBe('B');
    expect(bus.published.events.map((e) => `${e.type}@${e.time}`)).toEqual([
      'page.request@0',
      'page.request@0',
      'page.response@2',
      'page.response@103',
    ]);
  });

  it('does not retry on its own', async () => {
    const bus = createTestBus<AppEvents>();
    const page = new PageService(bus).load('/users').catch(() => undefined);
    await expectEvent(bus, 'page.request', undefined, { since: bus.cursor() }).not.toBePublished({ for: 10_000 });
    await page;
  });

  it('leaves nothing behind when the caller aborts', async () => {
    const bus = createTestBus<AppEvents>();
    await expectNoLeaks(bus, async () => {
      const controller = new AbortController();
      const page = new PageService(bus).load('/users', controller.signal);
      controller.abort(new Error('user navigated away'));
      await expect(page).rejects.toThrow('user navigated away');
    });
  });

  it('explains a failed expectation with what was published', async () => {
    const bus = createTestBus<AppEvents>();
    fakeServer(bus);
    void new PageService(bus).load('/users');
    const error = await expectEvent(bus, 'page.response', { url: '/users', status: 201 })
      .within(1000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventExpectationError);
    expect((error as Error).message).toBe(
      [
        "expectEvent('page.response', { url: '/users', status: 201 }).within(1000) failed after 1000 ms.",
        '',
        "Expected: a 'page.response' event matching { url: '/users', status: 201 } within 1000 ms",
        "Received: 1 'page.response' event, none matching:",
        "  - #2 at 120 ms page.response { id: 1, url: '/users', status: 200, body: '<h1>/users</h1>' }",
        '',
        'Check the matcher against what was published, or give it more time.',
      ].join('\n'),
    );
  });
});
