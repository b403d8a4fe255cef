/**
 * The budget of a token bucket — `rate` tokens per `per` ms, at most `burst`
 * at once, on a scheduler's clock — checked once for `createTokenBucket` and
 * `createRateLimitController` (and so `rateLimit`), and the whole-ms waits
 * both answer with. Internal to rxbus/operators: not re-exported.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { assertCount, assertPositiveNumber, assertScheduler } from '../src/validate.js';

/** A checked budget, every default applied. */
export interface TokenBudget {
  readonly rate: number;
  readonly per: number;
  readonly burst: number;
  readonly scheduler: SchedulerLike;
}

/**
 * Checks `{ rate, per, burst?, scheduler? }` and applies the defaults: `burst`
 * is `rate` rounded down (at least 1), one period's worth; `scheduler` is
 * `asyncScheduler`.
 *
 * @throws TypeError when `options` is not an object, or a field has the wrong type.
 * @throws RangeError when `rate` or `per` is not a finite number > 0, or `burst` not an integer ≥ 1.
 * @example
 * ```ts
 * const { rate, per, burst, scheduler } = resolveTokenBudget(options, 'createTokenBucket');
 * ```
 */
export function resolveTokenBudget(
  options: { readonly rate: number; readonly per: number; readonly burst?: number; readonly scheduler?: SchedulerLike },
  caller: string,
): TokenBudget {
  // A budget has no sensible default, so `undefined` is refused too.
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${caller}() needs { rate, per }, e.g. ${caller}({ rate: 10, per: 1000 }) for 10 per second.`);
  }
  const { rate, per, burst: givenBurst, scheduler = asyncScheduler } = options;
  assertPositiveNumber(rate, 'rate');
  assertPositiveNumber(per, 'per');
  const burst = givenBurst ?? Math.max(1, Math.floor(rate));
  assertCount(burst, 'burst', 1);
  assertScheduler(scheduler);
  return { rate, per, burst, scheduler };
}

/**
 * Rounds a wait up to a whole ms, at least 1: timers and `Retry-After` want
 * integers, and a retry must land after some refill or it would spin. A value
 * that is integral except for floating-point noise (100.0000000001) is not
 * pushed to the next ms.
 *
 * @example
 * ```ts
 * ceilMs(2.5); // 3
 * ceilMs(0.01); // 1
 * ```
 */
export function ceilMs(ms: number): number {
  return Math.max(1, Math.ceil(ms - 1e-7));
}
