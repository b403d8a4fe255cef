import { asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../operators/token-bucket.js';
import { useTestScheduler } from '../support/test-scheduler.js';

describe('createTokenBucket', () => {
  // The bucket only reads scheduler.now(): moving `frame` is moving the clock.
  const clock = useTestScheduler();
  const at = (frame: number): void => {
    clock().frame = frame;
  };

  it('starts full and hands out up to burst tokens at once', () => {
    const bucket = createTokenBucket({ rate: 1, per: 10, burst: 3, scheduler: clock() });
    expect(bucket.tokens).toBe(3);
    expect(bucket.full).toBe(true);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 10 });
    expect(bucket.tokens).toBe(0);
    expect(bucket.full).toBe(false);
  });

  it('refills at rate per `per` ms, lazily, and answers how long until the next token', () => {
    const bucket = createTokenBucket({ rate: 1, per: 10, burst: 2, scheduler: clock() });
    const log: unknown[] = [];
    const take = (frame: number): void => {
      at(frame);
      const r = bucket.tryTake();
      log.push(r.ok ? `${frame}:ok` : `${frame}:${r.retryAfterMs}`);
    };
    [0, 0, 0, 10, 12, 30, 30, 30].forEach(take);
    expect(log).toEqual(['0:ok', '0:ok', '0:10', '10:ok', '12:8', '30:ok', '30:ok', '30:10']);
    // Nothing was scheduled: the refill is computed from now(), not by a timer.
    expect(clock().actions).toHaveLength(0);
  });

  it('never holds more than burst tokens however long it idles', () => {
    const bucket = createTokenBucket({ rate: 5, per: 1, burst: 4, scheduler: clock() });
    bucket.tryTake(4);
    at(1_000_000);
    expect(bucket.tokens).toBe(4);
    expect(bucket.full).toBe(true);
  });

  it('takes n tokens at once, or none', () => {
    const bucket = createTokenBucket({ rate: 2, per: 10, burst: 5, scheduler: clock() });
    expect(bucket.tryTake(4)).toEqual({ ok: true });
    expect(bucket.tryTake(3)).toEqual({ ok: false, retryAfterMs: 10 }); // 1 left, 2 more at 2 per 10 ms
    expect(bucket.tokens).toBe(1);
    at(10);
    expect(bucket.tryTake(3)).toEqual({ ok: true });
    expect(bucket.tokens).toBe(0);
  });

  it('keeps the long-run rate exact with fractional rates, rounding waits up to whole ms', () => {
    // 3 tokens per 10 ms: one every 3.33 ms. A consumer that always comes back after retryAfterMs.
    const bucket = createTokenBucket({ rate: 3, per: 10, burst: 2, scheduler: clock() });
    let granted = 0;
    let frame = 0;
    while (frame <= 1000) {
      at(frame);
      const r = bucket.tryTake();
      if (r.ok) {
        granted++;
      } else {
        expect(Number.isInteger(r.retryAfterMs)).toBe(true);
        expect(r.retryAfterMs).toBeGreaterThanOrEqual(1);
        frame += r.retryAfterMs;
      }
    }
    // The burst at start, then 3 per 10 ms over 1000 ms.
    expect(granted).toBe(2 + 300);
  });

  it('answers msUntil(n) without taking anything', () => {
    const bucket = createTokenBucket({ rate: 1, per: 10, burst: 2, scheduler: clock() });
    expect(bucket.msUntil()).toBe(0);
    bucket.tryTake(2);
    expect(bucket.msUntil()).toBe(10);
    expect(bucket.msUntil(2)).toBe(20);
    at(5);
    expect(bucket.msUntil()).toBe(5);
    expect(bucket.tokens).toBe(0);
  });

  it('hands out no token while paused, then whatever refilled meanwhile', () => {
    const bucket = createTokenBucket({ rate: 1, per: 10, burst: 2, scheduler: clock() });
    bucket.tryTake(2);
    at(5);
    bucket.pauseFor(100); // a server said Retry-After: 100 ms
    expect(bucket.pausedUntil).toBe(105);
    expect(bucket.full).toBe(false);
    at(50);
    expect(bucket.tokens).toBe(0);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 55 });
    at(104);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 1 });
    at(105);
    expect(bucket.tokens).toBe(2);
    expect(bucket.tryTake(2)).toEqual({ ok: true });
  });

  it('waits for both the pause and the refill when tokens are short at the end of the pause', () => {
    const bucket = createTokenBucket({ rate: 1, per: 100, burst: 1, scheduler: clock() });
    bucket.tryTake();
    bucket.pauseFor(30);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 100 });
  });

  it('never shortens a longer pause, and pauseFor(0) does nothing', () => {
    const bucket = createTokenBucket({ rate: 1, per: 10, scheduler: clock() });
    bucket.pauseFor(50);
    bucket.pauseFor(10);
    expect(bucket.pausedUntil).toBe(50);
    const fresh = createTokenBucket({ rate: 1, per: 10, scheduler: clock() });
    fresh.pauseFor(0);
    expect(fresh.tryTake()).toEqual({ ok: true });
  });

  it('pauses until an absolute scheduler time with pauseUntil', () => {
    const bucket = createTokenBucket({ rate: 1, per: 10, scheduler: clock() });
    bucket.pauseUntil(40);
    at(39);
    expect(bucket.tryTake()).toEqual({ ok: false, retryAfterMs: 1 });
    at(40);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });

  it('defaults burst to rate rounded down (at least 1) and the clock() to asyncScheduler', () => {
    expect(createTokenBucket({ rate: 10, per: 1000 }).burst).toBe(10);
    expect(createTokenBucket({ rate: 2.7, per: 1000 }).burst).toBe(2);
    expect(createTokenBucket({ rate: 0.5, per: 1000 }).burst).toBe(1);
    const bucket = createTokenBucket({ rate: 1, per: 60_000, scheduler: asyncScheduler });
    expect(bucket.tryTake()).toEqual({ ok: true });
    const denied = bucket.tryTake();
    expect(denied.ok).toBe(false);
    if (!denied.ok) {
      expect(denied.retryAfterMs).toBeGreaterThan(59_000);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('rejects invalid options and arguments with clear errors', () => {
    expect(() => createTokenBucket({ rate: 0, per: 1000 })).toThrow(RangeError);
    expect(() => createTokenBucket({ rate: 1, per: -5 })).toThrow(/'per'/);
    expect(() => createTokenBucket({ rate: Number.POSITIVE_INFINITY, per: 10 })).toThrow(/'rate'/);
    expect(() => createTokenBucket({ rate: 1, per: 10, burst: 1.5 })).toThrow(/'burst'/);
    expect(() => createTokenBucket({ rate: 1, per: 10, burst: 0 })).toThrow(RangeError);
    expect(() => createTokenBucket({ rate: 1, per: 10, scheduler: {} as never })).toThrow(TypeError);
    expect(() => createTokenBucket(undefined as never)).toThrow(TypeError);
    const bucket = createTokenBucket({ rate: 1, per: 10, burst: 3, scheduler: clock() });
    expect(() => bucket.tryTake(4)).toThrow(/burst \(3\)/);
    expect(() => bucket.tryTake(0)).toThrow(RangeError);
    expect(() => bucket.tryTake(1.5)).toThrow(RangeError);
    expect(() => bucket.pauseFor(-1)).toThrow(RangeError);
    expect(() => bucket.pauseFor(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(bucket.tokens).toBe(3); // a rejected call changed nothing
  });
});
