import fc from 'fast-check';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BusClosedError, createBus, HistoryGapError, RxBusError, WaitTimeoutError, type BusEvent, type Cursor } from 'rxbus';
import { createTestBus, expectNoLeaks, leakGuard, record } from 'rxbus/testing';
import 'rxbus/testing/vitest';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { CursorBook } from '../src/waiter.js';
import { abortListenerCount } from './support/abort-listener-count.js';
import { flush, observe } from './support/async.js';
import { CountingScheduler } from './support/counting-scheduler.js';

type Events = {
  'page.response': { url: string; status: number; body?: unknown };
  'page.request': { url: string };
  'order.created': { id: string; total: number };
  'log.line': string;
  tick: number;
};

describe('bus.waitFor', () => {
  it('resolves with the first matching event envelope', async () => {
    const bus = createTestBus<Events>();
    const wait = bus.waitFor('page.response', { url: '/api/users', status: 200 });
    bus.publish('page.response', { url: '/api/users', status: 500 });
    bus.publish('page.response', { url: '/api/users', status: 200, body: 'first' });
    bus.publish('page.response', { url: '/api/users', status: 200, body: 'second' });
    const event = await wait;
    expect(event.type).toBe('page.response');
    expect(event.payload.body).toBe('first');
    expect(event.id).toBe(2);
    expect(bus).toHaveNoPendingWork();
  });

  it('matches with a predicate that receives the payload and the envelope', async () => {
    const bus = createTestBus<Events>();
    const seen: Array<[unknown, BusEvent]> = [];
    const wait = bus.waitFor('tick', (n, e) => {
      seen.push([n, e]);
      return n > 2;
    });
    for (let i = 1; i <= 4; i++) bus.publish('tick', i);
    expect((await wait).payload).toBe(3);
    expect(seen.map(([n]) => n)).toEqual([1, 2, 3]);
    expect(seen[0]![1].type).toBe('tick');
  });

  it('matches RegExp and predicate leaves of an object matcher', async () => {
    const bus = createTestBus<Events>();
    const wait = bus.waitFor('page.response', { url: /\/api\/users\/\d+$/, status: (s: number) => s >= 200 && s < 300 });
    bus.publish('page.response', { url: '/api/users/x', status: 200 });
    bus.publish('page.response', { url: '/api/users/7', status: 404 });
    bus.publish('page.response', { url: '/api/users/7', status: 204 });
    expect((await wait).payload).toEqual({ url: '/api/users/7', status: 204 });
  });

  it('matches string payloads with a string or a RegExp', async () => {
    const bus = createTestBus<Events>();
    const exact = bus.waitFor('log.line', 'ready');
    const pattern = bus.waitFor('log.line', /^listening on \d+$/);
    bus.publish('log.line', 'starting');
    bus.publish('log.line', 'listening on 8080');
    bus.publish('log.line', 'ready');
    expect((await exact).payload).toBe('ready');
    expect((await pattern).payload).toBe('listening on 8080');
  });

  it('resolves with any event of the pattern when no matcher is given', async () => {
    const bus = createTestBus<Events>();
    const wait = bus.waitFor('order.*');
    bus.publish('tick', 1);
    bus.publish('order.created', { id: 'a', total: 1 });
    expect((await wait).type).toBe('order.created');
  });

  it('waits on wildcard patterns with pinned fields', async () => {
    const bus = createTestBus<Events>();
    const wait = bus.waitFor('page.*', { url: '/b' });
    bus.publish('page.request', { url: '/a' });
    bus.publish('page.response', { url: '/a', status: 200 });
    bus.publish('page.request', { url: '/b' });
    const event = await wait;
    expect(event.type).toBe('page.request');
    expect(event.id).toBe(3);
  });

  it('does not see events published before it was called', async () => {
    const bus = createTestBus<Events>();
    bus.publish('tick', 1);
    const state = observe(bus.waitFor('tick', 1, { timeout: 0 }));
    await bus.advanceAsync(0);
    expect(state.status).toBe('pending');
    bus.publish('tick', 1);
    await bus.advanceAsync(0);
    expect(state.status).toBe('fulfilled');
    expect(bus).toHavePublishedTimes('tick', 2);
  });

  it('does not offer the current event to a waiter registered while it is being dispatched', () => {
    const bus = createTestBus<Events>();
    const got: number[] = [];
    bus.waitFor$('tick').subscribe(() => {
      // Registered during the dispatch of event #1: must only see #2.
      bus.waitFor$('tick').subscribe((e) => got.push(e.id));
    });
    bus.publish('tick', 1);
    expect(got).toEqual([]);
    bus.publish('tick', 2);
    expect(got).toEqual([2]);
  });

  describe('timeout', () => {
    it('rejects with WaitTimeoutError after the timeout in virtual time', async () => {
      const bus = createTestBus<Events>();
      const state = observe(bus.waitFor('order.created', { id: '42' }, { timeout: 5000 }));
      await bus.advanceAsync(4999);
      expect(state.status).toBe('pending');
      expect(bus.stats().waiters).toBe(1);
      await bus.advanceAsync(1);
      expect(state.status).toBe('rejected');
      const error = state.error as WaitTimeoutError;
      expect(error).toBeInstanceOf(WaitTimeoutError);
      expect(error.name).toBe('TimeoutError');
      expect(error.timeout).toBe(5000);
      expect(error.pattern).toBe('order.created');
      expect(error.matcher).toBe("{ id: '42' }");
      expect(bus.now).toBe(5000);
      expect(bus).toHaveNoPendingWork(); // no waiter, no timer
    });

    it('uses the bus defaultTimeout when none is given', async () => {
      const bus = createTestBus<Events>({ defaultTimeout: 100 });
      const state = observe(bus.waitFor('tick'));
      await bus.advanceAsync(100);
      expect(state.error).toBeInstanceOf(WaitTimeoutError);
      expect((state.error as WaitTimeoutError).timeout).toBe(100);
    });

    it('defaults to 30 s', async () => {
      const bus = createTestBus<Events>();
      const state = observe(bus.waitFor('tick'));
      await bus.advanceAsync(29_999);
      expect(state.status).toBe('pending');
      await bus.advanceAsync(1);
      expect(state.status).toBe('rejected');
    });

    it('waits without a timer when timeout is 0', async () => {
      const bus = createTestBus<Events>();
      const state = observe(bus.waitFor('tick', undefined, { timeout: 0 }));
      expect(bus.scheduler.pending).toBe(0);
      await bus.advanceAsync(10 * 60_000);
      expect(state.status).toBe('pending');
      bus.publish('tick', 1);
      await bus.advanceAsync(0);
      expect(state.status).toBe('fulfilled');
    });

    it('cancels its timer when it resolves', async () => {
      const bus = createTestBus<Events>();
      const wait = bus.waitFor('tick', undefined, { timeout: 1000 });
      expect(bus.scheduler.pending).toBe(1);
      bus.publish('tick', 1);
      await wait;
      expect(bus.scheduler.pending).toBe(0);
    });

    it('lists the near misses of its pattern in the message, newest last and truncated', async () => {
      const bus = createTestBus<Events>();
      bus.publish('page.response', { url: '/before', status: 200 }); // before the waiter: not a near miss
      const state = observe(bus.waitFor('page.response', { url: /\/api\/users/, status: 200 }, { timeout: 5000 }));
      bus.publish('page.response', { url: '/api/users', status: 500 });
      bus.publish('tick', 1); // other pattern: not listed
      bus.publish('page.response', { url: '/api/orders', status: 200, body: 'x'.repeat(500) });
      await bus.advanceAsync(5000);
      const error = state.error as WaitTimeoutError;
      expect(error.nearMisses.map((m) => m.summary)).toEqual([
        "{ url: '/api/users', status: 500 }",
        expect.stringMatching(/^\{ url: '\/api\/orders', status: 200, body: 'xxx.*…$/),
      ]);
      expect(error.nearMisses[1]!.summary.length).toBeLessThanOrEqual(100);
      expect(error.message).toContain(
        "Timed out after 5000 ms waiting for 'page.response' matching { url: /\\/api\\/users/, status: 200 }",
      );
      expect(error.message).toContain("2 recent 'page.response' event(s) did not match");
      expect(error.message).toContain("- page.response { url: '/api/users', status: 500 }");
      expect(error.message).not.toContain('/before');
    });

    it('says so when no event of the pattern arrived at all', async () => {
      const bus = createTestBus<Events>();
      const state = observe(bus.waitFor('order.created', (p) => p.total > 10, { timeout: 50 }));
      bus.publish('tick', 1);
      await bus.advanceAsync(50);
      expect((state.error as Error).message).toContain("No 'order.created' event arrived while waiting.");
      expect((state.error as Error).message).toContain('predicate');
    });

    it('keeps at most five near misses', async () => {
      const bus = createTestBus<Events>();
      const state = observe(bus.waitFor('tick', 100, { timeout: 10 }));
      for (let i = 0; i < 20; i++) bus.publish('tick', i);
      await bus.advanceAsync(10);
      expect((state.error as WaitTimeoutError).nearMisses.map((m) => m.summary)).toEqual(['15', '16', '17', '18', '19']);
    });
  });

  describe('abort', () => {
    it('rejects at once with signal.reason when aborted before the call, registering nothing', async () => {
      const bus = createTestBus<Events>();
      const controller = new AbortController();
      const reason = new Error('user cancelled');
      controller.abort(reason);
      const wait = bus.waitFor('tick', undefined, { signal: controller.signal, timeout: 1000 });
      expect(bus).toHaveNoPendingWork(); // no waiter, no timer
      await expect(wait).rejects.toBe(reason);
    });

    it('rejects with signal.reason when aborted while waiting, and removes its listener and timer', async () => {
      const bus = createTestBus<Events>();
      const controller = new AbortController();
      await expectNoLeaks(bus, async () => {
        const wait = bus.waitFor('tick', undefined, { signal: controller.signal, timeout: 1000 });
        expect(abortListenerCount(controller.signal)).toBe(1);
        expect(bus.stats().waiters).toBe(1);
        controller.abort('stop');
        await expect(wait).rejects.toBe('stop');
      });
      expect(abortListenerCount(controller.signal)).toBe(0);
      expect(bus).toHaveNoPendingWork();
    });

    it('removes the abort listener when it resolves', async () => {
      const bus = createTestBus<Events>();
      const controller = new AbortController();
      const wait = bus.waitFor('tick', undefined, { signal: controller.signal });
      bus.publish('tick', 1);
      await wait;
      expect(abortListenerCount(controller.signal)).toBe(0);
    });

    it('shares one abort listener among all waiters on one signal', async () => {
      const bus = createTestBus<Events>();
      const controller = new AbortController();
      const waits = Array.from({ length: 50 }, (_, i) => bus.waitFor('tick', i, { signal: controller.signal }));
      expect(abortListenerCount(controller.signal)).toBe(1);
      bus.publish('tick', 3);
      await waits[3];
      expect(abortListenerCount(controller.signal)).toBe(1);
      controller.abort();
      const results = await Promise.allSettled(waits);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(49);
      expect(abortListenerCount(controller.signal)).toBe(0);
      expect(bus).toHaveNoPendingWork();
    });
  });

  describe('matcher errors', () => {
    it('rejects only the waiter whose matcher threw', async () => {
      const bus = createTestBus<Events>();
      const boom = new Error('bad matcher');
      const failing = bus.waitFor('tick', () => {
        throw boom;
      });
      const healthy = bus.waitFor('tick', 1);
      const stream = record(bus, 'tick');
      bus.publish('tick', 1);
      await expect(failing).rejects.toBe(boom);
      expect((await healthy).payload).toBe(1);
      expect(stream.payloads).toEqual([1]);
      bus.publish('tick', 2);
      expect(stream.payloads).toEqual([1, 2]);
      expect(bus).toHaveNoWaiters();
    });
  });

  describe('since', () => {
    it('catches an event published between the cursor and the call', async () => {
      const bus = createTestBus<Events>();
      const mark = bus.cursor();
      bus.publish('page.response', { url: '/api/users', status: 200 }); // the "fast response"
      const event = await bus.waitFor('page.response', { url: '/api/users' }, { since: mark });
      expect(event.id).toBe(1);
      expect(bus).toHaveNoPendingWork();
    });

    it('ignores history events at or before the cursor', async () => {
      const bus = createTestBus<Events>();
      bus.publish('tick', 1);
      const mark = bus.cursor();
      bus.publish('tick', 2);
      const event = await bus.waitFor('tick', undefined, { since: mark });
      expect(event.payload).toBe(2);
    });

    it("checks the whole history with since: 'history', oldest first", async () => {
      const bus = createTestBus<Events>();
      bus.publish('tick', 5);
      bus.publish('tick', 6);
      const event = await bus.waitFor('tick', (n) => n > 4, { since: 'history' });
      expect(event.payload).toBe(5);
    });

    it('falls through to live events when history has no match', async () => {
      const bus = createTestBus<Events>();
      const mark = bus.cursor();
      bus.publish('tick', 1);
      const state = observe(bus.waitFor('tick', 2, { since: mark }));
      await bus.advanceAsync(0);
      expect(state.status).toBe('pending');
      bus.publish('tick', 2);
      await bus.advanceAsync(0);
      expect(state.value?.id).toBe(2);
    });

    it('rejects at once with HistoryGapError saying how many events were lost and how to size history', async () => {
      const bus = createTestBus<Events>({ history: 2 });
      const mark = bus.cursor();
      bus.publish('tick', 1); // evicted by the next two
      bus.publish('tick', 2);
      bus.publish('tick', 3);
      const state = observe(bus.waitFor('tick', 1, { since: mark, timeout: 10 }));
      await flush(1); // no virtual time passes
      expect(state.status).toBe('rejected');
      const error = state.error as HistoryGapError;
      expect(error).toBeInstanceOf(HistoryGapError);
      expect(error).toBeInstanceOf(RxBusError);
      expect(error.name).toBe('HistoryGapError');
      expect(error).toMatchObject({ pattern: 'tick', cursor: 0, lost: 1, oldest: 2, history: 2 });
      expect(error.message).toMatch(/1 event\(s\) published after cursor #0 \(#1 to #1\) were evicted/);
      expect(error.message).toMatch(/keeps the last 2 events/);
      expect(error.message).toMatch(/'history' of at least 3/);
      expect(bus).toHaveNoPendingWork();
    });

    it('treats every missed event as lost with history: 0, but not a cursor at the newest event', async () => {
      const bus = createTestBus<Events>({ history: 0 });
      bus.publish('tick', 1);
      const mark = bus.cursor();
      const live = observe(bus.waitFor('tick', undefined, { since: mark, timeout: 0 }));
      await flush(1);
      expect(live.status).toBe('pending');
      bus.publish('tick', 2);
      await flush(1);
      expect(live.value?.id).toBe(2);
      const late = observe(bus.waitFor('tick', undefined, { since: mark }));
      await flush(1);
      expect(late.error).toBeInstanceOf(HistoryGapError);
      expect(late.error).toMatchObject({ cursor: 1, lost: 1, oldest: undefined, history: 0 });
      expect((late.error as Error).message).toMatch(/keeps no events \(history: 0\)/);
      expect(bus).toHaveNoWaiters();
    });

    it('checks the gap when waitFor$ is subscribed, not when it is created', () => {
      const bus = createTestBus<Events>({ history: 1 });
      const mark = bus.cursor();
      const wait$ = bus.waitFor$('tick', undefined, { since: mark });
      bus.publish('tick', 1);
      bus.publish('tick', 2);
      let error: unknown;
      wait$.subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBeInstanceOf(HistoryGapError);
      expect(error).toMatchObject({ lost: 1, oldest: 2 });
      expect(bus).toHaveNoWaiters();
    });

    it('offers every event after the cursor once, in order, when a matcher publishes while the history is full', async () => {
      const bus = createTestBus<Events>({ history: 3 });
      bus.publish('tick', 1);
      const mark = bus.cursor();
      for (let n = 2; n <= 4; n++) bus.publish('tick', n); // history: 2 3 4 (full)
      const seen: number[] = [];
      const wait = bus.waitFor(
        'tick',
        (n) => {
          seen.push(n);
          if (n === 2) bus.publish('tick', 5); // evicts 2 and shifts the ring under the scan
          return n === 6;
        },
        { since: mark, timeout: 0 },
      );
      expect(seen).toEqual([2, 3, 4, 5]);
      bus.publish('tick', 6);
      expect((await wait).payload).toBe(6);
      expect(seen).toEqual([2, 3, 4, 5, 6]);
      expect(bus).toHaveNoWaiters();
    });

    it('offers every event after the cursor when a matcher publishes so much during the replay that the history overflows', async () => {
      const bus = createTestBus<Events>({ history: 2 });
      const mark = bus.cursor();
      bus.publish('tick', 1);
      bus.publish('tick', 2);
      const seen: number[] = [];
      const state = observe(
        bus.waitFor(
          'tick',
          (n) => {
            seen.push(n);
            if (n === 1) for (let k = 10; k < 13; k++) bus.publish('tick', k); // evicts 2 from the history
            return false;
          },
          { since: mark, timeout: 0 },
        ),
      );
      await flush(1);
      // 2 was taken from the history before the matcher ran; 10–12 were seen live, after it.
      expect(seen).toEqual([1, 2, 10, 11, 12]);
      expect(state.status).toBe('pending');
      bus.publish('tick', 13);
      expect(seen).toEqual([1, 2, 10, 11, 12, 13]);
      await bus.close();
    });

    it('offers an event once when a waiter with since registers while that event is being published', async () => {
      const bus = createTestBus<Events>();
      const mark = bus.cursor();
      const seen: number[] = [];
      let wait: Promise<BusEvent<'tick', number>> | undefined;
      bus.events$('tick').subscribe(() => {
        wait ??= bus.waitFor('tick', (n) => (seen.push(n), n === 2), { since: mark });
      });
      bus.publish('tick', 1); // in the history before the subscriber runs, dispatched to waiters after it
      expect(seen).toEqual([1]);
      bus.publish('tick', 2);
      expect((await wait!).payload).toBe(2);
      expect(seen).toEqual([1, 2]);
    });

    it('rejects with BusClosedError when a matcher closes the bus during the history scan', async () => {
      const bus = createTestBus<Events>();
      const mark = bus.cursor();
      bus.publish('tick', 1);
      const state = observe(
        bus.waitFor(
          'tick',
          () => {
            void bus.close();
            return false;
          },
          { since: mark },
        ),
      );
      await flush(1);
      expect(state.error).toBeInstanceOf(BusClosedError);
      expect(bus.stats().waiters).toBe(0);
    });

    it('rejects a cursor that this bus never handed out', async () => {
      const bus = createTestBus<Events>();
      await expect(bus.waitFor('tick', undefined, { since: 5 as Cursor })).rejects.toThrow(RangeError);
      await expect(bus.waitFor('tick', undefined, { since: -1 as Cursor })).rejects.toThrow(/cursor from bus.cursor\(\)/);
      expect(bus).toHaveNoWaiters();
    });

    it('refuses a cursor from another bus with a RangeError', async () => {
      const one = createTestBus<Events>();
      const other = createTestBus<Events>();
      for (let n = 1; n <= 3; n++) {
        one.publish('tick', n);
        other.publish('tick', n);
      }
      const foreign = one.cursor();
      await expect(other.waitFor('tick', undefined, { since: foreign })).rejects.toThrow(RangeError);
      await expect(other.waitFor('tick', undefined, { since: foreign })).rejects.toThrow(/#3 is not a cursor this bus handed out/);
      expect(() => other.waitFor$('tick', undefined, { since: foreign })).toThrow(RangeError);
      expect(other).toHaveNoWaiters();
      // The bus's own cursors and 'history' keep working.
      const own = other.cursor();
      expect(own).toBe(3);
      other.publish('tick', 4);
      expect((await other.waitFor('tick', undefined, { since: own })).payload).toBe(4);
      expect((await other.waitFor('tick', undefined, { since: 'history' })).payload).toBe(1);
    });
  });

  describe('bad input', () => {
    it('rejects bad arguments with clear errors and registers nothing', async () => {
      const bus = createTestBus<Events>();
      await expectNoLeaks(bus, async () => {
        await expect(bus.waitFor(42 as unknown as 'tick')).rejects.toThrow(TypeError);
        await expect(bus.waitFor('tick', undefined, { timeout: -1 })).rejects.toThrow(/'timeout'.*got number -1/);
        await expect(bus.waitFor('tick', undefined, { timeout: Number.NaN })).rejects.toThrow(RangeError);
        await expect(bus.waitFor('tick', undefined, { signal: {} as AbortSignal })).rejects.toThrow(/AbortSignal/);
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await expect(bus.waitFor('order.created', cyclic as never)).rejects.toThrow(/cycle/);
      });
      expect(bus).toHaveNoPendingWork();
    });

    it('throws synchronously from waitFor$ on bad arguments', () => {
      const bus = createTestBus<Events>();
      expect(() => bus.waitFor$('tick', undefined, { timeout: -5 })).toThrow(RangeError);
    });
  });

  describe('close', () => {
    it('rejects pending waiters with BusClosedError', async () => {
      const bus = createTestBus<Events>();
      const wait = bus.waitFor('tick');
      await bus.close();
      await expect(wait).rejects.toBeInstanceOf(BusClosedError);
      expect(bus).toHaveNoPendingWork();
    });

    it('rejects new waiters after close', async () => {
      const bus = createTestBus<Events>();
      await bus.close();
      await expect(bus.waitFor('tick')).rejects.toBeInstanceOf(BusClosedError);
    });
  });
});

describe('bus.waitFor$', () => {
  it('registers nothing until subscribed (cold)', () => {
    const bus = createTestBus<Events>();
    const wait$ = bus.waitFor$('tick', undefined, { timeout: 1000 });
    bus.publish('tick', 1);
    expect(bus).toHaveNoPendingWork(); // no waiter, no timer
    const got: number[] = [];
    wait$.subscribe((e) => got.push(e.payload));
    expect(bus.stats().waiters).toBe(1);
    bus.publish('tick', 2);
    expect(got).toEqual([2]);
  });

  it('emits once and completes', async () => {
    const bus = createTestBus<Events>();
    const all = firstValueFrom(bus.waitFor$('tick').pipe(toArray()));
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    expect((await all).map((e) => e.payload)).toEqual([1]);
  });

  it('leaves nothing behind when unsubscribed early', async () => {
    const bus = createTestBus<Events>();
    const controller = new AbortController();
    await expectNoLeaks(bus, () => {
      const sub = bus.waitFor$('tick', 1, { timeout: 1000, signal: controller.signal }).subscribe();
      expect(bus.stats().waiters).toBe(1);
      expect(bus.scheduler.pending).toBe(1);
      sub.unsubscribe();
    });
    expect(bus).toHaveNoPendingWork();
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('registers again on each subscription', async () => {
    const bus = createTestBus<Events>();
    const wait$ = bus.waitFor$('tick');
    const a = firstValueFrom(wait$);
    bus.publish('tick', 1);
    const b = firstValueFrom(wait$.pipe(take(1)));
    bus.publish('tick', 2);
    expect((await a).payload).toBe(1);
    expect((await b).payload).toBe(2);
  });
});

describe('waitFor with since under re-entrant publishes', () => {
  it('offers each event after the cursor exactly once and in order, or rejects with the events lost', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }), // history
        fc.integer({ min: 0, max: 6 }), // publishes before the cursor
        fc.integer({ min: 0, max: 6 }), // publishes between the cursor and the wait
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 12 }), // what the matcher publishes at its i-th call
        fc.integer({ min: 1, max: 40 }), // the id the matcher accepts
        fc.integer({ min: 0, max: 3 }), // live publishes after the wait registered
        (history, before, between, nested, target, live) => {
          const bus = createBus<Events>({ history, scheduler: new VirtualScheduler() });
          // Payloads are the ids: only 'tick' events are published.
          const tick = (): void => bus.publish('tick', bus.stats().published + 1);
          for (let i = 0; i < before; i++) tick();
          const cursor: number = bus.cursor();
          for (let i = 0; i < between; i++) tick();
          const offered: number[] = [];
          let outcome: { value: BusEvent } | { error: unknown; published: number } | undefined;
          bus
            .waitFor$(
              'tick',
              (n) => {
                offered.push(n);
                for (let i = nested[offered.length - 1] ?? 0; i > 0; i--) tick();
                return n === target;
              },
              { since: cursor as Cursor, timeout: 0 },
            )
            .subscribe({
              next: (value) => (outcome = { value }),
              error: (error: unknown) => (outcome ??= { error, published: bus.stats().published }),
            });
          for (let i = 0; i < live; i++) tick();

          // Offered in id order from the cursor on, none twice, none skipped.
          expect(offered).toEqual(offered.map((_, i) => cursor + 1 + i));
          const last = bus.stats().published;
          if (outcome === undefined) {
            expect(offered.at(-1) ?? cursor).toBe(last); // pending: it has seen everything so far
            expect(bus.stats().waiters).toBe(1);
          } else if ('value' in outcome) {
            // (A matcher that publishes during a live offer is offered that
            // newer event before it returns: `target` need not be the last.)
            expect(outcome.value.id).toBe(target);
            expect(offered).toContain(target);
          } else {
            const error = outcome.error as HistoryGapError;
            expect(error).toBeInstanceOf(HistoryGapError);
            const first = cursor + offered.length + 1; // the first event it never saw
            const oldestKept = outcome.published - history + 1;
            expect(first).toBeLessThan(oldestKept); // really gone when it gave up
            expect(error.cursor).toBe(cursor);
            expect(error.lost).toBe(Math.min(oldestKept, outcome.published + 1) - first);
            expect(error.oldest).toBe(history === 0 ? undefined : oldestKept);
          }
          if (outcome !== undefined) expect(bus.stats().waiters).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('CursorBook', () => {
  it('remembers the cursors it handed out, the newest history + 1 of them', () => {
    const book = new CursorBook(2);
    for (const id of [0, 1, 1, 1, 4, 6]) expect(book.issue(id)).toBe(id);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((id) => book.issued(id))).toEqual([false, true, false, false, true, false, true, false]);
  });

  it('keeps the one newest cursor with history: 0', () => {
    const book = new CursorBook(0);
    book.issue(3);
    book.issue(5);
    expect([book.issued(3), book.issued(5)]).toEqual([false, true]);
  });
});

describe('WaitTimeoutError near misses of an indexed waiter', () => {
  it('keeps the misses with its pinned value even when the history has moved on', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler, history: 8 });
    const wait = bus.waitFor('page.response', { url: '/api/7', status: 200 }, { timeout: 100 }).catch((e: unknown) => e);
    bus.publish('page.response', { url: '/api/7', status: 503 });
    for (let i = 0; i < 50; i++) bus.publish('page.response', { url: `/other/${i}`, status: 200 });
    bus.publish('page.response', { url: '/api/7', status: 404 });
    scheduler.advance(100);
    const error = (await wait) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    // Its own misses first in priority (the 503 left the 8-event history long
    // ago), then the newest others; listed in publish order.
    expect(error.nearMisses.map((m) => m.summary)).toEqual([
      "{ url: '/api/7', status: 503 }",
      "{ url: '/other/47', status: 200 }",
      "{ url: '/other/48', status: 200 }",
      "{ url: '/other/49', status: 200 }",
      "{ url: '/api/7', status: 404 }",
    ]);
    expect(error.message).toContain("- page.response { url: '/api/7', status: 503 }");
  });

  it('keeps only the five newest misses of its own', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler, history: 0 });
    const wait = bus.waitFor('page.response', { url: '/api/7', status: 200 }, { timeout: 100 }).catch((e: unknown) => e);
    for (let status = 500; status < 510; status++) bus.publish('page.response', { url: '/api/7', status });
    scheduler.advance(100);
    const error = (await wait) as WaitTimeoutError;
    expect(error.nearMisses.map((m) => m.summary)).toEqual(
      [505, 506, 507, 508, 509].map((status) => `{ url: '/api/7', status: ${status} }`),
    );
  });
});

