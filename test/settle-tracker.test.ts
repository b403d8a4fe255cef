import { describe, expect, it } from 'vitest';
import {
  BusClosedError,
  CloseTimeoutError,
  RxBusError,
  SettleTimeoutError,
  createBus,
  type BusStats,
  type DroppedJob,
} from '../src/index.js';
import { createTestBus } from '../src/testing/test-bus.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { abortListenerCount } from './support/abort-listener-count.js';
import { deferred, flush, observe } from './support/async.js';

type Events = { job: number; 'cascade.start': number; 'cascade.next': number; tick: number };

/**
 * Runs `body` with this file's own 'unhandledRejection' listener in place of
 * vitest's (which would fail the run), and returns the reasons reported.
 */
async function unhandledRejections(body: () => Promise<void>): Promise<unknown[]> {
  const reported: unknown[] = [];
  const record = (reason: unknown): void => void reported.push(reason);
  const saved = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', record);
  try {
    await body();
  } finally {
    process.off('unhandledRejection', record);
    for (const listener of saved) process.on('unhandledRejection', listener);
  }
  return reported;
}

/** Observes a promise without awaiting it. */
function watch(promise: Promise<unknown>) {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

describe('bus.settled', () => {
  it('resolves at once (after a microtask) on an idle bus', async () => {
    const bus = createBus<Events>();
    await expect(bus.settled()).resolves.toBeUndefined();
  });

  it('waits for cascades: handlers that publish more events', async () => {
    const bus = createBus<Events>({ concurrency: 2 });
    const log: string[] = [];
    bus.on('cascade.start', async (n) => {
      await flush(1);
      log.push(`start${n}`);
      bus.publish('cascade.next', n);
    });
    bus.on('cascade.next', async (n) => {
      await flush(2);
      log.push(`next${n}`);
    });
    for (let n = 0; n < 3; n++) bus.publish('cascade.start', n);
    await bus.settled();
    expect(log.sort()).toEqual(['next0', 'next1', 'next2', 'start0', 'start1', 'start2']);
    expect(bus.stats()).toMatchObject({ queued: 0, running: 0, delivered: 6 });
  });

  it('sees work published from a handler promise continuation', async () => {
    const bus = createBus<Events>();
    const log: number[] = [];
    bus.on('cascade.start', (n) => Promise.resolve().then(() => bus.publish('cascade.next', n)));
    bus.on('cascade.next', async (n) => void log.push(n));
    bus.publish('cascade.start', 7);
    await bus.settled();
    expect(log).toEqual([7]);
  });

  it('waits for tracked work, released exactly once', async () => {
    const bus = createBus<Events>();
    const release = bus.track();
    expect(bus.stats().tracked).toBe(1);
    const state = watch(bus.settled());
    await flush();
    expect(state.done).toBe(false);
    release();
    await flush();
    expect(state.done).toBe(true);
    expect(bus.stats().tracked).toBe(0);
    expect(() => release()).toThrow(RxBusError);
    expect(() => release()).toThrow(/already released.*exactly once/);
    expect(bus.stats().tracked).toBe(0);
  });

  it('tracks a promise until it settles, either way', async () => {
    const bus = createBus<Events>();
    const gate = deferred();
    const tracked = bus.track(gate.promise);
    expect(tracked).toBeInstanceOf(Promise);
    const failing = Promise.reject(new Error('no'));
    void bus.track(failing).then(undefined, () => undefined);
    const state = watch(bus.settled());
    await flush();
    expect(state.done).toBe(false);
    gate.resolve();
    await flush();
    expect(state.done).toBe(true);
  });

  it('returns a promise that settles like the tracked one, after releasing it', async () => {
    const bus = createBus<Events>();
    const gate = deferred<string>();
    const tracked = bus.track(gate.promise);
    expect(bus.stats().tracked).toBe(1);
    gate.resolve('done');
    expect(await tracked).toBe('done');
    expect(bus.stats().tracked).toBe(0);
    const error = new Error('failed');
    const failing = bus.track(Promise.reject(error));
    await expect(failing).rejects.toBe(error);
    expect(bus.stats().tracked).toBe(0);
  });

  it('leaves an unobserved rejection of a tracked promise to be reported as unhandled', async () => {
    const bus = createBus<Events>();
    const reported = await unhandledRejections(async () => {
      bus.track(Promise.reject(new Error('nobody looks')));
      await bus.track(Promise.reject(new Error('awaited'))).then(undefined, () => undefined);
      await flush();
    });
    expect(reported.map((e) => (e as Error).message)).toEqual(['nobody looks']);
    expect(bus.stats().tracked).toBe(0);
    await expect(bus.settled()).resolves.toBeUndefined();
  });

  it('rejects track() of something that is not a promise', () => {
    const bus = createBus<Events>();
    expect(() => bus.track(42 as never)).toThrow(/nothing or a promise/);
  });

  it('waits for producers blocked in emit', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const gate = deferred();
    bus.on('job', () => gate.promise);
    bus.publish('job', 1);
    const emitted = bus.emit('job', 2);
    const state = watch(bus.settled());
    await flush();
    expect(state.done).toBe(false);
    gate.resolve();
    await emitted;
    await flush();
    expect(state.done).toBe(true);
  });
});

