/**
 * Waiting emitters (`bus.emit`) under re-entrancy and close: the defects of
 * the re-entrancy issue about emit, each pinned by a test.
 */
import { describe, expect, it } from 'vitest';
import { BusClosedError, QueueFullError, createBus } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { deferred, flush, observe } from './support/async.js';
import type { AnyEvents as Events } from './support/events.js';

describe('bus.emit', () => {
  it('lets settled() resolve once a waiting emit was published and handled (concurrency 1, capacity 0)', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const slow = deferred();
    bus.on('slow', () => slow.promise);
    let fast = 0;
    bus.on('fast', () => void fast++);
    bus.publish('slow');
    const emitted = observe(bus.emit('fast', 1));
    const settled = observe(bus.settled());
    await flush();
    expect([emitted.status, settled.status]).toEqual(['pending', 'pending']);
    slow.resolve();
    await flush();
    expect(emitted.status).toBe('fulfilled');
    expect(fast).toBe(1);
    expect(settled.status).toBe('fulfilled');
  });

  it('rejects a waiting emit with QueueFullError when a new handler makes its event too big to ever fit', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const busy = deferred();
    bus.on('busy', () => busy.promise);
    bus.on('x', () => undefined);
    bus.on('y', () => undefined);
    bus.publish('busy');
    const first = observe(bus.emit('x', 1));
    const behind = observe(bus.emit('y', 2));
    bus.on('x', () => undefined); // 'x' now needs 2 jobs: more than concurrency + capacity (1)
    await flush();
    expect(first.status).toBe('rejected');
    expect(first.error).toBeInstanceOf(QueueFullError);
    expect((first.error as Error).message).toMatch(/can ever hold/);
    busy.resolve();
    await flush();
    expect(behind.status).toBe('fulfilled'); // not blocked behind the impossible one
  });

  it('rejects waiting emitters with BusClosedError on close(), and none of their events is published', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const busy = deferred();
    bus.on('busy', () => busy.promise);
    const seen: string[] = [];
    bus.on('x', (p) => void seen.push(String(p)));
    bus.publish('busy');
    const emits = [observe(bus.emit('x', 'a')), observe(bus.emit('x', 'b')), observe(bus.emit('x', 'c'))];
    const closing = bus.close();
    busy.resolve();
    await closing;
    await flush();
    expect(emits.map((e) => e.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const e of emits) expect(e.error).toBeInstanceOf(BusClosedError);
    // The rejection surfaces far from the producer loop: the message names the cause.
    expect((emits[0]!.error as Error).message).toMatch(/3 emit\(\) call\(s\) were still waiting for queue room .* await each emit\(\)/);
    expect(seen).toEqual([]);
    expect(bus.stats().published).toBe(1);
  });

  it('does not publish a later waiting emit that would fit while close() rejects the ones before it', async () => {
    const bus = createBus<Events>({ concurrency: 2, capacity: 0 });
    bus.on('busy', () => new Promise(() => undefined));
    bus.on('big', () => undefined);
    bus.on('big', () => undefined);
    const small: unknown[] = [];
    bus.on('small', (p) => void small.push(p));
    bus.publish('busy'); // one slot left: 'big' (2 jobs) waits, 'small' (1 job) waits behind it
    const big = observe(bus.emit('big', 1));
    const late = observe(bus.emit('small', 2));
    void bus.close({ drain: false });
    await flush();
    expect([big.status, late.status]).toEqual(['rejected', 'rejected']);
    expect(late.error).toBeInstanceOf(BusClosedError);
    expect(small).toEqual([]);
    expect(bus.stats().published).toBe(1);
  });

  it('resolves an emit whose event was published even when a subscriber of that event aborts its signal', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const busy = deferred();
    bus.on('busy', () => busy.promise);
    let handled = 0;
    bus.on('x', () => void handled++);
    bus.publish('busy');
    const controller = new AbortController();
    bus.events$('x').subscribe(() => controller.abort(new Error('too late')));
    const emitted = observe(bus.emit('x', 1, { signal: controller.signal }));
    busy.resolve();
    await flush();
    expect(handled).toBe(1);
    expect(emitted.status).toBe('fulfilled');
  });

  it('resolves an emit published at once even when a subscriber aborts its signal', async () => {
    const bus = createBus<Events>();
    const controller = new AbortController();
    bus.events$('x').subscribe(() => controller.abort());
    await expect(bus.emit('x', 1, { signal: controller.signal })).resolves.toBeUndefined();
  });

  it('rejects a waiting emit whose signal was aborted behind a stopImmediatePropagation() listener, before publishing it', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const busy = deferred();
    bus.on('busy', () => busy.promise);
    let handled = 0;
    bus.on('x', () => void handled++);
    bus.publish('busy');
    const controller = new AbortController();
    controller.signal.addEventListener('abort', (e) => e.stopImmediatePropagation());
    const emitted = observe(bus.emit('x', 1, { signal: controller.signal }));
    controller.abort(new Error('cancelled'));
    busy.resolve();
    await flush();
    expect(emitted.status).toBe('rejected');
    expect((emitted.error as Error).message).toBe('cancelled');
    expect(handled).toBe(0);
  });

  it('times out a waiting emit on virtual time with the needed room in the message', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ concurrency: 1, capacity: 0, scheduler });
    bus.on('busy', () => new Promise(() => undefined));
    bus.on('x', () => undefined);
    bus.publish('busy');
    const emitted = observe(bus.emit('x', 1, { timeout: 100 }));
    scheduler.advance(100);
    await flush();
    expect(emitted.error).toBeInstanceOf(QueueFullError);
    expect((emitted.error as Error).message).toContain('stayed full for 100 ms');
    expect(scheduler.pending).toBe(0);
  });
});

describe('bus.emit and key functions', () => {
  it('does not count a handler whose key function throws as a job when judging whether the event can ever fit', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const errors: unknown[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    bus.on('a.**', () => undefined, {
      key: () => {
        throw new Error('no key');
      },
    });
    let ran = 0;
    bus.on('a.**', () => void ran++);
    await expect(bus.emit('a.x', 1)).resolves.toBeUndefined();
    expect(ran).toBe(1);
    expect(errors).toHaveLength(1);
  });
});

describe('bus.emit when a handler is added while it waits', () => {
  it('rejects the waiting head at once when the new handler makes it too big, before room frees up', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    bus.on('busy', () => new Promise(() => undefined));
    bus.on('x', () => undefined);
    bus.publish('busy');
    const waiting = observe(bus.emit('x', 1));
    await flush();
    expect(waiting.status).toBe('pending');
    bus.on('x', () => undefined);
    await flush();
    expect(waiting.status).toBe('rejected');
    expect((waiting.error as Error).message).toMatch(/can ever hold/);
  });
});

describe('bus.emit when on() rejects a waiting emit that can never fit', () => {
  it('publishes the emit behind it after on() returned, not inside it', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const gate = deferred();
    bus.on('busy', () => gate.promise);
    bus.on('x', () => undefined);
    bus.publish('busy');
    const seen: string[] = [];
    bus.events$('**').subscribe((e) => seen.push(e.type));
    const big = observe(bus.emit('x', 1));
    const small = observe(bus.emit('y', 2)); // no handler: fits as soon as it is the head
    bus.on('x', () => undefined); // 'x' now needs 2 jobs: never fits
    expect(seen).toEqual([]); // nothing published inside on()
    await flush();
    expect(big.status).toBe('rejected');
    expect(small.status).toBe('fulfilled');
    expect(seen).toEqual(['y']);
    gate.resolve();
  });
});
