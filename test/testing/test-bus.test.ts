import { interval, mergeMap, Subject, timer } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BusClosedError, QueueFullError, RequestTimeoutError, WaitTimeoutError, type BusStats, type Request } from 'rxbus';
import { rateLimit } from 'rxbus/operators';
import { createTestBus, VirtualScheduler, type TestBus } from 'rxbus/testing';

type Events = {
  'page.request': { url: string };
  'page.response': { url: string; status: number };
  'user.get': Request<{ id: string }, { name: string }>;
  tick: number;
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createTestBus', () => {
  it('starts its clock at 0, or at startTime, and stamps events with it', () => {
    const bus = createTestBus<Events>();
    expect(bus.now).toBe(0);
    const later = createTestBus<Events>({ startTime: 1_000 });
    later.publish('tick', 1);
    expect(later.now).toBe(1_000);
    expect(later.published.events[0]!.time).toBe(1_000);
  });

  it('records every event from its creation, request and reply events included', async () => {
    const bus = createTestBus<Events>();
    bus.handle('user.get', ({ id }) => ({ name: `user ${id}` }));
    bus.publish('tick', 1);
    const reply = await bus.request('user.get', { id: '7' });
    expect(reply).toEqual({ name: 'user 7' });
    expect(bus.published.types).toEqual(['tick', 'user.get', '$reply.user.get']);
    expect(bus.published.payloads[0]).toBe(1);
  });

  it('leaves its own recording out of stats().subscriptions and stats$', () => {
    const bus = createTestBus<Events>();
    expect(bus.stats().subscriptions).toBe(0);
    const sub = bus.events$('tick').subscribe();
    expect(bus.stats().subscriptions).toBe(1);
    const seen: BusStats[] = [];
    const stats = bus.stats$.subscribe((s) => seen.push(s));
    expect(seen[0]!.subscriptions).toBe(1);
    stats.unsubscribe();
    sub.unsubscribe();
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('behaves as a Bus everywhere: members, `in`, await using', async () => {
    let outer: TestBus<Events>;
    let wait: Promise<unknown>;
    {
      await using bus = createTestBus<Events>();
      outer = bus;
      expect('publish' in bus && 'advance' in bus && 'published' in bus).toBe(true);
      expect(bus.publish).toBe(bus.publish); // bound once
      wait = bus.waitFor('tick', undefined, { timeout: 0 });
      expect(bus.closed).toBe(false);
    }
    expect(outer.closed).toBe(true);
    await expect(wait).rejects.toBeInstanceOf(BusClosedError);
  });

  it('refuses a scheduler that is not a VirtualScheduler', () => {
    expect(() => createTestBus({ scheduler: {} as VirtualScheduler })).toThrow(/VirtualScheduler from rxbus\/testing/);
  });

  it('shares one clock between buses given the same scheduler', () => {
    const scheduler = new VirtualScheduler();
    const a = createTestBus<Events>({ scheduler });
    const b = createTestBus<Events>({ scheduler });
    a.advance(100);
    expect(b.now).toBe(100);
    expect(b.scheduler).toBe(scheduler);
  });

  it('uses no real timer', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 0 });
    bus.stats$.subscribe();
    void bus.waitFor('tick', 99, { timeout: 100 }).catch(() => undefined);
    bus.on('page.request', () => bus.delay(50));
    bus.publish('page.request', { url: '/a' });
    void bus.emit('page.request', { url: '/b' }, { timeout: 10 }).catch(() => undefined);
    await bus.flush();
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(setIntervalSpy).not.toHaveBeenCalled();
  });
});

