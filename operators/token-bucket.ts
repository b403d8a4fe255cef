import type { SchedulerLike } from 'rxjs';
import { assertDuration } from '../src/validate.js';
import { ceilMs, resolveTokenBudget } from './token-budget.js';

/**
 * Options of {@link createTokenBucket}.
 *
 * @example
 * ```ts
 * const options: TokenBucketOptions = { rate: 100, per: 60_000, burst: 20 }; // 100 a minute, 20 at once
 * ```
 */
export interface TokenBucketOptions {
  /** Tokens added per `per` ms (may be fractional: `{ rate: 1, per: 3000 }` = one every 3 s). */
  readonly rate: number;
  /** The period of `rate`, in ms. */
  readonly per: number;
  /**
   * Most tokens the bucket holds: how many may go at once after a quiet spell.
   * An integer ≥ 1; default `rate` rounded down (at least 1), one period's worth.
   */
  readonly burst?: number;
  /** Clock of the bucket: only `now()` is read (default `asyncScheduler`; a `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
}

/**
 * The answer of {@link TokenBucket.tryTake}: the tokens were taken, or how
 * long until they could be (rounded up to a whole ms, pauses included).
 *
 * @example
 * ```ts
 * const r: TakeResult = bucket.tryTake();
 * if (!r.ok) res.setHeader('Retry-After', Math.ceil(r.retryAfterMs / 1000));
 * ```
 */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * A token bucket: holds at most `burst` tokens and refills continuously at
 * `rate` tokens per `per` ms. It owns no timer: the refill is computed from
 * `scheduler.now()` each time the bucket is read, so an idle bucket costs
 * nothing and can simply be dropped.
 *
 * @example
 * ```ts
 * const bucket: TokenBucket = createTokenBucket({ rate: 10, per: 1000 });
 * res.setHeader('X-RateLimit-Remaining', bucket.tokens);
 * ```
 */
export interface TokenBucket {
  /** Tokens added per `per` ms. */
  readonly rate: number;
  /** The period of `rate`, in ms. */
  readonly per: number;
  /** The most tokens the bucket holds. */
  readonly burst: number;
  /** Whole tokens available now, i.e. the largest `n` for which `tryTake(n)` succeeds (e.g. an `X-RateLimit-Remaining` header). */
  readonly tokens: number;
  /** True when the bucket is full and not paused: taking from it now or later is the same as from a new bucket. */
  readonly full: boolean;
  /** Scheduler time until which the bucket hands out no token; `-Infinity` if it was never paused. */
  readonly pausedUntil: number;
  /**
   * Takes `n` tokens (default 1) if they are all available, else takes none
   * and says how long until they will be.
   *
   * @throws RangeError when `n` is not an integer between 1 and `burst` (it could never succeed).
   */
  tryTake(n?: number): TakeResult;
  /** Ms until `n` tokens (default 1) are available, without taking them; `0` when they are available now. */
  msUntil(n?: number): number;
  /**
   * Hands out no token for `ms` (a server's `Retry-After`). The bucket goes on
   * refilling meanwhile (up to `burst`): a server that says "retry after 30 s"
   * has usually reset its own window by then. A pause never shortens a longer
   * one; `pauseFor(0)` does nothing.
   */
  pauseFor(ms: number): void;
  /** Like {@link TokenBucket.pauseFor}, up to an absolute scheduler time (e.g. an HTTP-date `Retry-After`, with `asyncScheduler`). */
  pauseUntil(time: number): void;
}

const OK: TakeResult = /*#__PURE__*/ Object.freeze({ ok: true });

// Refill is floating-point arithmetic: 0.1 + 0.2 tokens must count as the 0.3
// it is. Below this, a shortfall is rounding, not a missing token.
const EPSILON = 1e-9;

/**
 * Creates a token bucket on a scheduler's clock, full at start: `burst`
 * tokens, refilled at `rate` per `per` ms, computed lazily from
 * `scheduler.now()` (no timers, nothing to dispose of).
 *
 * `tryTake(n)` answers `{ ok: true }` or `{ ok: false, retryAfterMs }`, so an
 * HTTP layer can answer 429 with `Retry-After`; `pauseFor(ms)` obeys a
 * server's `Retry-After` in turn.
 *
 * ```
 * rate 1 per 10 ms, burst 2
 * tryTake at frame:  0   0   0   10   12   30   30   30
 * result:            ok  ok  10  ok   8    ok   ok   10
 * ```
 *
 * @throws RangeError when `rate` or `per` is not a finite number > 0, or `burst` not an integer ≥ 1.
 * @example
 * ```ts
 * const bucket = createTokenBucket({ rate: 100, per: 60_000, burst: 20 });
 * const taken = bucket.tryTake();
 * if (!taken.ok) return reply(429, { 'Retry-After': String(Math.ceil(taken.retryAfterMs / 1000)) });
 * ```
 */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { rate, per, burst, scheduler } = resolveTokenBudget(options, 'createTokenBucket');
  return new Bucket(rate, per, burst, scheduler);
}

