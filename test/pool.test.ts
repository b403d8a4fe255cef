import { describe, expect, it } from 'vitest';
import { BusClosedError, HandlerError, JobTimeoutError, QueueFullError, type DroppedJob } from 'rxbus';
import { createTestBus, expectNoLeaks, record } from 'rxbus/testing';
import 'rxbus/testing/vitest';
import { captureUnhandledErrors } from './support/unhandled-errors.js';

type Events = {
  job: number;
  'job.keyed': { key: string; n: number };
  other: number;
  'cascade.start': number;
  'cascade.next': number;
};

const never = () => new Promise<void>(() => undefined);
/** A job that runs until its signal aborts (so close({ drain: false }) can end it). */
const untilAborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));

describe('bus.on: the bounded pool', () => {
  it('never runs more than `concurrency` jobs nor queues more than `capacity`', async () => {
    const bus = createTestBus<Events>({ concurrency: 3, capacity: 1000 });
    let running = 0;
    let maxRunning = 0;
    let maxQueued = 0;
    bus.on('job', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      maxQueued = Math.max(maxQueued, bus.stats().queued);
      await bus.delay(10);
      running--;
    });
    for (let i = 0; i < 200; i++) bus.publish('job', i);
    expect(bus.stats().running).toBe(3);
    expect(bus.stats().queued).toBe(197);
    await bus.flush();
    expect(maxRunning).toBe(3);
    expect(maxQueued).toBeLessThanOrEqual(197);
    expect(bus.now).toBe(Math.ceil(200 / 3) * 10); // three at a time, 10 ms each
    expect(bus.stats()).toMatchObject({ delivered: 200, queued: 0, running: 0, failed: 0, dropped: 0 });
    expect(bus).toBeSettled();
  });

  it('starts a job inside publish when a slot is free', () => {
    const bus = createTestBus<Events>({ concurrency: 2 });
    const started: number[] = [];
    bus.on('job', (n) => {
      started.push(n);
      return never();
    });
    bus.publish('job', 1);
    expect(started).toEqual([1]);
    expect(bus.stats()).toMatchObject({ running: 1, queued: 0 });
  });

  it('runs queued jobs in FIFO order', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    const order: number[] = [];
    bus.on('job', async (n) => {
      order.push(n);
      await bus.delay(1);
    });
    for (let i = 0; i < 20; i++) bus.publish('job', i);
    await bus.flush();
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(bus.now).toBe(20);
  });

  it('caps one handler with its own concurrency without blocking other handlers', async () => {
    const bus = createTestBus<Events>({ concurrency: 4 });
    let slowRunning = 0;
    let slowMax = 0;
    const slowStarts: number[] = [];
    const fast: number[] = [];
    bus.on(
      'job',
      async () => {
        slowRunning++;
        slowMax = Math.max(slowMax, slowRunning);
        slowStarts.push(bus.now);
        await bus.delay(10);
        slowRunning--;
      },
      { concurrency: 1 },
    );
    bus.on('other', (n) => {
      fast.push(n);
    });
    for (let i = 0; i < 5; i++) bus.publish('job', i);
    for (let i = 0; i < 5; i++) bus.publish('other', i);
    // Slow handler: one running, four queued; the other handler is not stuck behind them.
    expect(fast).toEqual([0, 1, 2, 3, 4]);
    expect(bus.stats()).toMatchObject({ running: 1, queued: 4 });
    await bus.flush();
    expect(slowMax).toBe(1);
    expect(slowStarts).toEqual([0, 10, 20, 30, 40]);
    expect(bus).toBeSettled();
  });

  it('runs jobs with the same key one at a time in publish order, different keys in parallel', async () => {
    const bus = createTestBus<Events>({ concurrency: 8 });
    const log: string[] = [];
    const active = new Map<string, number>();
    let overlapping = 0;
    let parallelKeys = 0;
    bus.on(
      'job.keyed',
      async ({ key, n }) => {
        active.set(key, (active.get(key) ?? 0) + 1);
        if (active.get(key)! > 1) overlapping++;
        parallelKeys = Math.max(parallelKeys, [...active.values()].filter((v) => v > 0).length);
        log.push(`${key}${n}@${bus.now}`);
        await bus.delay(10);
        active.set(key, active.get(key)! - 1);
      },
      { key: (p) => p.key },
    );
    for (let n = 0; n < 4; n++) for (const key of ['a', 'b', 'c']) bus.publish('job.keyed', { key, n });
    await bus.flush();
    for (const key of ['a', 'b', 'c']) {
      expect(log.filter((s) => s.startsWith(key))).toEqual([0, 1, 2, 3].map((n) => `${key}${n}@${n * 10}`));
    }
    expect(overlapping).toBe(0);
    expect(parallelKeys).toBe(3);
    expect(bus.stats().failed).toBe(0);
  });

  it('frees a key’s bookkeeping when its last job ends (checked through a fresh key ordering)', async () => {
    const bus = createTestBus<Events>({ concurrency: 2 });
    const seen: number[] = [];
    bus.on('job.keyed', (p) => void seen.push(p.n), { key: (p) => p.key });
    for (let i = 0; i < 1000; i++) bus.publish('job.keyed', { key: `k${i}`, n: i });
    await bus.flush();
    expect(seen).toHaveLength(1000);
    expect(bus.stats()).toMatchObject({ queued: 0, running: 0 });
  });

  it('reports a key function that throws as a HandlerError and still runs the other handlers', async () => {
    const bus = createTestBus<Events>();
    const errors: HandlerError[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    const plain: number[] = [];
    bus.on('job', (n) => void plain.push(n));
    bus.on('job', () => undefined, {
      key: () => {
        throw new Error('no key');
      },
      name: 'keyed',
    });
    bus.publish('job', 1);
    await bus.flush();
    expect(plain).toEqual([1]);
    expect(errors.map((e) => [e.handler, (e.cause as Error).message])).toEqual([['keyed', 'no key']]);
  });

  it('rejects bad options and handlers with clear errors', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, () => {
      expect(() => bus.on('job', 'nope' as never)).toThrow(/handler for 'job' to be a function/);
      expect(() => bus.on('job', () => undefined, { concurrency: 0 })).toThrow(/'concurrency'/);
      expect(() => bus.on('job', () => undefined, { key: 'id' as never })).toThrow(/'key'/);
      expect(() => bus.on('' as 'job', () => undefined)).toThrow(TypeError);
    });
    expect(bus.stats().subscriptions).toBe(0);
  });
});

