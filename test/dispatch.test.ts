/**
 * Admission and delivery under re-entrancy: user code that runs inside a
 * publish (stream subscribers, waiter callbacks, key functions, handler
 * starts, dropped$ subscribers) publishes, unsubscribes, aborts and closes.
 * Each block names the defect of the re-entrancy issue it pins down.
 */
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { BusClosedError, QueueFullError, createBus, type BusEvent, type DroppedJob } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { deferred, flush, observe } from './support/async.js';
import type { AnyEvents as Events } from './support/events.js';

describe('a handler unsubscribed during the publish of an event it matches', () => {
  it('gets no job when an events$ subscriber unsubscribes it, and the bus settles', async () => {
    const bus = createBus<Events>({ capacity: 1 });
    const calls: unknown[] = [];
    const dropped: DroppedJob[] = [];
    bus.dropped$.subscribe((d) => dropped.push(d));
    const sub = bus.on('x', (p) => void calls.push(p), { concurrency: 1 });
    bus.on('x', () => new Promise(() => undefined), { name: 'blocker' }); // keeps nothing: unrelated handler of its own
    bus.events$('x').subscribe(() => sub.unsubscribe());
    bus.publish('x', 1);
    expect(calls).toEqual([]);
    expect(bus.stats().queued).toBe(0);
    expect(dropped.map((d) => d.reason)).toEqual(['unsubscribed']);
  });

  it('gets no job when a waitFor$ next callback unsubscribes it; settled() and close() resolve', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 1 });
    const hold = deferred();
    bus.on('busy', () => hold.promise);
    bus.publish('busy');
    let ran = 0;
    const sub = bus.on('x', () => void ran++);
    bus.waitFor$('x').subscribe(() => sub.unsubscribe());
    bus.publish('x');
    expect(bus.stats().queued).toBe(0);
    hold.resolve();
    await flush();
    const settled = observe(bus.settled());
    await flush();
    expect(settled.status).toBe('fulfilled');
    expect(ran).toBe(0);
    // The idle bus has its queue room back: with capacity 1 this would throw if a job were stranded.
    bus.on('y', () => new Promise(() => undefined));
    bus.publish('y');
    expect(() => bus.publish('busy')).not.toThrow();
  });

  it('gets no job when its own key function unsubscribes it', async () => {
    const bus = createBus<Events>();
    let ran = 0;
    const sub = bus.on('x', () => void ran++, {
      key: () => {
        sub.unsubscribe();
        return 'k';
      },
    });
    bus.publish('x');
    expect(ran).toBe(0);
    expect(bus.stats()).toMatchObject({ queued: 0, running: 0 });
    await expect(bus.settled()).resolves.toBeUndefined();
  });

  it('gets no job when an events$ subscriber aborts its signal', async () => {
    const bus = createBus<Events>();
    const controller = new AbortController();
    let ran = 0;
    bus.on('x', () => void ran++, { signal: controller.signal });
    bus.events$('x').subscribe(() => controller.abort());
    bus.publish('x');
    expect(ran).toBe(0);
    expect(bus.stats()).toMatchObject({ queued: 0, running: 0, dropped: 1 });
    await expect(bus.close()).resolves.toBeUndefined();
  });
});

