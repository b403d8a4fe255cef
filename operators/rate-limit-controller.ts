/**
 * The shared budget of `rateLimit`: a controller holds one token bucket and
 * one waiting line per key, hands tokens to the values its subscriptions
 * offer, releases waiting values in order as tokens refill (one timer per
 * line, for its head), and evicts idle buckets. `rateLimit` without a
 * `controller` option makes one per subscription.
 */
import type { SchedulerLike, Subscriber, Subscription } from 'rxjs';
import { Deque } from '../src/deque.js';
import { scheduleAfter } from '../src/long-delay.js';
import { assertDuration } from '../src/validate.js';
import { createTokenBucket, type TakeResult, type TokenBucket } from './token-bucket.js';
import { ceilMs, resolveTokenBudget, type TokenBudget } from './token-budget.js';

/**
 * What a `key` function may return: values with equal keys (`SameValueZero`)
 * share a bucket.
 *
 * @example
 * ```ts
 * const key = (req: { ip: string }): RateLimitKey => req.ip;
 * ```
 */
export type RateLimitKey = string | number;

/**
 * The budget of a rate limiter: a token bucket of `burst` tokens refilled at
 * `rate` per `per` ms.
 *
 * @example
 * ```ts
 * const budget: RateLimitBudget = { rate: 10, per: 1000, burst: 5 }; // 10/s, at most 5 at once
 * ```
 */