describe('overflow policies for publish', () => {
  function fullBus(overflow: 'error' | 'drop-newest' | 'drop-oldest') {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 3, overflow });
    const ran: number[] = [];
    bus.on('job', async (n) => {
      ran.push(n);
      await bus.delay(10);
    });
    const dropped: DroppedJob[] = [];
    bus.dropped$.subscribe((d) => dropped.push(d));
    const streamed = record(bus, 'job');
    for (let i = 0; i < 4; i++) bus.publish('job', i); // 1 running + 3 queued: full
    return { bus, ran, dropped, streamed };
  }

  it("'error' throws QueueFullError and publishes nothing of that event", async () => {
    const { bus, ran, dropped, streamed } = fullBus('error');
    expect(() => bus.publish('job', 99)).toThrow(QueueFullError);
    expect(() => bus.publish('job', 99)).toThrow(/Handler queue is full \(3 jobs waiting\): 'job' needs 1 more/);
    expect(streamed.payloads).toEqual([0, 1, 2, 3]);
    expect(bus).not.toHavePublished('job', 99);
    expect(bus.stats()).toMatchObject({ published: 4, queued: 3, dropped: 0 });
    await bus.flush();
    expect(ran).toEqual([0, 1, 2, 3]);
    expect(dropped).toEqual([]);
  });

  it("'drop-newest' drops the new event's jobs, counts and reports them; streams still see it", async () => {
    const { bus, ran, dropped, streamed } = fullBus('drop-newest');
    bus.publish('job', 4);
    bus.publish('job', 5);
    expect(streamed.payloads).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bus.stats()).toMatchObject({ dropped: 2, queued: 3 });
    expect(dropped.map((d) => [d.event.payload, d.reason])).toEqual([
      [4, 'drop-newest'],
      [5, 'drop-newest'],
    ]);
    await bus.flush();
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it("'drop-oldest' evicts the oldest queued jobs to make room", async () => {
    const { bus, ran, dropped } = fullBus('drop-oldest');
    bus.publish('job', 4);
    bus.publish('job', 5);
    expect(bus.stats()).toMatchObject({ dropped: 2, queued: 3 });
    expect(dropped.map((d) => [d.event.payload, d.reason])).toEqual([
      [1, 'drop-oldest'],
      [2, 'drop-oldest'],
    ]);
    await bus.flush();
    expect(ran).toEqual([0, 3, 4, 5]);
  });

  it('is all-or-nothing per event across handlers', () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 2 });
    bus.on('job', never);
    bus.on('job', never);
    bus.on('job', never);
    bus.publish('job', 1); // one runs, two queue: full
    expect(bus.stats()).toMatchObject({ running: 1, queued: 2 });
    expect(() => bus.publish('job', 2)).toThrow(QueueFullError);
    expect(bus.stats()).toMatchObject({ running: 1, queued: 2 });
    expect(bus).toHavePublishedTimes('job', 1);
  });
});

