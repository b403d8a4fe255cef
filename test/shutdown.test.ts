/**
 * `bus.close()` as one operation shared by every call: escalation by a later,
 * stronger call, the drain timeout, and admission stopping at the call.
 */
import { describe, expect, it } from 'vitest';
import { CloseTimeoutError, createBus } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { abortListenerCount } from './support/abort-listener-count.js';
import { deferred, flush, observe } from './support/async.js';
import type { AnyEvents as Events } from './support/events.js';

describe('bus.close escalation', () => {
  it('a later close({ drain: false }) cancels what a draining close waits for', async () => {
    const bus = createBus<Events>({ concurrency: 1 });
    let aborted = 0;
    bus.on('job', (_p, _e, { signal }) => new Promise<void>((resolve) => signal.addEventListener('abort', () => (aborted++, resolve()))));
    bus.publish('job', 1);
    bus.publish('job', 2);
    const first = observe(bus.close());
    await flush();
    expect(first.status).toBe('pending');
    const second = observe(bus.close({ drain: false }));
    await flush();
    expect(aborted).toBe(1);
    expect([first.status, second.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(bus.stats()).toMatchObject({ running: 0, queued: 0, dropped: 1 });
  });

  it('a later close({ timeout }) bounds a draining close, which then rejects with CloseTimeoutError', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    bus.on('job', function ignoresSignal() {
      return new Promise(() => undefined);
    });
    bus.publish('job');
    const first = observe(bus.close());
    const second = observe(bus.close({ timeout: 50 }));
    scheduler.advance(49);
    await flush();
    expect(first.status).toBe('pending');
    scheduler.advance(1);
    await flush();
    expect(first.status).toBe('rejected');
    expect(second.error).toBe(first.error);
    expect(first.error).toBeInstanceOf(CloseTimeoutError);
    expect((first.error as CloseTimeoutError).handlers).toEqual(['ignoresSignal']);
    expect(scheduler.pending).toBe(0);
  });

  it('a later, longer timeout does not postpone the first one', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const job = deferred();
    bus.on('job', () => job.promise);
    bus.publish('job');
    const first = observe(bus.close({ timeout: 10 }));
    void bus.close({ timeout: 1000 }).catch(() => undefined);
    scheduler.advance(10);
    await flush();
    expect(first.error).toBeInstanceOf(CloseTimeoutError);
  });

  it('resolves when the jobs finish before the timeout, leaving no timer', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const job = deferred();
    bus.on('job', () => job.promise);
    bus.publish('job');
    const closing = observe(bus.close({ timeout: 1000 }));
    job.resolve();
    await flush();
    expect(closing.status).toBe('fulfilled');
    expect(scheduler.pending).toBe(0);
  });
});

describe('bus.close cleanup', () => {
  it('close({ drain: false }) on a paused pool drops the queued jobs instead of starting them', async () => {
    const bus = createBus<Events>({ concurrency: 1 });
    const ran: unknown[] = [];
    const dropped: string[] = [];
    bus.on('a', (payload) => void ran.push(payload));
    bus.dropped$.subscribe((drop) => dropped.push(drop.reason));
    bus.pause();
    bus.publish('a', 1);
    await bus.close({ drain: false });
    expect(ran).toEqual([]);
    expect(dropped).toEqual(['closed']);
    expect(bus.stats()).toMatchObject({ queued: 0, running: 0, dropped: 1, paused: false });
  });

  it('a close() from a dropped$ subscriber still reports the other drops of that publish before dropped$ completes', async () => {
    const bus = createBus<Events>({ concurrency: 1, capacity: 0, overflow: 'drop-oldest' });
    bus.on('a', () => {});
    bus.on('a', () => {});
    const reported: string[] = [];
    let completed = false;
    let closing: Promise<void> | undefined;
    bus.dropped$.subscribe({
      next: (drop) => {
        reported.push(drop.reason);
        closing ??= bus.close({ drain: false });
      },
      complete: () => (completed = true),
    });
    bus.publish('a', 1);
    await closing;
    expect(reported).toEqual(['drop-newest', 'drop-newest']);
    expect(bus.stats().dropped).toBe(2);
    expect(completed).toBe(true);
  });

  it('removes the abort listener of every on(…, { signal }) handler', async () => {
    const bus = createBus<Events>();
    const controller = new AbortController();
    bus.on('x', () => undefined, { signal: controller.signal });
    bus.on('y', () => undefined, { signal: controller.signal });
    expect(abortListenerCount(controller.signal)).toBe(1);
    await bus.close();
    expect(abortListenerCount(controller.signal)).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
  });
});
