import { asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createRateLimitController } from '../../operators/rate-limit-controller.js';
import { rateLimit } from '../../operators/rate-limit.js';
import { createTokenBucket } from '../../operators/token-bucket.js';
import { ceilMs, resolveTokenBudget } from '../../operators/token-budget.js';
import { createTestScheduler } from '../support/test-scheduler.js';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('resolveTokenBudget', () => {
  it('applies the defaults: burst = rate rounded down (at least 1), scheduler = asyncScheduler', () => {
    expect(resolveTokenBudget({ rate: 10.7, per: 1000 }, 'x')).toEqual({ rate: 10.7, per: 1000, burst: 10, scheduler: asyncScheduler });
    expect(resolveTokenBudget({ rate: 0.5, per: 1000 }, 'x').burst).toBe(1);
    const scheduler = createTestScheduler();
    expect(resolveTokenBudget({ rate: 2, per: 10, burst: 5, scheduler }, 'x')).toEqual({ rate: 2, per: 10, burst: 5, scheduler });
  });

  it('names the caller when the budget is missing', () => {
    expect(() => resolveTokenBudget(null as never, 'createTokenBucket')).toThrow(
      new TypeError('createTokenBucket() needs { rate, per }, e.g. createTokenBucket({ rate: 10, per: 1000 }) for 10 per second.'),
    );
  });

  it('gives createTokenBucket, createRateLimitController and rateLimit the same error for the same bad budget', () => {
    const bad = [
      { rate: 0, per: 1000 },
      { rate: 1, per: Infinity },
      { rate: '1', per: 1000 },
      { rate: 1, per: 1000, burst: 1.5 },
      { rate: 1, per: 1000, burst: 0 },
      { rate: 1, per: 1000, scheduler: {} },
    ] as never[];
    for (const budget of bad) {
      const expected = errorOf(() => createTokenBucket(budget));
      expect(expected).toBeInstanceOf(Error);
      expect(errorOf(() => createRateLimitController(budget))).toEqual(expected);
      expect(errorOf(() => rateLimit(budget))).toEqual(expected);
    }
  });
});

describe('ceilMs', () => {
  it('rounds up to a whole ms, at least 1, ignoring floating-point noise', () => {
    expect([ceilMs(2.5), ceilMs(0.01), ceilMs(0), ceilMs(100.0000000001), ceilMs(100)]).toEqual([3, 1, 1, 100, 100]);
  });
});