describe('bus.emit: backpressure', () => {
  it('publishes at once when there is room', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 1 });
    const ran: number[] = [];
    bus.on('job', (n) => void ran.push(n));
    await bus.emit('job', 1);
    expect(ran).toEqual([1]);
  });

  it('waits for room, then publishes; waiting producers are served in FIFO order', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 1 });
    const ran: Array<[number, number]> = [];
    bus.on('job', async (n) => {
      ran.push([n, bus.now]);
      await bus.delay(10);
    });
    await bus.emit('job', 0); // runs
    await bus.emit('job', 1); // queued
    const order: number[] = [];
    const waiting = [2, 3, 4].map((n) => bus.emit('job', n).then(() => order.push(n)));
    expect(bus.stats()).toMatchObject({ emitters: 3, queued: 1, published: 2 });
    await bus.flush();
    await Promise.all(waiting);
    expect(order).toEqual([2, 3, 4]);
    expect(ran).toEqual([0, 1, 2, 3, 4].map((n) => [n, n * 10]));
    expect(bus.stats().emitters).toBe(0);
    expect(bus).toHaveNoPendingWork();
  });

  it('rejects with QueueFullError when the timeout passes first (virtual time)', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 0 });
    bus.on('job', never);
    bus.publish('job', 0);
    const result = bus.emit('job', 1, { timeout: 500 }).catch((e: unknown) => e);
    bus.advance(500);
    const error = (await result) as QueueFullError;
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error.waited).toBe(500);
    expect(error.message).toContain('stayed full for 500 ms');
    expect(bus.stats()).toMatchObject({ emitters: 0, published: 1 });
    expect(bus.scheduler.pending).toBe(0);
  });

  it('rejects with signal.reason when aborted, before or while waiting', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 0 });
    bus.on('job', never);
    bus.publish('job', 0);
    const early = new AbortController();
    early.abort('early');
    await expect(bus.emit('job', 1, { signal: early.signal })).rejects.toBe('early');
    const late = new AbortController();
    const waiting = bus.emit('job', 2, { signal: late.signal });
    expect(bus.stats().emitters).toBe(1);
    late.abort('late');
    await expect(waiting).rejects.toBe('late');
    expect(bus.stats()).toMatchObject({ emitters: 0, published: 1 });
  });

  it('rejects at once when the event can never fit', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 1 });
    for (let i = 0; i < 3; i++) bus.on('job', never);
    await expect(bus.emit('job', 1)).rejects.toThrow(/needs 3 handler jobs per event.*capacity 1.*concurrency 1.*wait forever/);
    expect(bus.stats()).toMatchObject({ published: 0, emitters: 0 });
  });

  it('rejects waiting producers with BusClosedError on close', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 0 });
    bus.on('job', never);
    bus.publish('job', 0);
    const waiting = bus.emit('job', 1);
    void bus.close({ drain: false });
    await expect(waiting).rejects.toBeInstanceOf(BusClosedError);
    await expect(bus.emit('job', 2)).rejects.toBeInstanceOf(BusClosedError);
  });

  it('carries 100 producers × 100 events to 10 handlers: each handler sees each event once, nothing dropped', async () => {
    const bus = createTestBus<Events>({ concurrency: 8, capacity: 64 });
    const seen = Array.from({ length: 10 }, () => new Map<number, number>());
    let maxQueued = 0;
    seen.forEach((map) =>
      bus.on('job', async (n) => {
        map.set(n, (map.get(n) ?? 0) + 1);
        maxQueued = Math.max(maxQueued, bus.stats().queued);
        if (n % 7 === 0) await Promise.resolve();
      }),
    );
    const producers = Array.from({ length: 100 }, async (_, p) => {
      for (let i = 0; i < 100; i++) await bus.emit('job', p * 100 + i);
    });
    await Promise.all(producers);
    await bus.flush();
    for (const map of seen) {
      expect(map.size).toBe(10_000);
      expect([...map.values()].every((count) => count === 1)).toBe(true);
    }
    expect(bus.stats()).toMatchObject({ published: 10_000, delivered: 100_000, dropped: 0, failed: 0, emitters: 0 });
    expect(bus).toHavePublishedTimes('job', 10_000);
    expect(maxQueued).toBeLessThanOrEqual(64);
  });
});