describe('admission is atomic per event', () => {
  it('keeps queued ≤ capacity when a stream subscriber publishes (nested publish)', () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 2, overflow: 'drop-newest' });
    const seen: number[] = [];
    bus.on('**', () => new Promise(() => undefined));
    bus.stats$.subscribe((s) => seen.push(s.queued));
    bus.events$('a').subscribe(() => {
      bus.publish('b');
      seen.push(bus.stats().queued);
    });
    for (let i = 0; i < 5; i++) bus.publish('a');
    expect(Math.max(...seen, bus.stats().queued)).toBeLessThanOrEqual(2);
  });

  it("keeps queued ≤ capacity when the scheduler's clock read publishes during an emit (no stale room count)", async () => {
    const clock = new VirtualScheduler();
    let nested = false;
    // A scheduler is user code too: its now() runs inside the admission of an emit.
    const scheduler = Object.create(clock, {
      now: {
        value: () => {
          if (nested) {
            nested = false;
            bus.publish('x');
          }
          return clock.now();
        },
      },
    }) as VirtualScheduler;
    const bus = createBus<Events>({ concurrency: 1, capacity: 0, scheduler });
    bus.on('x', () => new Promise(() => undefined));
    nested = true;
    const emitted = observe(bus.emit('x'));
    await flush();
    // The nested publish took the only slot: the emit must wait, not queue past capacity 0.
    expect(bus.stats()).toMatchObject({ running: 1, queued: 0, published: 1 });
    expect(emitted.status).toBe('pending');
  });

  it('gives nested events unique ids, increasing in the order the first subscriber sees them', () => {
    const bus = createBus<Events>({ overflow: 'drop-oldest', capacity: 1, concurrency: 1 });
    const ids: number[] = [];
    bus.events$().subscribe((e) => ids.push(e.id));
    bus.on('**', () => new Promise(() => undefined));
    // Publishes from a dropped$ subscriber (delivery) and from a key function (before admission).
    bus.dropped$.subscribe(() => {
      if (ids.length < 6) bus.publish('from-dropped');
    });
    bus.on('x', () => undefined, { key: () => (ids.length < 3 ? (bus.publish('from-key'), 'k') : 'k') });
    for (let i = 0; i < 3; i++) bus.publish('x');
    expect(ids.length).toBeGreaterThan(6);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(bus.stats().published).toBe(ids.length);
  });

  it('runs same-key jobs in publish order when a handler publishes the next one', async () => {
    const bus = createBus<Events>({ concurrency: 4 });
    const order: number[] = [];
    bus.on(
      'job',
      async (n) => {
        order.push(n as number);
        if ((n as number) < 5) bus.publish('job', (n as number) + 1);
        await Promise.resolve();
      },
      { key: () => 'same' },
    );
    bus.events$('job').subscribe((e) => {
      if (e.payload === 1) bus.publish('job', 100);
    });
    bus.publish('job', 1);
    await bus.settled();
    expect(order).toEqual([1, 100, 2, 3, 4, 5]);
  });

  it('admits a handler burst while slots are free: 40 synchronous publishes, concurrency 64, capacity 16', async () => {
    const bus = createBus<Events>({ concurrency: 64, capacity: 16, overflow: 'drop-newest' });
    const hold = deferred();
    let started = 0;
    bus.on('child', () => {
      started++;
      return hold.promise;
    });
    bus.on('parent', () => {
      for (let i = 0; i < 40; i++) bus.publish('child', i);
    });
    bus.publish('parent');
    expect(bus.stats().dropped).toBe(0);
    expect(started).toBe(40);
    hold.resolve();
    await bus.settled();
  });

  it("does not throw QueueFullError under 'error' while slots are free", () => {
    const bus = createBus<Events>({ concurrency: 64, capacity: 16, overflow: 'error' });
    bus.on('child', () => new Promise(() => undefined));
    bus.on('parent', () => {
      for (let i = 0; i < 40; i++) bus.publish('child', i);
    });
    expect(() => bus.publish('parent')).not.toThrow();
    expect(bus.stats()).toMatchObject({ running: 40, queued: 0, failed: 0, delivered: 1 });
  });

  it('calls handler jobs after every stream subscriber saw the event, before the outermost publish returns', () => {
    const bus = createBus<Events>();
    const log: string[] = [];
    bus.on('a', () => void log.push('handler a'));
    bus.on('b', () => void log.push('handler b'));
    bus.events$('a').subscribe(() => {
      log.push('stream 1 a');
      bus.publish('b');
      log.push('stream 1 after b');
    });
    bus.events$('**').subscribe((e) => log.push(`stream 2 ${e.type}`));
    bus.publish('a');
    log.push('returned');
    expect(log).toEqual(['stream 1 a', 'stream 2 b', 'stream 1 after b', 'stream 2 a', 'handler a', 'handler b', 'returned']);
  });
});