describe('bus.close', () => {
  it('drains queued and running jobs by default, refusing new events meanwhile', async () => {
    const bus = createBus<Events>({ concurrency: 1 });
    const gate = deferred();
    const ran: number[] = [];
    bus.on('job', async (n) => {
      ran.push(n);
      await gate.promise;
    });
    bus.publish('job', 1);
    bus.publish('job', 2);
    const closing = watch(bus.close());
    expect(() => bus.publish('job', 3)).toThrow(BusClosedError);
    await expect(bus.emit('job', 3)).rejects.toBeInstanceOf(BusClosedError);
    await flush();
    expect(closing.done).toBe(false);
    gate.resolve();
    await flush();
    expect(closing.done).toBe(true);
    expect(ran).toEqual([1, 2]);
    expect(bus.stats()).toMatchObject({ delivered: 2, dropped: 0, queued: 0, running: 0, subscriptions: 0 });
  });

  it('with drain: false drops queued jobs and aborts the running handlers’ signal', async () => {
    const bus = createBus<Events>({ concurrency: 1 });
    const reasons: unknown[] = [];
    let signal: AbortSignal | undefined;
    bus.on('job', (_n, _e, ctx) => {
      signal = ctx.signal;
      return new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          reasons.push(ctx.signal.reason);
          resolve();
        });
      });
    });
    const dropped: DroppedJob[] = [];
    bus.dropped$.subscribe((d) => dropped.push(d));
    bus.publish('job', 1);
    bus.publish('job', 2);
    bus.publish('job', 3);
    await bus.close({ drain: false });
    expect(dropped.map((d) => [d.event.payload, d.reason])).toEqual([
      [2, 'closed'],
      [3, 'closed'],
    ]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(BusClosedError);
    expect(signal!.aborted).toBe(true);
    expect(abortListenerCount(signal!)).toBe(1); // the handler's own listener only
    expect(bus.stats()).toMatchObject({ dropped: 2, queued: 0, running: 0 });
  });

  it('bounds the drain with a timeout, then cancels what is left and rejects with CloseTimeoutError (virtual time)', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ concurrency: 1, scheduler });
    let aborted = false;
    bus.on('job', function stuck(_n, _e, ctx) {
      ctx.signal.addEventListener('abort', () => (aborted = true));
      return new Promise<void>(() => undefined); // never finishes by itself
    });
    bus.publish('job', 1);
    bus.publish('job', 2);
    const closing = observe(bus.close({ timeout: 1000 }));
    scheduler.advance(999);
    await flush();
    expect(closing.status).toBe('pending');
    scheduler.advance(1);
    await flush();
    expect(closing.status).toBe('rejected');
    expect(closing.error).toBeInstanceOf(CloseTimeoutError);
    expect((closing.error as CloseTimeoutError).handlers).toEqual(['stuck']);
    expect((closing.error as Error).message).toContain("1 still running ('stuck')");
    expect(bus.closed).toBe(true);
    expect(aborted).toBe(true);
    expect(bus.stats().dropped).toBe(1);
    expect(scheduler.pending).toBe(0);
  });

  it('completes errors$, dropped$ and stats$ after the drain', async () => {
    const bus = createBus<Events>();
    const completed: string[] = [];
    bus.errors$.subscribe({ complete: () => completed.push('errors$') });
    bus.dropped$.subscribe({ complete: () => completed.push('dropped$') });
    bus.stats$.subscribe({ complete: () => completed.push('stats$') });
    bus.events$().subscribe({ complete: () => completed.push('events$') });
    await bus.close();
    expect(completed).toEqual(['events$', 'errors$', 'dropped$', 'stats$']);
  });

  it('rejects a bad timeout', async () => {
    const bus = createBus<Events>();
    await expect(bus.close({ timeout: -1 })).rejects.toThrow(RangeError);
    expect(bus.closed).toBe(false);
  });
});