describe('error isolation', () => {
  it('turns sync throws and async rejections into HandlerErrors on errors$, and goes on', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    const errors: HandlerError[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    const ok: number[] = [];
    bus.on('job', function syncBoom(n) {
      if (n === 1) throw new Error('sync boom');
    });
    bus.on('job', async function asyncBoom(n) {
      if (n === 2) throw new Error('async boom');
    });
    bus.on('job', (n) => void ok.push(n));
    for (let n = 0; n < 4; n++) bus.publish('job', n);
    await bus.flush();
    expect(ok).toEqual([0, 1, 2, 3]);
    expect(errors.map((e) => [e.handler, e.event.type, (e.cause as Error).message])).toEqual([
      ['syncBoom', 'job', 'sync boom'],
      ['asyncBoom', 'job', 'async boom'],
    ]);
    expect(errors[0]).toBeInstanceOf(HandlerError);
    expect(errors[0]!.message).toBe("Handler 'syncBoom' failed on 'job' (event #2): sync boom");
    expect(bus.stats()).toMatchObject({ failed: 2, delivered: 10, running: 0 });
  });

  it('calls onError when nobody subscribes to errors$', async () => {
    const seen: HandlerError[] = [];
    const bus = createTestBus<Events>({ onError: (e) => seen.push(e) });
    bus.on('job', () => {
      throw new Error('x');
    });
    bus.publish('job', 1);
    await bus.flush();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.cause).toEqual(new Error('x'));
  });

  it("falls back to RxJS's onUnhandledError, never an unhandled rejection", async () => {
    const { reported, restore } = captureUnhandledErrors();
    try {
      const bus = createTestBus<Events>();
      bus.on('job', async () => {
        throw new Error('nobody listens');
      });
      bus.publish('job', 1);
      await bus.flush();
      expect(reported).toHaveLength(1);
      expect((reported[0] as HandlerError).message).toContain('nobody listens');
    } finally {
      restore();
    }
  });
});