class Bucket implements TokenBucket {
  readonly rate: number;
  readonly per: number;
  readonly burst: number;
  readonly #scheduler: SchedulerLike;
  /** Tokens per ms, computed once. */
  readonly #speed: number;
  #tokens: number;
  /** When `#tokens` was last brought up to date. */
  #updatedAt: number;
  #pausedUntil = -Infinity;

  constructor(rate: number, per: number, burst: number, scheduler: SchedulerLike) {
    this.rate = rate;
    this.per = per;
    this.burst = burst;
    this.#scheduler = scheduler;
    this.#speed = rate / per;
    this.#tokens = burst;
    this.#updatedAt = scheduler.now();
  }

  get tokens(): number {
    const now = this.#scheduler.now();
    this.#refill(now);
    return now < this.#pausedUntil ? 0 : Math.floor(this.#tokens + EPSILON);
  }

  get full(): boolean {
    const now = this.#scheduler.now();
    this.#refill(now);
    return now >= this.#pausedUntil && this.#tokens >= this.burst - EPSILON;
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  tryTake(n = 1): TakeResult {
    if (n !== 1) this.#assertTake(n);
    const now = this.#scheduler.now();
    this.#refill(now);
    if (now >= this.#pausedUntil && this.#tokens >= n - EPSILON) {
      this.#tokens = Math.max(0, this.#tokens - n);
      return OK;
    }
    return { ok: false, retryAfterMs: this.#wait(now, n) };
  }

  msUntil(n = 1): number {
    if (n !== 1) this.#assertTake(n);
    const now = this.#scheduler.now();
    this.#refill(now);
    if (now >= this.#pausedUntil && this.#tokens >= n - EPSILON) return 0;
    return this.#wait(now, n);
  }

  pauseFor(ms: number): void {
    assertDuration(ms, 'ms');
    this.pauseUntil(this.#scheduler.now() + ms);
  }

  pauseUntil(time: number): void {
    if (typeof time !== 'number' || Number.isNaN(time)) {
      throw new RangeError(`Expected 'time' to be a scheduler time in ms, got ${String(time)}.`);
    }
    if (time > this.#pausedUntil) this.#pausedUntil = time;
  }

  #refill(now: number): void {
    if (now <= this.#updatedAt) return;
    this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#updatedAt) * this.#speed);
    this.#updatedAt = now;
  }

  /** Ms from `now` (after #refill(now)) until `n` tokens can be taken: the pause and the refill both have to be over. */
  #wait(now: number, n: number): number {
    return ceilMs(Math.max(this.#pausedUntil - now, (n - this.#tokens) / this.#speed));
  }

  #assertTake(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.burst) {
      throw new RangeError(
        `Expected 'n' to be an integer from 1 to the bucket's burst (${this.burst}), got ${String(n)}: ` +
          `more than 'burst' tokens are never available at once.`,
      );
    }
  }
}