describe('bus.stats$', () => {
  it('emits the current stats, then changes at most once per statsInterval (leading and trailing)', () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler, statsInterval: 100 });
    const seen: BusStats[] = [];
    const sub = bus.stats$.subscribe((s) => seen.push(s));
    expect(seen.map((s) => s.published)).toEqual([0]);
    bus.publish('tick', 1); // leading: emitted now
    bus.publish('tick', 2);
    bus.publish('tick', 3);
    expect(seen.map((s) => s.published)).toEqual([0, 1]);
    scheduler.advance(100); // trailing: the latest
    expect(seen.map((s) => s.published)).toEqual([0, 1, 3]);
    scheduler.advance(1000);
    expect(seen).toHaveLength(3);
    sub.unsubscribe();
    bus.publish('tick', 4);
    expect(scheduler.pending).toBe(0);
  });
});

describe('bus.settled({ timeout, signal })', () => {
  it('rejects with SettleTimeoutError listing what is pending per handler, waiting emitters, tracked work and a paused pool', async () => {
    const bus = createTestBus<{ job: number; other: number }>({ concurrency: 1, capacity: 1 });
    bus.errors$.subscribe(() => undefined);
    bus.on('job', function slowJob(_n, _e, { signal }) {
      return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    });
    bus.publish('job', 1);
    bus.publish('job', 2);
    const emit = bus.emit('job', 3);
    const release = bus.track();
    bus.pause();
    const settled = bus.settled({ timeout: 1000 });
    const outcome = settled.then(
      () => undefined,
      (err: unknown) => err,
    );
    await bus.advanceAsync(999);
    bus.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(SettleTimeoutError);
    const e = error as SettleTimeoutError;
    expect(e.name).toBe('TimeoutError');
    expect(e.timeout).toBe(1000);
    expect(e.pending).toEqual({
      handlers: [{ handler: 'slowJob', queued: 1, running: 1, overdue: 0 }],
      emitters: 1,
      tracked: 1,
      paused: true,
    });
    expect(e.message).toBe(
      'settled() waited 1000 ms and the bus is still busy:\n' +
        "  - handler 'slowJob': 1 queued, 1 running\n" +
        '  - 1 producer(s) waiting in emit() for queue room\n' +
        '  - 1 tracked work item(s) not released (bus.track())\n' +
        '  - the pool is paused: queued jobs start only after bus.resume()\n' +
        "Find the handler that does not end (give it a 'timeout' and honour its signal), release tracked work, or allow a longer timeout.",
    );
    expect(bus.scheduler.pending).toBe(0);
    release();
    await bus.close({ drain: false });
    await expect(emit).rejects.toThrow();
  });

  it('resolves when the bus goes idle before the timeout, leaving no timer', async () => {
    const bus = createTestBus<{ job: number }>();
    bus.on('job', () => bus.delay(10));
    bus.publish('job', 1);
    const settled = bus.settled({ timeout: 1000 });
    await bus.advanceAsync(10);
    await expect(settled).resolves.toBeUndefined();
    expect(bus.scheduler.pending).toBe(0);
  });

  it('rejects with signal.reason when aborted, at once when aborted before the call, and leaves no listener', async () => {
    const bus = createTestBus<{ job: number }>();
    const release = bus.track();
    const controller = new AbortController();
    const settled = bus.settled({ signal: controller.signal });
    controller.abort('give up');
    await expect(settled).rejects.toBe('give up');
    await expect(bus.settled({ signal: AbortSignal.abort('early') })).rejects.toBe('early');
    release();
    await expect(bus.settled()).resolves.toBeUndefined();
  });

  it('names overdue jobs (past their timeout, still running)', async () => {
    const bus = createTestBus<{ job: number }>();
    bus.errors$.subscribe(() => undefined);
    bus.on(
      'job',
      async function stuck() {
        await bus.delay(10_000);
      },
      { timeout: 100 },
    );
    bus.publish('job', 1);
    const outcome = bus.settled({ timeout: 500 }).catch((err: unknown) => err as SettleTimeoutError);
    await bus.advanceAsync(500);
    const error = await outcome;
    expect(error?.pending.handlers).toEqual([{ handler: 'stuck', queued: 0, running: 1, overdue: 1 }]);
    expect(error?.message).toContain("handler 'stuck': 0 queued, 1 running, 1 past its timeout");
    await bus.advanceAsync(10_000);
  });

  it('checks its options', async () => {
    const bus = createTestBus<{ job: number }>();
    await expect(bus.settled({ timeout: -5 })).rejects.toThrow(RangeError);
    await expect(bus.settled(null as never)).rejects.toThrow(TypeError);
    await expect(bus.settled({ signal: 'x' as never })).rejects.toThrow(TypeError);
  });
});

describe('bus.track(promise)', () => {
  it('returns a real Promise, so .catch and .finally are there', async () => {
    const bus = createTestBus();
    const tracked = bus.track(Promise.reject(new Error('boom')));
    expect(tracked).toBeInstanceOf(Promise);
    const caught = await tracked.catch((err: Error) => err.message).finally(() => undefined);
    expect(caught).toBe('boom');
    expect(bus.stats().tracked).toBe(0);
  });
});