describe('unsubscribing handlers', () => {
  it('stops new deliveries, discards queued jobs and lets the running one finish', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    const ran: number[] = [];
    let finished = 0;
    const dropped: DroppedJob[] = [];
    bus.dropped$.subscribe((d) => dropped.push(d));
    await expectNoLeaks(bus, async () => {
      const sub = bus.on('job', async (n) => {
        ran.push(n);
        await bus.delay(10);
        finished++;
      });
      bus.publish('job', 1);
      bus.publish('job', 2);
      bus.publish('job', 3);
      sub.unsubscribe();
      bus.publish('job', 4);
      expect(dropped.map((d) => [d.event.payload, d.reason])).toEqual([
        [2, 'unsubscribed'],
        [3, 'unsubscribed'],
      ]);
      expect(bus.stats().running).toBe(1);
      await bus.flush();
    });
    expect(ran).toEqual([1]);
    expect(finished).toBe(1);
    expect(bus).toHavePublishedTimes('job', 4);
    expect(bus.stats().subscriptions).toBe(0); // handlers and events$ count; dropped$ does not
  });

  it('unsubscribes when its signal aborts', () => {
    const bus = createTestBus<Events>();
    const controller = new AbortController();
    const ran: number[] = [];
    bus.on('job', (n) => void ran.push(n), { signal: controller.signal });
    bus.publish('job', 1);
    controller.abort();
    bus.publish('job', 2);
    expect(ran).toEqual([1]);
    expect(bus.stats().subscriptions).toBe(0);
  });
});

describe('bus.pause / bus.resume', () => {
  it('stops job starts without closing: publishing queues up to capacity, emit then waits', async () => {
    const bus = createTestBus<Events>({ concurrency: 2, capacity: 3 });
    const started: number[] = [];
    bus.on('job', (n) => {
      started.push(n);
    });
    bus.pause();
    expect(bus.stats().paused).toBe(true);
    for (let i = 1; i <= 3; i++) bus.publish('job', i);
    expect(started).toEqual([]);
    expect(bus.stats()).toMatchObject({ queued: 3, running: 0 });
    expect(() => bus.publish('job', 4)).toThrow(QueueFullError);
    let emitted = false;
    const emit = bus.emit('job', 4).then(() => (emitted = true));
    await bus.advanceAsync(1000); // flush() would wait for a paused pool forever
    expect(emitted).toBe(false);
    expect(bus.stats().emitters).toBe(1);
    bus.resume();
    expect(bus.stats().paused).toBe(false);
    await emit;
    await bus.flush();
    expect(started).toEqual([1, 2, 3, 4]);
    expect(bus).toBeSettled();
  });

  it('lets jobs already running finish while paused', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    const ended: number[] = [];
    bus.on('job', async (n) => {
      await bus.delay(10);
      ended.push(n);
    });
    bus.publish('job', 1);
    bus.publish('job', 2);
    bus.pause();
    await bus.advanceAsync(50);
    expect(ended).toEqual([1]);
    expect(bus.stats()).toMatchObject({ running: 0, queued: 1, paused: true });
    bus.resume();
    await bus.flush();
    expect(ended).toEqual([1, 2]);
  });

  it('keeps settled() pending while paused with queued jobs, and close() resumes to drain', async () => {
    const bus = createTestBus<Events>();
    const started: number[] = [];
    bus.on('job', (n) => void started.push(n));
    bus.pause();
    bus.publish('job', 1);
    let settled = false;
    const settling = bus.settled().then(() => (settled = true));
    await bus.advanceAsync(1000);
    expect(settled).toBe(false);
    await bus.close();
    expect(started).toEqual([1]);
    expect(await settling).toBe(true);
  });

  it('resume() from a stream subscriber inside publish starts the jobs after the subscribers, before publish returns', () => {
    const bus = createTestBus<Events>();
    const log: string[] = [];
    bus.on('job', (n) => void log.push(`job ${n}`));
    bus.pause();
    bus.publish('job', 1);
    bus.events$('other').subscribe(() => {
      bus.resume();
      log.push('resumed');
    });
    bus.publish('other', 0);
    log.push('returned');
    expect(log).toEqual(['resumed', 'job 1', 'returned']);
  });
});

