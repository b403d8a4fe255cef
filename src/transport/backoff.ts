/**
 * How long a bridge waits before trying again: a delay that doubles with
 * each failed attempt, up to a ceiling. The brokers' redelivery and the
 * bridge's own re-sends use the same curve with different bounds, so it is
 * written once here.
 */

/**
 * The delay before the attempt after `attempt` (1 = the first try failed):
 * `first` ms, doubling per attempt, at most `max` ms.
 *
 * @example
 * ```ts
 * doublingDelay(1, 100, 5000); // 100
 * doublingDelay(4, 100, 5000); // 800
 * doublingDelay(9, 100, 5000); // 5000
 * ```
 */
export function doublingDelay(attempt: number, first: number, max: number): number {
  return Math.min(max, first * 2 ** (attempt - 1));
}

/**
 * The default `backoff` of the at-least-once bridges (NATS JetStream, Redis
 * Streams): 1 s after the first failed delivery, doubling, at most 30 s.
 *
 * @example
 * ```ts
 * redeliveryBackoff(1); // 1000
 * redeliveryBackoff(6); // 30000
 * ```
 */
export function redeliveryBackoff(attempt: number): number {
  return doublingDelay(attempt, 1000, 30_000);
}
