/**
 * The `rateLimit` operator: values pass at most `rate` per `per` ms, the rest
 * wait in order (or are dropped). The budget lives in a controller
 * (rate-limit-controller.ts): the subscription's own, or a shared one.
 */
import { Observable, type MonoTypeOperatorFunction, type Subscriber } from 'rxjs';
import { subscribeSource } from '../src/source-subscriber.js';
import { assertFunction, assertOneOf } from '../src/validate.js';
import {
  Controller,
  NO_KEY,
  type BudgetKey,
  type DropHandler,
  type RateLimitBudget,
  type RateLimitController,
  type RateLimitDrop,
  type RateLimitKey,
} from './rate-limit-controller.js';
import { resolveTokenBudget, type TokenBudget } from './token-budget.js';

/**
 * The {@link rateLimit} options that do not depend on where the budget lives
 * (its own, or a shared controller): keys and what to do without a token.
 *
 * @example
 * ```ts
 * const perUser: RateLimitBehaviour<Request> = { key: (req) => req.userId, overflow: 'drop', onDrop: reject429 };
 * ```
 */
export interface RateLimitBehaviour<T> {
  /**
   * One bucket per key (e.g. per user or per host) instead of one for all
   * values. Order is kept per key; keys do not wait for each other. Buckets
   * that are full again with nothing waiting are evicted.
   */
  readonly key?: (value: T) => RateLimitKey;
  /**
   * What a value with no token does: `'wait'` (default) queues it until a
   * token refills, in order; `'drop'` drops it and calls `onDrop`.
   */
  readonly overflow?: 'wait' | 'drop';
  /** Called with each value dropped under `overflow: 'drop'`. If it throws, the output errors. */
  readonly onDrop?: (value: T, drop: RateLimitDrop) => void;
}

/**
 * {@link rateLimit} options with a budget of their own: each subscription
 * gets fresh buckets, like any RxJS operator's state.
 *
 * @example
 * ```ts
 * const own: RateLimitOwnOptions<Job> = { rate: 5, per: 1000, key: (job) => job.tenant };
 * ```
 */
export interface RateLimitOwnOptions<T> extends RateLimitBudget, RateLimitBehaviour<T> {
  readonly controller?: undefined;
}

/**
 * {@link rateLimit} options that draw from a shared {@link RateLimitController}
 * (which holds rate, per, burst and scheduler: giving them here too is a TypeError).
 *
 * @example
 * ```ts
 * const shared: RateLimitSharedOptions<Job> = { controller: api, overflow: 'drop', onDrop: log };
 * ```
 */
export interface RateLimitSharedOptions<T> extends RateLimitBehaviour<T> {
  readonly controller: RateLimitController;
  readonly rate?: undefined;
  readonly per?: undefined;
  readonly burst?: undefined;
  readonly scheduler?: undefined;
}

/**
 * Options of {@link rateLimit}: a budget of its own, or a shared `controller`.
 *
 * @example
 * ```ts
 * source$.pipe(rateLimit({ rate: 10, per: 1000 }));      // own budget
 * source$.pipe(rateLimit({ controller: api, key: byHost })); // shared budget
 * ```
 */
export type RateLimitOptions<T> = RateLimitOwnOptions<T> | RateLimitSharedOptions<T>;

/**
 * Lets values through at most `rate` per `per` ms, with bursts of up to
 * `burst` (a token bucket); values beyond the budget wait in order and are
 * released when tokens refill, or are dropped with `overflow: 'drop'`.
 *
 * - With `key`, each key has its own bucket and its own line: order is kept
 *   per key, and a slow key never holds up another. Idle buckets are evicted,
 *   so an unbounded key set (user ids, IPs) keeps memory bounded.
 * - A token is taken only when a value is emitted: values that wait and are
 *   then discarded by unsubscribing cost nothing (with a shared `controller`,
 *   other subscriptions get those tokens).
 * - One timer per waiting line, for its head, through `scheduler`.
 * - Source completion: the output completes once every waiting value has
 *   been released. Source error: errors at once; waiting values are
 *   discarded. Unsubscribing discards waiting values and cancels their timer.
 * - To pause for a server's `Retry-After`, pass a `controller` from
 *   {@link createRateLimitController} and call `controller.pauseFor(ms)`.
 *
 * ```
 * rateLimit({ rate: 1, per: 10, burst: 2 })
 * source:  (abcd)------------------|
 * result:  (ab)------c---------d---|
 * ```
 *
 * @throws TypeError / RangeError for invalid options (at the call, not at subscribe).
 * @example
 * ```ts
 * // 10 requests per second per host, bursts of 5, in order per host:
 * requests$.pipe(
 *   rateLimit({ rate: 10, per: 1000, burst: 5, key: (r) => new URL(r.url).host }),
 *   mergeMap((r) => fetch(r.url)),
 * );
 * // an HTTP server answering 429 instead of queueing:
 * incoming$.pipe(
 *   rateLimit({ rate: 100, per: 60_000, key: (req) => req.ip, overflow: 'drop',
 *     onDrop: (req, { retryAfterMs }) => req.reply(429, { 'Retry-After': Math.ceil(retryAfterMs / 1000) }) }),
 * ).subscribe(handle);
 * ```
 */
export function rateLimit<T>(options: RateLimitOptions<T>): MonoTypeOperatorFunction<T> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('rateLimit() needs options, e.g. rateLimit({ rate: 10, per: 1000 }).');
  }
  const { key, overflow = 'wait', onDrop } = options;
  if (key !== undefined) assertFunction(key, 'key');
  assertOneOf(overflow, 'overflow', ['wait', 'drop'] as const);
  if (onDrop !== undefined) assertFunction(onDrop, 'onDrop');
  const shared = options.controller;
  let config: TokenBudget | undefined;
  if (shared === undefined) {
    config = resolveTokenBudget(options, 'rateLimit');
  } else {
    if (!(shared instanceof Controller)) {
      throw new TypeError(`Expected 'controller' to come from createRateLimitController(), got ${typeof shared}.`);
    }
    const extra = (['rate', 'per', 'burst', 'scheduler'] as const).filter((name) => options[name] !== undefined);
    if (extra.length > 0) {
      throw new TypeError(
        `rateLimit() got both a 'controller' and ${extra.map((n) => `'${n}'`).join(', ')}: ` +
          `the controller is the budget; pass these to createRateLimitController() instead.`,
      );
    }
  }
  const drop = overflow === 'drop';
  return (source) =>
    new Observable<T>((subscriber) => {
      const controller = shared ?? new Controller(config!);
      const sink = controller.attach(subscriber as Subscriber<unknown>, drop, onDrop as DropHandler | undefined);
      subscriber.add(() => controller.detach(sink));
      // Chained to `subscriber`, so that a consumer that has had enough (or an
      // onDrop that throws) stops even a synchronous source at once.
      subscribeSource(source, subscriber, {
        next: (value) => {
          let k: BudgetKey = NO_KEY;
          if (key !== undefined) {
            try {
              k = key(value);
            } catch (err) {
              subscriber.error(err);
              return;
            }
          }
          controller.offer(sink, k, value);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => controller.complete(sink),
      });
    });
}