describe('bus.clear', () => {
  it("discards queued jobs, reports each on dropped$ with reason 'cleared', and leaves running ones alone", async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    const drops: DroppedJob[] = [];
    bus.dropped$.subscribe((d) => drops.push(d));
    const ran: number[] = [];
    bus.on('job', async function worker(n) {
      ran.push(n);
      await bus.delay(5);
    });
    for (let i = 1; i <= 4; i++) bus.publish('job', i);
    expect(bus.clear()).toBe(3);
    expect(drops.map((d) => [d.event.payload, d.reason, d.handler])).toEqual([
      [2, 'cleared', 'worker'],
      [3, 'cleared', 'worker'],
      [4, 'cleared', 'worker'],
    ]);
    expect(bus.stats()).toMatchObject({ queued: 0, running: 1, dropped: 3 });
    await bus.flush();
    expect(ran).toEqual([1]);
    expect(bus.clear()).toBe(0);
  });

  it('with a pattern, discards only the jobs of matching events and keeps the order of the rest', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    const ran: string[] = [];
    bus.on(['job', 'other'], async (n, event) => {
      ran.push(`${event.type} ${n}`);
      await bus.delay(1);
    });
    bus.on('job.keyed', (p) => void ran.push(`keyed ${p.key}${p.n}`), { key: (p) => p.key });
    bus.pause();
    bus.publish('job', 1);
    bus.publish('other', 2);
    bus.publish('job.keyed', { key: 'a', n: 1 });
    bus.publish('job', 3);
    bus.publish('job.keyed', { key: 'a', n: 2 });
    bus.publish('other', 4);
    expect(bus.clear(['other', 'job.keyed'])).toBe(4);
    expect(bus.stats().queued).toBe(2);
    bus.resume();
    await bus.flush();
    expect(ran).toEqual(['job 1', 'job 3']);
    expect(bus).toBeSettled();
  });

  it('frees room for a waiting emitter', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 1 });
    bus.on('job', (_n, _e, { signal }) => untilAborted(signal));
    bus.publish('job', 1); // running
    bus.publish('job', 2); // queued
    const emit = bus.emit('job', 3);
    expect(bus.stats().emitters).toBe(1);
    bus.clear('job');
    await emit;
    expect(bus.stats()).toMatchObject({ emitters: 0, queued: 1, dropped: 1 });
    await bus.close({ drain: false });
  });

  it('may be called from a dropped$ subscriber while it reports (re-entrancy)', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    bus.on('job', (_n, _e, { signal }) => untilAborted(signal));
    for (let i = 1; i <= 4; i++) bus.publish('job', i);
    const seen: Array<[unknown, number]> = [];
    bus.dropped$.subscribe((d) => {
      seen.push([d.event.payload, bus.stats().queued]);
      bus.clear();
    });
    bus.clear('job');
    expect(seen).toEqual([
      [2, 0],
      [3, 0],
      [4, 0],
    ]);
    await bus.close({ drain: false });
  });
});