export interface RateLimitBudget {
  /** Tokens added per `per` ms; each value takes one. May be fractional. */
  readonly rate: number;
  /** The period of `rate`, in ms. */
  readonly per: number;
  /** Most values that may pass at once after a quiet spell. Integer ≥ 1; default `rate` rounded down (at least 1). */
  readonly burst?: number;
  /** Clock and timers (default `asyncScheduler`; a `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
}

/**
 * What the `onDrop` option learns about a value dropped under `overflow: 'drop'`.
 *
 * @example
 * ```ts
 * const onDrop = (req: Request, { retryAfterMs }: RateLimitDrop) => req.reply(429, { 'Retry-After': Math.ceil(retryAfterMs / 1000) });
 * ```
 */
export interface RateLimitDrop {
  /** The value's key, or `undefined` without a `key` option. */
  readonly key: RateLimitKey | undefined;
  /** About how long until a value of this key would get a token (whole ms), e.g. for a `Retry-After` header. */
  readonly retryAfterMs: number;
}

/**
 * What a rate limiter holds right now: for dashboards and for tests that
 * prove nothing leaks (all zero but `buckets` once every subscription ended;
 * `buckets` shrinks as idle buckets are evicted).
 *
 * @example
 * ```ts
 * expect(controller.stats()).toMatchObject({ waiting: 0, timers: 0, subscriptions: 0 });
 * ```
 */
export interface RateLimitStats {
  /** Live buckets (one per key in use; idle ones are evicted). */
  readonly buckets: number;
  /** Values waiting for a token, all keys and subscriptions together. */
  readonly waiting: number;
  /** Release timers scheduled: at most one per key with waiting values. */
  readonly timers: number;
  /** Subscriptions currently using the controller. */
  readonly subscriptions: number;
}

/**
 * A shared rate limit budget, made by {@link createRateLimitController} and
 * passed to `rateLimit({ controller })`: every subscription using it draws
 * from the same buckets, and it can be paused for a server's `Retry-After`.
 *
 * @example
 * ```ts
 * const api: RateLimitController = createRateLimitController({ rate: 10, per: 1000 });
 * api.pauseFor(30_000); // the server answered 429 with Retry-After: 30
 * ```
 */
export interface RateLimitController {
  /** Tokens added per `per` ms. */
  readonly rate: number;
  /** The period of `rate`, in ms. */
  readonly per: number;
  /** The most tokens a bucket holds. */
  readonly burst: number;
  /** The clock and timers of every subscription using this controller. */
  readonly scheduler: SchedulerLike;
  /**
   * Hands out no token for `ms` (a server's `Retry-After`): to any key when
   * `key` is omitted, else to that key's bucket only. Waiting values stay in
   * line and go when the pause is over. Buckets keep refilling during a pause.
   * A pause never shortens a longer one; `pauseFor(0)` does nothing.
   */
  pauseFor(ms: number, key?: RateLimitKey): void;
  /** Counts of what the controller holds now. */
  stats(): RateLimitStats;
}

/** How many least-recently-used buckets a new key may look at for eviction. */
const SWEEP_LIMIT = 4;

/** The key of the single bucket used when there is no `key` option. */
export const NO_KEY: unique symbol = /*#__PURE__*/ Symbol('rateLimit.noKey');
/** A bucket's key: a `key` function's answer, or {@link NO_KEY}. */
export type BudgetKey = RateLimitKey | typeof NO_KEY;

/**
 * Creates a rate limit budget that several `rateLimit` operators and
 * subscriptions share, and that can be paused: `pauseFor(ms, key?)` obeys a
 * server's `Retry-After`, `stats()` shows what it holds. Without a
 * controller, each subscription to a `rateLimit` pipeline has its own
 * buckets, like any RxJS operator state; with one, the budget outlives
 * subscriptions (a `retry` or a new request does not get a fresh burst).
 *
 * @throws RangeError when `rate` or `per` is not a finite number > 0, or `burst` not an integer ≥ 1.
 * @example
 * ```ts
 * const github = createRateLimitController({ rate: 5000, per: 3_600_000, burst: 50 });
 * const get = (url: string) => of(url).pipe(rateLimit({ controller: github }), switchMap((u) => ajax(u)));
 * // on a 429 answer:
 * github.pauseFor(Number(response.headers['retry-after']) * 1000);
 * ```
 */
export function createRateLimitController(budget: RateLimitBudget): RateLimitController {
  return new Controller(resolveTokenBudget(budget, 'createRateLimitController'));
}

/** A subscription's `onDrop`, for any value type. */
export type DropHandler = (value: unknown, drop: RateLimitDrop) => void;

/** One subscription to a rateLimit pipeline. */
export class Sink {
  /** Unsubscribed: its entries still in a line are skipped (they were already uncounted). */
  closed = false;
  /** The source completed: complete once nothing of this sink waits. */
  done = false;
  waiting = 0;
  /** Waiting values per bucket, so unsubscribing uncounts them without walking the lines. */
  readonly counts = new Map<Budget, number>();
  constructor(
    readonly subscriber: Subscriber<unknown>,
    readonly drop: boolean,
    readonly onDrop: DropHandler | undefined,
  ) {}
}

interface Entry {
  readonly value: unknown;
  readonly sink: Sink;
}

/** One key's bucket and waiting line. */
class Budget {
  /** Created on first wait: keys that never wait (and drop mode) do not pay for it. */
  line: Deque<Entry> | undefined;
  /** Entries in `line` whose sink is still subscribed. */
  live = 0;
  timer: Subscription | undefined;
  /** Inside #release: a value arriving meanwhile must not schedule a second timer. */
  releasing = false;
  constructor(
    readonly key: BudgetKey,
    readonly bucket: TokenBucket,
  ) {}
}

/**
 * The buckets and waiting lines behind {@link RateLimitController}: one per
 * key, in least-recently-used order; `rateLimit` subscriptions attach to it as
 * sinks and offer it their values.
 *
 * @example
 * ```ts
 * const sink = controller.attach(subscriber, false, undefined);
 * controller.offer(sink, NO_KEY, value);
 * ```
 */
export class Controller implements RateLimitController {
  readonly rate: number;
  readonly per: number;
  readonly burst: number;
  readonly scheduler: SchedulerLike;
  /** In least-recently-used order: a Map iterates in insertion order and every use re-inserts. */
  readonly #budgets = new Map<BudgetKey, Budget>();
  #pausedUntil = -Infinity;
  #subscriptions = 0;
  #waiting = 0;
  #timers = 0;

