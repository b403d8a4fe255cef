import { of, Subject, take } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createRateLimitController, type RateLimitDrop } from '../../operators/rate-limit-controller.js';
import { rateLimit } from '../../operators/rate-limit.js';
import { CountingScheduler, TIMER_LIMIT } from '../support/counting-scheduler.js';
import { endlessSource } from '../support/endless-source.js';
import { createTestScheduler, useTestScheduler } from '../support/test-scheduler.js';

const EMPTY_STATS = { buckets: 0, waiting: 0, timers: 0, subscriptions: 0 };

describe('rateLimit', () => {
  const testScheduler = useTestScheduler();

  /** A scheduler driven by hand, for counting what is scheduled. */
  const manualScheduler = (): TestScheduler => {
    const scheduler = createTestScheduler();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    return scheduler;
  };

  describe('budget', () => {
    it('lets a burst through at once, then one value per refill, in order', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('(abcd|)');
        expectObservable(source.pipe(rateLimit({ rate: 1, per: 10, burst: 2, scheduler: testScheduler() }))).toBe('(ab) 6ms c 9ms (d|)');
        expectSubscriptions(source.subscriptions).toBe('(^!)');
      });
    });

    it('does not delay values that stay within the rate', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a 9ms b 9ms c 19ms d|');
        expectObservable(source.pipe(rateLimit({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() }))).toBe('a 9ms b 9ms c 19ms d|');
      });
    });

    it('makes a value that arrives while others wait go after them, even when a token is due at that moment', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // c arrives at frame 10, the moment b's token refills.
        const source = cold('(ab) 6ms c|');
        expectObservable(source.pipe(rateLimit({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() }))).toBe('a 9ms b 9ms (c|)');
      });
    });

    it('refills continuously: a partly refilled bucket waits only for the rest', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const source = cold('a 3ms b|');
        expectObservable(source.pipe(rateLimit({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() }))).toBe('a 9ms (b|)');
      });
    });

    it('defaults burst to rate and the scheduler to asyncScheduler (virtual inside TestScheduler.run)', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const source = cold('(abcd|)');
        expectObservable(source.pipe(rateLimit({ rate: 2, per: 10 }))).toBe('(ab) 1ms c 4ms (d|)');
      });
    });
  });

  describe('completion, errors and unsubscription', () => {
    it('completes only after the waiting values are released', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('(abc|)');
        expectObservable(source.pipe(rateLimit({ rate: 1, per: 5, burst: 1, scheduler: testScheduler() }))).toBe('a 4ms b 4ms (c|)');
        expectSubscriptions(source.subscriptions).toBe('(^!)');
      });
    });

    it('passes a source error through at once and discards the waiting values', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() });
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('(abc) 1ms #');
        expectObservable(source.pipe(rateLimit({ controller }))).toBe('a 5ms #');
        expectSubscriptions(source.subscriptions).toBe('^-----!');
      });
      expect(controller.stats()).toEqual({ ...EMPTY_STATS, buckets: 1 });
    });

    it('discards waiting values and cancels their timer when unsubscribed', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler });
      const source = new Subject<number>();
      const seen: number[] = [];
      const sub = source.pipe(rateLimit({ controller })).subscribe((v) => seen.push(v));
      for (let i = 0; i < 5; i++) source.next(i);
      expect(seen).toEqual([0]);
      expect(controller.stats()).toEqual({ buckets: 1, waiting: 4, timers: 1, subscriptions: 1 });
      expect(scheduler.actions).toHaveLength(1);

      sub.unsubscribe();
      expect(scheduler.actions).toHaveLength(0);
      expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0, subscriptions: 0 });
      expect(source.observed).toBe(false);
      scheduler.flush();
      expect(seen).toEqual([0]);
    });

    it('unsubscribes from the source and discards waiting values on an unsubscription marble', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('(abcdef)');
        expectObservable(source.pipe(rateLimit({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() })), '^-----------!').toBe(
          'a 9ms b----',
        );
        expectSubscriptions(source.subscriptions).toBe('^-----------!');
      });
    });

    it('errors when the key function throws, leaving nothing behind', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() });
      const boom = new Error('no key');
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-c-d|');
        const key = (v: string): string => {
          if (v === 'c') throw boom;
          return 'k';
        };
        expectObservable(source.pipe(rateLimit({ controller, key }))).toBe('a---#', undefined, boom);
        expectSubscriptions(source.subscriptions).toBe('^---!');
      });
      expect(controller.stats()).toEqual({ ...EMPTY_STATS, buckets: 1 });
    });

    it('queues nothing that a synchronous source emits after the output errored', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler });
      const errors: unknown[] = [];
      // `of` emits d synchronously after c's key threw, before its subscription can be closed.
      of('a', 'b', 'c', 'd')
        .pipe(
          rateLimit({
            controller,
            key: (v) => {
              if (v === 'c') throw new Error('no key');
              return 'k';
            },
          }),
        )
        .subscribe({ error: (e: unknown) => errors.push(e) });
      expect(errors).toHaveLength(1);
      expect(controller.stats()).toEqual({ ...EMPTY_STATS, buckets: 1 });
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  describe('one timer per waiting line', () => {
    it('schedules one timer for the head of the line, not one per waiting value', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler });
      const source = new Subject<number>();
      const seen: Array<[number, number]> = [];
      source.pipe(rateLimit({ controller })).subscribe((v) => seen.push([scheduler.now(), v]));
      for (let i = 0; i < 100; i++) source.next(i);
      expect(scheduler.actions).toHaveLength(1);
      expect(controller.stats()).toMatchObject({ waiting: 99, timers: 1 });
      scheduler.flush();
      expect(seen).toHaveLength(100);
      expect(seen.every(([time, v]) => time === v * 10)).toBe(true);
      expect(scheduler.actions).toHaveLength(0);
      expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0 });
    });

    it('has one timer per key with values waiting', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler });
      const source = new Subject<string>();
      source.pipe(rateLimit({ controller, key: (v) => v[0]! })).subscribe();
      for (const v of ['a1', 'a2', 'a3', 'b1', 'b2', 'c1']) source.next(v);
      expect(controller.stats()).toMatchObject({ buckets: 3, waiting: 3, timers: 2 });
      expect(scheduler.actions).toHaveLength(2);
    });
  });

  describe('keys', () => {
    it('keeps one bucket and one line per key: order per key, no key waits for another', () => {
      const values = { w: { k: 'a', n: 1 }, x: { k: 'a', n: 2 }, y: { k: 'b', n: 1 }, z: { k: 'b', n: 2 }, q: { k: 'c', n: 1 } };
      testScheduler().run(({ cold, expectObservable }) => {
        // q (key c) arrives at 10, as the second values of a and b get their tokens.
        const source = cold('(wxyz) 4ms q 9ms |', values);
        const result = source.pipe(rateLimit({ rate: 1, per: 10, burst: 1, key: (v) => v.k, scheduler: testScheduler() }));
        expectObservable(result).toBe('(wy) 6ms (qxz) 5ms |', values);
      });
    });

    it('evicts idle buckets, so an unbounded key set keeps memory bounded', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 100, burst: 1, scheduler });
      const source = new Subject<number>();
      const seen: number[] = [];
      source.pipe(rateLimit({ controller, key: (v) => v })).subscribe((v) => seen.push(v));
      let most = 0;
      for (let i = 0; i < 10_000; i++) {
        scheduler.frame = i * 10; // a new key every 10 ms; a bucket is full again 100 ms after use
        source.next(i);
        most = Math.max(most, controller.stats().buckets);
      }
      expect(seen).toHaveLength(10_000);
      // The keys used in the last refill window (100 ms / 10 ms), not 10 000.
      expect(most).toBe(10);
      expect(controller.stats().buckets).toBe(10);
    });

    it('evicts a bucket only once it is full again: a key used recently still waits', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 1000, burst: 1, scheduler });
      const source = new Subject<string>();
      const seen: Array<[number, string]> = [];
      source.pipe(rateLimit({ controller, key: (v) => v })).subscribe((v) => seen.push([scheduler.now(), v]));
      source.next('hot');
      for (let i = 1; i <= 500; i++) {
        scheduler.frame = i;
        source.next(`k${i}`);
      }
      scheduler.frame = 600;
      source.next('hot');
      scheduler.flush();
      expect(seen.filter(([, v]) => v === 'hot')).toEqual([
        [0, 'hot'],
        [1000, 'hot'],
      ]);
    });

    it('evicts the buckets of a key whose waiting values were discarded, once full', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler });
      const source = new Subject<string>();
      const sub = source.pipe(rateLimit({ controller, key: (v) => v })).subscribe();
      source.next('a');
      source.next('a');
      expect(controller.stats()).toMatchObject({ buckets: 1, waiting: 1 });
      scheduler.frame = 10; // full again, but a value still waits (its timer has not run)
      sub.unsubscribe();
      expect(controller.stats()).toEqual(EMPTY_STATS);
    });
  });

  describe('pauseFor', () => {
    it('holds every value while the controller is paused, then goes on at the rate', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() });
      testScheduler().run(({ cold, expectObservable }) => {
        testScheduler().schedule(() => controller.pauseFor(30), 5);
        const source = cold('(abc|)');
        expectObservable(source.pipe(rateLimit({ controller }))).toBe('a 34ms b 9ms (c|)');
      });
      expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0, subscriptions: 0 });
    });

    it('pauses only one key when given one', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() });
      const values = { a: 'a', b: 'b' };
      testScheduler().run(({ cold, expectObservable }) => {
        controller.pauseFor(50, 'a');
        const source = cold('(ab) 6ms b|', values);
        expectObservable(source.pipe(rateLimit({ controller, key: (v) => v }))).toBe('b 9ms b 39ms (a|)', values);
      });
    });

    it('is remembered by the controller for later subscriptions (e.g. after retry)', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 5, scheduler: testScheduler() });
      testScheduler().run(({ cold, expectObservable }) => {
        controller.pauseFor(20);
        const source = cold('(ab|)');
        expectObservable(source.pipe(rateLimit({ controller })), '---^').toBe('20ms (ab|)');
      });
    });

    it('rejects a negative or infinite pause', () => {
      const controller = createRateLimitController({ rate: 1, per: 10 });
      expect(() => controller.pauseFor(-1)).toThrow(RangeError);
      expect(() => controller.pauseFor(Number.POSITIVE_INFINITY, 'k')).toThrow(RangeError);
    });
  });

  describe('shared controller', () => {
    it('gives the tokens of values whose subscriber unsubscribed to the others', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() });
      testScheduler().run(({ cold, expectObservable }) => {
        const first = cold('(abc)');
        const second = cold('x|');
        expectObservable(first.pipe(rateLimit({ controller })), '^----!').toBe('a----');
        // b and c were waiting and took no token: x gets the first refill, at 10.
        expectObservable(second.pipe(rateLimit({ controller })), '-----^').toBe('----------(x|)');
      });
      expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0, subscriptions: 0 });
    });

    it('serves the subscriptions sharing a budget in arrival order', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() });
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('(ab|)').pipe(rateLimit({ controller }))).toBe('a 9ms (b|)');
        expectObservable(cold('(xy|)').pipe(rateLimit({ controller }))).toBe('20ms x 9ms (y|)');
      });
    });

    it('does not hand a fresh burst to a new subscription', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 2, scheduler: testScheduler() });
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('(ab|)').pipe(rateLimit({ controller }))).toBe('(ab|)');
        expectObservable(cold('(cd|)').pipe(rateLimit({ controller })), '-^').toBe('- 9ms c 9ms (d|)');
      });
    });

    it('keeps separate budgets for separate subscriptions without a controller', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const limited = cold('(ab|)').pipe(rateLimit({ rate: 1, per: 10, burst: 2, scheduler: testScheduler() }));
        expectObservable(limited).toBe('(ab|)');
        expectObservable(limited).toBe('(ab|)');
      });
    });

    it('counts subscriptions and goes back to nothing when they end', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler });
      const source = new Subject<string>();
      const limited = source.pipe(rateLimit({ controller, key: (v) => v }));
      const subs = [limited.subscribe(), limited.subscribe(), limited.subscribe()];
      source.next('a');
      source.next('b');
      expect(controller.stats()).toEqual({ buckets: 2, waiting: 4, timers: 2, subscriptions: 3 });
      for (const sub of subs) sub.unsubscribe();
      scheduler.frame = 100;
      expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0, subscriptions: 0 });
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  describe("overflow: 'drop'", () => {
    it('drops the values that find no token and reports them with when to retry', () => {
      const drops: Array<[string, RateLimitDrop]> = [];
      testScheduler().run(({ cold, expectObservable }) => {
        const source = cold('(abcd) 4ms e|');
        const result = source.pipe(
          rateLimit({ rate: 1, per: 10, burst: 2, overflow: 'drop', onDrop: (v, d) => drops.push([v, d]), scheduler: testScheduler() }),
        );
        expectObservable(result).toBe('(ab) 6ms e|');
      });
      expect(drops).toEqual([
        ['c', { key: undefined, retryAfterMs: 10 }],
        ['d', { key: undefined, retryAfterMs: 10 }],
      ]);
    });

    it('drops per key and schedules nothing', () => {
      const scheduler = manualScheduler();
      const controller = createRateLimitController({ rate: 1, per: 60_000, burst: 1, scheduler });
      const source = new Subject<{ ip: string }>();
      const passed: string[] = [];
      const dropped: Array<[string, RateLimitDrop]> = [];
      source
        .pipe(rateLimit({ controller, key: (r) => r.ip, overflow: 'drop', onDrop: (r, d) => dropped.push([r.ip, d]) }))
        .subscribe((r) => passed.push(r.ip));
      for (const ip of ['1.1.1.1', '2.2.2.2', '1.1.1.1', '1.1.1.1']) source.next({ ip });
      scheduler.frame = 15_000;
      source.next({ ip: '2.2.2.2' });
      expect(passed).toEqual(['1.1.1.1', '2.2.2.2']);
      expect(dropped).toEqual([
        ['1.1.1.1', { key: '1.1.1.1', retryAfterMs: 60_000 }],
        ['1.1.1.1', { key: '1.1.1.1', retryAfterMs: 60_000 }],
        ['2.2.2.2', { key: '2.2.2.2', retryAfterMs: 45_000 }],
      ]);
      expect(scheduler.actions).toHaveLength(0);
      expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0 });
    });

    it('does not jump ahead of values waiting in a shared line', () => {
      const controller = createRateLimitController({ rate: 1, per: 10, burst: 1, scheduler: testScheduler() });
      const drops: number[] = [];
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('(abc|)').pipe(rateLimit({ controller }))).toBe('a 9ms b 9ms (c|)');
        const dropping = rateLimit<string>({ controller, overflow: 'drop', onDrop: (_, d) => drops.push(d.retryAfterMs) });
        expectObservable(cold('x|').pipe(dropping)).toBe('-|');
      });
      // b and c are ahead of x: the token for x would come after theirs.
      expect(drops).toEqual([30]);
    });

    it('completes at once when the source completes', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const source = cold('(abc|)');
        expectObservable(source.pipe(rateLimit({ rate: 1, per: 10, burst: 1, overflow: 'drop', scheduler: testScheduler() }))).toBe('(a|)');
      });
    });

    it('errors the output when onDrop throws', () => {
      const boom = new Error('onDrop failed');
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('(abc|)');
        const result = source.pipe(
          rateLimit({
            rate: 1,
            per: 10,
            burst: 1,
            overflow: 'drop',
            scheduler: testScheduler(),
            onDrop: () => {
              throw boom;
            },
          }),
        );
        expectObservable(result).toBe('(a#)', undefined, boom);
        expectSubscriptions(source.subscriptions).toBe('(^!)');
      });
    });
  });

  describe('options', () => {
    it('rejects invalid options when called, not when subscribed', () => {
      const controller = createRateLimitController({ rate: 1, per: 10 });
      expect(() => rateLimit({ rate: 0, per: 1000 })).toThrow(RangeError);
      expect(() => rateLimit({ rate: 1, per: Number.NaN })).toThrow(/'per'/);
      expect(() => rateLimit({ rate: 1, per: 10, burst: 0 })).toThrow(/'burst'/);
      expect(() => rateLimit({ rate: 1, per: 10, overflow: 'queue' as never })).toThrow(/'overflow'/);
      expect(() => rateLimit({ rate: 1, per: 10, key: 'id' as never })).toThrow(/'key'/);
      expect(() => rateLimit({ rate: 1, per: 10, onDrop: 1 as never })).toThrow(/'onDrop'/);
      expect(() => rateLimit({ controller, rate: 5 } as never)).toThrow(/createRateLimitController/);
      expect(() => rateLimit({ controller: { pauseFor() {}, stats() {} } as never })).toThrow(/createRateLimitController/);
      expect(() => rateLimit(undefined as never)).toThrow(TypeError);
      expect(() => createRateLimitController({ rate: -1, per: 10 })).toThrow(RangeError);
    });

    it('exposes the budget on the controller', () => {
      const controller = createRateLimitController({ rate: 10, per: 1000, scheduler: testScheduler() });
      expect([controller.rate, controller.per, controller.burst, controller.scheduler]).toEqual([10, 1000, 10, testScheduler()]);
      expect(controller.stats()).toEqual(EMPTY_STATS);
    });
  });

  describe('long waits', () => {
    it('releases a value whose token is 2^31 + 5 ms away at that time, not before, with no timer above 2^31−1 ms', () => {
      const scheduler = new CountingScheduler();
      const source = new Subject<string>();
      const out: [string, number][] = [];
      source.pipe(rateLimit({ rate: 1, per: 2 ** 31 + 5, burst: 1, scheduler })).subscribe((v) => out.push([v, scheduler.now()]));
      source.next('a');
      source.next('b');
      scheduler.advance(2 ** 31 + 4);
      expect(out).toEqual([['a', 0]]);
      scheduler.advance(1);
      expect(out).toEqual([
        ['a', 0],
        ['b', 2 ** 31 + 5],
      ]);
      expect(scheduler.delays).toEqual([TIMER_LIMIT, 6]);
      expect(scheduler.pending).toBe(0);
    });

    it('waits out a pauseFor(1e12) with ceil(1e12 / (2^31−1)) timers and releases at 1e12', () => {
      const scheduler = new CountingScheduler();
      const controller = createRateLimitController({ rate: 1, per: 10, scheduler });
      const source = new Subject<string>();
      const out: [string, number][] = [];
      source.pipe(rateLimit({ controller })).subscribe((v) => out.push([v, scheduler.now()]));
      controller.pauseFor(1e12);
      source.next('a');
      scheduler.advance(1e12 - 1);
      expect(out).toEqual([]);
      expect(controller.stats().timers).toBe(1);
      scheduler.advance(1);
      expect(out).toEqual([['a', 1e12]]);
      expect(scheduler.delays).toHaveLength(Math.ceil(1e12 / TIMER_LIMIT));
      expect(Math.max(...scheduler.delays)).toBe(TIMER_LIMIT);
      expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0 });
    });

    it('asks for no timer when a token is infinitely far away, and keeps the value waiting', () => {
      const scheduler = new CountingScheduler();
      const source = new Subject<string>();
      const out: string[] = [];
      // rate / per underflows to 0 tokens per ms: the second token never comes.
      const sub = source.pipe(rateLimit({ rate: Number.MIN_VALUE, per: 1e300, burst: 1, scheduler })).subscribe((v) => out.push(v));
      source.next('a');
      source.next('b');
      expect(scheduler.delays).toEqual([]);
      scheduler.advance(1e15);
      expect(out).toEqual(['a']);
      sub.unsubscribe();
      expect(scheduler.pending).toBe(0);
    });
  });

  describe('synchronous sources', () => {
    it('stops an endless synchronous source when the consumer has taken enough', () => {
      const scheduler = new CountingScheduler();
      const { source, pulled } = endlessSource();
      const values: number[] = [];
      source.pipe(rateLimit({ rate: 5, per: 1000, scheduler }), take(3)).subscribe((v) => values.push(v));
      expect(values).toEqual([0, 1, 2]);
      expect(pulled()).toBe(3);
      expect(scheduler.pending).toBe(0);
    });

    it("stops an endless synchronous source when onDrop throws under overflow: 'drop'", () => {
      const scheduler = new CountingScheduler();
      const { source, pulled } = endlessSource();
      const errors: unknown[] = [];
      const onDrop = (): void => {
        throw new Error('full');
      };
      source
        .pipe(rateLimit({ rate: 2, per: 1000, scheduler, overflow: 'drop', onDrop }))
        .subscribe({ error: (e: unknown) => errors.push(e) });
      expect(errors).toHaveLength(1);
      expect(pulled()).toBe(3);
    });
  });
});