describe('TestBus clock', () => {
  it('advance(ms) times out waiters on the virtual clock', async () => {
    const bus = createTestBus<Events>();
    const wait = bus.waitFor('page.response', { status: 200 }, { timeout: 5000 });
    bus.advance(4999);
    expect(bus.stats().waiters).toBe(1);
    bus.advance(1);
    await expect(wait).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(bus.now).toBe(5000);
    expect(bus.scheduler.pending).toBe(0);
  });

  it('times out requests and emit on the virtual clock', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 0 });
    bus.handle('user.get', () => new Promise<{ name: string }>(() => undefined));
    const request = bus.request('user.get', { id: '1' }, { timeout: 300 });
    const emitted = bus.emit('user.get', { id: '2' }, { timeout: 200 });
    bus.advance(200);
    await expect(emitted).rejects.toBeInstanceOf(QueueFullError);
    bus.advance(100);
    await expect(request).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(bus.stats()).toMatchObject({ pendingRequests: 0, emitters: 0 });
  });

  it('drives rateLimit given bus.scheduler', async () => {
    const bus = createTestBus<Events>();
    const requests = new Subject<number>();
    const passed: Array<[number, number]> = [];
    requests.pipe(rateLimit({ rate: 1, per: 100, burst: 1, scheduler: bus.scheduler })).subscribe((n) => passed.push([n, bus.now]));
    [1, 2, 3].forEach((n) => requests.next(n));
    await bus.advanceAsync(250);
    expect(passed).toEqual([
      [1, 0],
      [2, 100],
      [3, 200],
    ]);
  });

  it('advance(ms) runs due timers before promise continuations; advanceAsync(ms) lets them run between timers', async () => {
    const run = async (move: (bus: TestBus<Events>) => Promise<void> | void) => {
      const bus = createTestBus<Events>();
      bus.on('page.request', async ({ url }) => {
        await bus.delay(100);
        await bus.delay(100); // scheduled when the first sleep's continuation runs
        bus.publish('page.response', { url, status: 200 });
      });
      bus.publish('page.request', { url: '/a' });
      await move(bus);
      return bus.published.events.filter((e) => e.type === 'page.response').map((e) => e.time);
    };
    expect(await run((bus) => bus.advance(300))).toEqual([]);
    expect(await run((bus) => bus.advanceAsync(300))).toEqual([200]);
  });

  it('advanceAsync ends exactly at now + ms', async () => {
    const bus = createTestBus<Events>({ startTime: 10 });
    await bus.advanceAsync(90);
    expect(bus.now).toBe(100);
    await expect(bus.advanceAsync(-1)).rejects.toThrow(RangeError);
  });

  it('delay(ms) resolves after ms of virtual time only', async () => {
    const bus = createTestBus<Events>();
    let done = false;
    void bus.delay(100).then(() => (done = true));
    expect(bus.scheduler.pending).toBe(1);
    await bus.advanceAsync(99);
    expect(done).toBe(false);
    await bus.advanceAsync(1);
    expect(done).toBe(true);
    expect(bus.scheduler.pending).toBe(0);
  });

  it('runAll() runs every timer synchronously', () => {
    const bus = createTestBus<Events>();
    const fired: number[] = [];
    timer(500, bus.scheduler).subscribe(() => fired.push(bus.now));
    timer(100, bus.scheduler).subscribe(() => fired.push(bus.now));
    bus.runAll();
    expect(fired).toEqual([100, 500]);
  });

  it('flush() runs async handlers, the timers they start and the events they publish, to the end', async () => {
    const bus = createTestBus<Events>({ concurrency: 2 });
    bus.on('page.request', async ({ url }) => {
      await bus.delay(40);
      bus.publish('page.response', { url, status: 200 });
    });
    bus.on('page.response', async () => {
      await Promise.resolve();
      bus.publish('tick', bus.now);
    });
    for (const url of ['/a', '/b', '/c']) bus.publish('page.request', { url });
    await bus.flush();
    expect(bus.published.types.filter((t) => t === 'tick')).toHaveLength(3);
    expect(bus.published.events.filter((e) => e.type === 'tick').map((e) => e.payload)).toEqual([40, 40, 80]);
    expect(bus.now).toBe(80);
    expect(bus.stats()).toMatchObject({ queued: 0, running: 0, delivered: 6 });
    expect(bus.scheduler.pending).toBe(0);
  });

  it('flush() times out pending waiters, since it runs every timer', async () => {
    const bus = createTestBus<Events>({ defaultTimeout: 1000 });
    const wait = bus.waitFor('tick');
    const outcome = wait.catch((e: unknown) => e);
    await bus.flush();
    expect(await outcome).toBeInstanceOf(WaitTimeoutError);
    expect(bus.now).toBe(1000);
  });

  it('flush() waits for tracked work released outside virtual time', async () => {
    const bus = createTestBus<Events>();
    let release!: () => void;
    bus.track(new Promise<void>((resolve) => (release = resolve)));
    let flushed = false;
    const flushing = bus.flush().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    release();
    await flushing;
    expect(bus.stats().tracked).toBe(0);
  });

  it('flush() stops on a timer that never ends, with a clear error', async () => {
    const bus = createTestBus<Events>();
    const sub = interval(1, bus.scheduler)
      .pipe(mergeMap(async () => undefined))
      .subscribe();
    await expect(bus.flush()).rejects.toThrow(/periodic timer .* never cancelled/);
    sub.unsubscribe();
    expect(bus.scheduler.pending).toBe(0);
  });
});