describe('waitFor timeout errors at scale', () => {
  it('raises WaitTimeoutError without stack frames, and leaves Error.stackTraceLimit as it was', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const limit = Error.stackTraceLimit;
    const wait = bus.waitFor('page.response', { url: '/a' }, { timeout: 100 });
    scheduler.advance(100);
    const error = await wait.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const stack = (error as Error).stack ?? '';
    expect(stack.startsWith('TimeoutError: Timed out after 100 ms')).toBe(true);
    expect(stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack).toMatch(/\n\s+at /);
  });

  it('lists the same near misses, rendered once and frozen, in every error of a burst', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const waits = Array.from({ length: 3 }, (_, i) =>
      bus
        .waitFor('page.response', (p) => p.url === `/wanted/${i}`, { timeout: 100 })
        .then(
          () => {
            throw new Error('expected a timeout');
          },
          (e: unknown) => e as WaitTimeoutError,
        ),
    );
    bus.publish('page.response', { url: '/other', status: 404 });
    scheduler.advance(100);
    const errors = await Promise.all(waits);
    expect(errors.map((e) => e.nearMisses.map((m) => m.summary))).toEqual([
      ["{ url: '/other', status: 404 }"],
      ["{ url: '/other', status: 404 }"],
      ["{ url: '/other', status: 404 }"],
    ]);
    expect(errors[1]!.nearMisses[0]).toBe(errors[0]!.nearMisses[0]);
    expect(Object.isFrozen(errors[0]!.nearMisses[0])).toBe(true);
    expect(bus.stats().waiters).toBe(0);
  });
});

