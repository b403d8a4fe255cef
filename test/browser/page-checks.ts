/**
 * Runs in headless Chromium, bundled by esbuild with the BUILT rxbus and
 * rxbus/operators (core.test.ts): each check exercises one capability with
 * the browser's own timers, AbortController and microtasks, and returns plain
 * facts for the test to assert. No Node API exists here.
 */
import { BusClosedError, createBus, QueueFullError, WaitTimeoutError } from 'rxbus';
import { boundedMerge, ofType, rateLimit, waitFor } from 'rxbus/operators';
import { firstValueFrom, from, lastValueFrom, Subject, toArray } from 'rxjs';

type Events = {
  'page.response': { url: string; status: number };
  'job.run': { n: number };
  'never.comes': { n: number };
};

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const checks = {
  environment: async () => ({
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    userAgent: navigator.userAgent,
  }),

  async waiter() {
    const bus = createBus<Events>({ history: 16 });
    const mark = bus.cursor();
    bus.publish('page.response', { url: '/api/users', status: 503 });
    bus.publish('page.response', { url: '/api/users', status: 200 }); // before the wait: found through `since`
    const fromHistory = await bus.waitFor('page.response', { url: /\/api\/users/, status: 200 }, { since: mark, timeout: 5000 });
    const live = bus.waitFor('page.response', (p) => p.status === 201, { timeout: 5000 });
    const waitersWhileWaiting = bus.stats().waiters;
    setTimeout(() => bus.publish('page.response', { url: '/api/orders', status: 201 }), 0);
    const liveEvent = await live;
    return { fromHistory: fromHistory.payload, live: liveEvent.payload, waitersWhileWaiting, waitersAfter: bus.stats().waiters };
  },

  async timeout() {
    const bus = createBus<Events>();
    const error = await rejection(bus.waitFor('never.comes', { n: 1 }, { timeout: 30 }));
    return {
      isWaitTimeoutError: error instanceof WaitTimeoutError,
      name: (error as Error).name,
      mentionsPattern: (error as Error).message.includes('never.comes'),
      waitersAfter: bus.stats().waiters,
    };
  },

  async abort() {
    const bus = createBus<Events>();
    const before = new AbortController();
    before.abort(new Error('gone before'));
    const early = await rejection(bus.waitFor('never.comes', undefined, { signal: before.signal }));
    const during = new AbortController();
    const waiting = bus.waitFor('never.comes', undefined, { signal: during.signal, timeout: 0 });
    const waitersWhileWaiting = bus.stats().waiters;
    setTimeout(() => during.abort(new Error('user navigated away')), 0);
    const late = await rejection(waiting);
    return {
      earlyIsReason: early === before.signal.reason,
      lateIsReason: late === during.signal.reason,
      waitersWhileWaiting,
      waitersAfter: bus.stats().waiters,
    };
  },

  async pool() {
    const bus = createBus<Events>({ concurrency: 2 });
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    bus.on('job.run', async ({ n }) => {
      maxRunning = Math.max(maxRunning, ++running);
      await pause(5);
      order.push(n);
      running--;
    });
    for (let n = 0; n < 8; n++) bus.publish('job.run', { n });
    const during = bus.stats();
    await bus.settled();
    const after = bus.stats();
    await bus.close();
    return {
      maxRunning,
      order,
      runningDuring: during.running,
      queuedDuring: during.queued,
      delivered: after.delivered,
      queuedAfter: after.queued,
    };
  },

  async backpressure() {
    const bus = createBus<Events>({ concurrency: 1, capacity: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: number[] = [];
    bus.on('job.run', async ({ n }) => {
      seen.push(n);
      await gate;
    });
    await bus.emit('job.run', { n: 1 }); // starts at once
    await bus.emit('job.run', { n: 2 }); // fills the one queue place
    const full = await rejection(bus.emit('job.run', { n: 3 }, { timeout: 20 }));
    const third = bus.emit('job.run', { n: 4 }); // waits for room
    const emittersWaiting = bus.stats().emitters;
    release();
    await third;
    await bus.settled();
    return { fullIsQueueFullError: full instanceof QueueFullError, emittersWaiting, seen };
  },

  async close() {
    const bus = createBus<Events>();
    const pending = bus.waitFor('never.comes', undefined, { timeout: 0 });
    const closing = bus.close();
    const waiterError = await rejection(pending);
    await closing;
    let publishError: unknown;
    try {
      bus.publish('job.run', { n: 1 });
    } catch (error) {
      publishError = error;
    }
    return {
      waiterRejected: waiterError instanceof BusClosedError,
      publishThrew: publishError instanceof BusClosedError,
      waitersAfter: bus.stats().waiters,
    };
  },

  async operators() {
    const bus = createBus<{ 'page.view': number; 'order.created': number }>();
    const found = firstValueFrom(
      bus.events$().pipe(
        ofType('order.*'),
        waitFor((e) => e.payload > 1, { timeout: 5000 }),
      ),
    );
    bus.publish('page.view', 9);
    bus.publish('order.created', 1);
    bus.publish('order.created', 2);
    const timedOut = await rejection(firstValueFrom(new Subject<number>().pipe(waitFor(() => true, { timeout: 20 }))));
    const limited = await lastValueFrom(from([1, 2, 3]).pipe(rateLimit({ rate: 1, per: 10, burst: 1 }), toArray()));
    const merged = await lastValueFrom(
      from([30, 10, 20]).pipe(
        boundedMerge((ms) => pause(ms).then(() => ms), { concurrency: 1, capacity: 8 }),
        toArray(),
      ),
    );
    return { found: (await found).payload, timeoutName: (timedOut as Error).name, limited, merged };
  },
};

export type PageChecks = typeof checks;
(globalThis as { rxbusChecks?: PageChecks }).rxbusChecks = checks;