describe('bus.on with a per-job timeout', () => {
  it('aborts the signal and fails the job with a HandlerError caused by a JobTimeoutError; a handler that honours its signal frees its slot', async () => {
    const bus = createTestBus<Events>();
    const errors: HandlerError[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    let reason: unknown;
    await expectNoLeaks(bus, async () => {
      const sub = bus.on(
        'job',
        function fetchPrice(_n, _e, { signal }) {
          return new Promise<void>((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              reason = signal.reason;
              reject(signal.reason);
            });
          });
        },
        { timeout: 100 },
      );
      bus.publish('job', 7);
      bus.advance(99);
      expect(errors).toHaveLength(0);
      await bus.advanceAsync(1);
      expect(errors).toHaveLength(1);
      const [error] = errors;
      expect(error).toBeInstanceOf(HandlerError);
      expect(error!.cause).toBeInstanceOf(JobTimeoutError);
      expect(error!.cause).toBe(reason);
      const cause = error!.cause as JobTimeoutError;
      expect(cause.name).toBe('TimeoutError');
      expect(cause).toMatchObject({ handler: 'fetchPrice', timeout: 100, event: { type: 'job', id: 1 } });
      expect(cause.message).toContain("Handler 'fetchPrice' ran longer than its 100 ms timeout on 'job' (event #1)");
      await bus.flush();
      expect(bus.stats()).toMatchObject({ failed: 1, delivered: 0, running: 0, overdue: 0 });
      sub.unsubscribe();
    });
  });

  it('keeps the slot of a job that ignores its signal until it returns, visible as stats().overdue, and reports it once', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    const errors: HandlerError[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    const started: number[] = [];
    const sub = bus.on(
      'job',
      async (n) => {
        started.push(n);
        await bus.delay(n === 1 ? 500 : 1); // ignores its signal
        throw new Error('late failure, ignored');
      },
      { timeout: 100, name: 'stubborn' },
    );
    bus.publish('job', 1);
    bus.publish('job', 2);
    await bus.advanceAsync(100);
    expect(errors.map((e) => (e.cause as JobTimeoutError).name)).toEqual(['TimeoutError']);
    expect(bus.stats()).toMatchObject({ failed: 1, running: 1, queued: 1, overdue: 1 });
    expect(started).toEqual([1]);
    await bus.advanceAsync(400);
    expect(started).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
    await bus.flush();
    // Job 2 failed by itself (no timeout), job 1 counted once.
    expect(errors).toHaveLength(2);
    expect(errors[1]!.cause).toBeInstanceOf(Error);
    expect(bus.stats()).toMatchObject({ failed: 2, running: 0, overdue: 0 });
    sub.unsubscribe();
    expect(bus.scheduler.pending).toBe(0);
  });

  it('leaves no timer behind for jobs that finish in time, and none for synchronous handlers', async () => {
    const bus = createTestBus<Events>();
    await expectNoLeaks(bus, async () => {
      const sub = bus.on('job', async () => bus.delay(10), { timeout: 50 });
      const sync = bus.on('other', () => undefined, { timeout: 50 });
      for (let i = 0; i < 5; i++) bus.publish('job', i);
      bus.publish('other', 0);
      await bus.flush();
      expect(bus.stats()).toMatchObject({ delivered: 6, failed: 0 });
      sub.unsubscribe();
      sync.unsubscribe();
    });
  });

  it('counts in deliver(): the timed-out job is in failed, resolved when the job really ends', async () => {
    const bus = createTestBus<Events>();
    bus.errors$.subscribe(() => undefined);
    bus.on('job', async () => bus.delay(300), { timeout: 100 });
    const delivery = bus.deliver('job', 1);
    let done = false;
    void delivery.then(() => (done = true));
    await bus.advanceAsync(100);
    expect(done).toBe(false);
    await bus.advanceAsync(200);
    const result = await delivery;
    expect(result.handled).toBe(0);
    expect(result.failed.map((f) => f.cause)).toEqual([expect.any(JobTimeoutError)]);
  });

  it('checks the option', async () => {
    await using bus = createTestBus<Events>();
    expect(() => bus.on('job', () => undefined, { timeout: -1 })).toThrow(RangeError);
    expect(() => bus.on('job', () => undefined, { timeout: '5' as never })).toThrow(TypeError);
    expect(bus.stats().subscriptions).toBe(0);
  });
});