describe('close() during a publish', () => {
  it('waits for the jobs admitted before it, and no job starts after it resolved', async () => {
    const bus = createBus<Events>();
    const job = deferred();
    let running = 0;
    bus.on('x', () => {
      running++;
      return job.promise.then(() => void running--);
    });
    let closing: ReturnType<typeof observe> | undefined;
    bus.events$('x').subscribe(() => (closing = observe(bus.close())));
    bus.publish('x');
    await flush();
    expect(running).toBe(1);
    expect(closing!.status).toBe('pending');
    job.resolve();
    await flush();
    expect(closing!.status).toBe('fulfilled');
    expect(bus.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it("with drain: false from a waiter's matcher, drops the job that had not started", async () => {
    const bus = createBus<Events>();
    let ran = 0;
    const dropped: DroppedJob[] = [];
    bus.dropped$.subscribe((d) => dropped.push(d));
    bus.on('x', () => void ran++);
    let closing: Promise<void> | undefined;
    const waited = observe(
      bus.waitFor('x', () => {
        closing = bus.close({ drain: false });
        return false;
      }),
    );
    bus.publish('x');
    await closing;
    await flush();
    expect(ran).toBe(0);
    expect(dropped.map((d) => d.reason)).toEqual(['closed']);
    expect(waited.status).toBe('rejected');
    expect(waited.error).toBeInstanceOf(BusClosedError);
    expect(bus.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('refuses the event when a key function closes the bus', () => {
    const bus = createBus<Events>();
    const seen: BusEvent[] = [];
    bus.events$().subscribe((e) => seen.push(e));
    bus.on('x', () => undefined, { key: () => (void bus.close(), 'k') });
    expect(() => bus.publish('x')).toThrow(BusClosedError);
    expect(seen).toEqual([]);
    expect(bus.stats().published).toBe(0);
  });
});

describe('envelopes and the bus object are read-only', () => {
  it('a subscriber cannot change what the next subscriber or the history sees', async () => {
    const bus = createBus<Events>({ history: 8 });
    const mark = bus.cursor();
    bus.events$().subscribe((e) => {
      expect(() => ((e as { type: string }).type = 'other')).toThrow(TypeError);
    });
    const second = firstValueFrom(bus.events$('x'));
    bus.publish('x', 1);
    expect((await second).type).toBe('x');
    await expect(bus.waitFor('x', undefined, { since: mark })).resolves.toMatchObject({ type: 'x', payload: 1 });
  });

  it('cannot be reopened or rewired from outside', () => {
    const bus = createBus<Events>();
    void bus.close();
    expect(() => ((bus as { closed: boolean }).closed = false)).toThrow(TypeError);
    expect(bus.closed).toBe(true);
    expect(() => bus.publish('x')).toThrow(BusClosedError);
    expect(Object.keys(bus)).toEqual([]);
  });
});

describe('reserved $ types', () => {
  it('refuses to publish or emit a type starting with $', async () => {
    const bus = createBus<Events>();
    expect(() => bus.publish('$reply.x')).toThrow(/reserved for rxbus/);
    await expect(bus.emit('$x', 1)).rejects.toThrow(TypeError);
  });

  it("does not give on('**') handlers a job for request replies; '$reply.**' handlers get them", async () => {
    const bus = createBus<Events>({ scheduler: new VirtualScheduler() });
    const all: string[] = [];
    const replies: string[] = [];
    bus.on('**', (_p, e) => void all.push(e.type));
    bus.on('$reply.**', (_p, e) => void replies.push(e.type));
    bus.handle('user.get', () => 'ada');
    await expect(bus.request('user.get', 1)).resolves.toBe('ada');
    await bus.settled();
    expect(all).toEqual(['user.get']);
    expect(replies).toEqual(['$reply.user.get']);
  });
});

describe('options must be objects', () => {
  it('refuses null and primitives with a TypeError naming the argument', async () => {
    const bus = createBus<Events>();
    expect(() => createBus(null as never)).toThrow(/createBus\(\) options/);
    await expect(bus.emit('x', 1, 1 as never)).rejects.toThrow(/emit\(\) options to be an object/);
    expect(() => bus.on('x', () => undefined, null as never)).toThrow(/on\(\) options/);
    await expect(bus.waitFor('x', undefined, null as never)).rejects.toThrow(/waitFor\(\) options to be an object/);
    expect(() => bus.waitFor$('x', undefined, 5 as never)).toThrow(/waitFor\$\(\) options/);
    await expect(bus.request('x', 1, null as never)).rejects.toThrow(/request\(\) options/);
    expect(() => bus.handle('x', () => 1, 'fast' as never)).toThrow(/handle\(\) options/);
    await expect(bus.close('now' as never)).rejects.toThrow(/close\(\) options/);
    await expect(bus.close({ drain: 'no' as never })).rejects.toThrow(/'drain' to be true or false/);
    expect(bus.closed).toBe(false);
  });
});

describe('QueueFullError is still thrown when the jobs do not fit', () => {
  it('counts jobs that will take a free slot, not only queue room', () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 1 });
    bus.on('x', () => new Promise(() => undefined));
    bus.publish('x'); // runs
    bus.publish('x'); // queued
    expect(() => bus.publish('x')).toThrow(QueueFullError);
  });
});

describe('hostile handler functions', () => {
  it("registers a handler whose 'name' getter throws, and names it as unrenderable", () => {
    const bus = createBus<Events>();
    const fn = () => {
      throw new Error('boom');
    };
    Object.defineProperty(fn, 'name', {
      get() {
        throw new Error('no name');
      },
    });
    const errors: string[] = [];
    bus.errors$.subscribe((e) => errors.push(e.message));
    expect(() => bus.on('x', fn)).not.toThrow();
    bus.publish('x');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('unrenderable');
  });
});