  constructor(config: TokenBudget) {
    this.rate = config.rate;
    this.per = config.per;
    this.burst = config.burst;
    this.scheduler = config.scheduler;
  }

  pauseFor(ms: number, key?: RateLimitKey): void {
    assertDuration(ms, 'ms');
    if (key === undefined) {
      // Kept here rather than copied into every bucket: buckets created later
      // (or evicted and re-created) are paused too, at no per-bucket cost.
      this.#pausedUntil = Math.max(this.#pausedUntil, this.scheduler.now() + ms);
    } else if (ms > 0) {
      // A paused bucket is not idle, so it stays (and remembers) until the pause is over.
      this.#budgetFor(key).bucket.pauseFor(ms);
    }
  }

  stats(): RateLimitStats {
    return { buckets: this.#budgets.size, waiting: this.#waiting, timers: this.#timers, subscriptions: this.#subscriptions };
  }

  attach(subscriber: Subscriber<unknown>, drop: boolean, onDrop: DropHandler | undefined): Sink {
    this.#subscriptions++;
    return new Sink(subscriber, drop, onDrop);
  }

  offer(sink: Sink, key: BudgetKey, value: unknown): void {
    // A synchronous source may go on emitting after the output errored or was
    // unsubscribed: queueing for a closed sink would leak counts and timers.
    if (sink.closed) return;
    const budget = this.#budgetFor(key);
    if (budget.live === 0) {
      const taken = this.#take(budget);
      if (taken.ok) {
        sink.subscriber.next(value);
        return;
      }
      if (sink.drop) return this.#drop(sink, key, value, taken.retryAfterMs);
      this.#enqueue(budget, sink, value);
      this.#ensureTimer(budget, taken.retryAfterMs);
      return;
    }
    // Others are waiting for this bucket: going first would break their order.
    if (sink.drop) {
      return this.#drop(sink, key, value, this.#wait(budget) + ceilMs((budget.live * this.per) / this.rate));
    }
    this.#enqueue(budget, sink, value);
  }

  complete(sink: Sink): void {
    if (sink.closed) return;
    sink.done = true;
    if (sink.waiting === 0) sink.subscriber.complete();
  }

  detach(sink: Sink): void {
    if (sink.closed) return;
    sink.closed = true;
    this.#subscriptions--;
    for (const [budget, count] of sink.counts) {
      budget.live -= count;
      this.#waiting -= count;
      if (budget.live === 0) {
        budget.line = undefined;
        this.#cancelTimer(budget);
        if (budget.bucket.full && this.#budgets.get(budget.key) === budget) this.#budgets.delete(budget.key);
      } else if (budget.line !== undefined && budget.line.size > 2 * budget.live + 32) {
        // Mostly entries of unsubscribed sinks: drop them now rather than
        // hold their values until they reach the head.
        budget.line.retain((entry) => !entry.sink.closed);
      }
    }
    sink.counts.clear();
    sink.waiting = 0;
  }

  #budgetFor(key: BudgetKey): Budget {
    const budgets = this.#budgets;
    let budget = budgets.get(key);
    if (budget === undefined) {
      // Only a new key makes the map grow, so only a new key needs to sweep:
      // O(1) per value, and the map stays within the keys of the last refill
      // window plus those with values waiting.
      this.#sweep();
      const { rate, per, burst, scheduler } = this;
      budget = new Budget(key, createTokenBucket({ rate, per, burst, scheduler }));
      budgets.set(key, budget);
    } else if (budgets.size > 1) {
      budgets.delete(key);
      budgets.set(key, budget);
    }
    return budget;
  }

  /**
   * Looks at the least recently used buckets: full ones with nothing waiting
   * are evicted (a new bucket would be identical), ones with values waiting
   * move to the back (their timer keeps them alive). It stops at the first
   * bucket still refilling: the ones behind it were used more recently.
   */
  #sweep(): void {
    let looked = 0;
    for (const budget of this.#budgets.values()) {
      if (looked++ === SWEEP_LIMIT) return;
      if (budget.live > 0) {
        this.#budgets.delete(budget.key);
        this.#budgets.set(budget.key, budget);
      } else if (budget.bucket.full) {
        this.#budgets.delete(budget.key);
      } else {
        return;
      }
    }
  }