describe('waiters at scale', () => {
  it('offers an unrelated event to no indexed waiter, then resolves 10 000 of them and keeps none', async () => {
    const bus = createBus<Events>();
    let checks = 0;
    // The url is pinned (indexed); the status predicate counts how often a
    // waiter's full matcher is consulted.
    const status = (s: number) => {
      checks++;
      return s === 200;
    };
    const waits = Array.from({ length: 10_000 }, (_, i) => bus.waitFor('page.response', { url: `/api/${i}`, status }, { timeout: 0 }));
    expect(bus.stats().waiters).toBe(10_000);

    bus.publish('page.response', { url: '/unrelated', status: 200 });
    expect(checks).toBe(0);

    bus.publish('page.response', { url: '/api/7', status: 200 });
    expect(checks).toBe(1);
    expect(bus.stats().waiters).toBe(9_999);

    for (let i = 0; i < 10_000; i++) bus.publish('page.response', { url: `/api/${i}`, status: 200 });
    const events = await Promise.all(waits);
    expect(events.map((e) => e.payload.url)).toEqual(Array.from({ length: 10_000 }, (_, i) => `/api/${i}`));
    expect(checks).toBe(10_000);
    expect(bus.stats().waiters).toBe(0);
    await bus.close();
  });

  // Counts the bus's own timers (on its scheduler), waiters, subscriptions
  // and abort listeners, never process-wide figures: the heap left by
  // aborted waiters is measured by the soak script (`npm run soak`).
  it('leaves no waiter, timer or abort listener behind after 100 000 aborted waiters, arming one timer for all', async () => {
    const scheduler = new CountingScheduler();
    const bus = createBus<Events>({ scheduler });
    const guard = leakGuard(bus);

    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const waits: Array<Promise<unknown>> = [];
    for (let i = 0; i < 100_000; i++) {
      const { signal } = controllers[i % 100]!;
      waits.push(bus.waitFor('page.response', { url: `/api/${i}` }, { timeout: 60_000, signal }));
    }
    expect(bus.stats().waiters).toBe(100_000);
    // Deadlines share a queue: one pending timer however many waiters wait.
    expect(scheduler.pending).toBe(1);
    expect(scheduler.delays).toEqual([60_000]);
    // One listener per signal, however many waiters share it.
    expect(controllers.every((c) => abortListenerCount(c.signal) === 1)).toBe(true);

    for (const c of controllers) c.abort(new Error('cancelled'));
    const results = await Promise.allSettled(waits);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as Error).message === 'cancelled')).toHaveLength(100_000);

    expect(bus.stats().waiters).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
    expect(scheduler.pending).toBe(0);
    expect(controllers.every((c) => abortListenerCount(c.signal) === 0)).toBe(true);
    expect(guard.leaks()).toEqual([]);
    // Nothing is left to fire: the deadline that was due does nothing.
    scheduler.advance(60_000);
    expect(bus.stats().waiters).toBe(0);
    await bus.close();
  });
});