  #take(budget: Budget): TakeResult {
    const paused = this.#pausedUntil - this.scheduler.now();
    if (paused > 0) return { ok: false, retryAfterMs: Math.max(ceilMs(paused), budget.bucket.msUntil()) };
    return budget.bucket.tryTake();
  }

  /** Ms until `budget` can hand out a token, controller pause included. */
  #wait(budget: Budget): number {
    const paused = this.#pausedUntil - this.scheduler.now();
    const refill = budget.bucket.msUntil();
    return paused > 0 ? Math.max(ceilMs(paused), refill) : refill;
  }

  #drop(sink: Sink, key: BudgetKey, value: unknown, retryAfterMs: number): void {
    if (sink.onDrop === undefined) return;
    try {
      sink.onDrop(value, { key: key === NO_KEY ? undefined : key, retryAfterMs });
    } catch (err) {
      sink.subscriber.error(err);
    }
  }

  #enqueue(budget: Budget, sink: Sink, value: unknown): void {
    (budget.line ??= new Deque<Entry>()).push({ value, sink });
    budget.live++;
    sink.waiting++;
    sink.counts.set(budget, (sink.counts.get(budget) ?? 0) + 1);
    this.#waiting++;
  }

  #ensureTimer(budget: Budget, delay: number): void {
    if (budget.timer !== undefined || budget.releasing) return;
    this.#timers++;
    // Through scheduleAfter: a pause or a refill can be months away (or, for
    // a rate that underflows to 0 per ms, never), beyond what a timer holds.
    budget.timer = scheduleAfter(this.scheduler, delay, () => this.#release(budget));
  }

  #cancelTimer(budget: Budget): void {
    if (budget.timer === undefined) return;
    budget.timer.unsubscribe();
    budget.timer = undefined;
    this.#timers--;
  }

  /** The head timer of `budget` fired: release every head value a token is available for, then re-arm for the next. */
  #release(budget: Budget): void {
    if (budget.timer !== undefined) {
      budget.timer = undefined;
      this.#timers--;
    }
    let retryAfterMs = 0;
    budget.releasing = true;
    try {
      for (;;) {
        // Re-read every turn: an emission may unsubscribe sinks, which can drop the line.
        const line = budget.line;
        const head = line?.peek();
        if (line === undefined || head === undefined) break;
        if (head.sink.closed) {
          line.shift();
          continue;
        }
        const taken = this.#take(budget);
        if (!taken.ok) {
          retryAfterMs = taken.retryAfterMs;
          break;
        }
        line.shift();
        this.#settle(budget, head.sink);
        head.sink.subscriber.next(head.value);
        if (head.sink.done && head.sink.waiting === 0) head.sink.subscriber.complete();
      }
    } finally {
      budget.releasing = false;
    }
    if (budget.live > 0) this.#ensureTimer(budget, retryAfterMs || this.#wait(budget));
    else budget.line = undefined;
  }

  /** Uncounts a released entry of `sink` (before emitting it, so a reentrant unsubscribe sees the right counts). */
  #settle(budget: Budget, sink: Sink): void {
    budget.live--;
    this.#waiting--;
    sink.waiting--;
    const count = sink.counts.get(budget)! - 1;
    if (count === 0) sink.counts.delete(budget);
    else sink.counts.set(budget, count);
  }
}
