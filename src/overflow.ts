/**
 * The overflow policies shared by the bus, the coordinator and
 * `boundedMerge`: what happens to new work when a bounded queue is full.
 */

/**
 * What to do when the handler queue is full:
 * - `'error'`: `publish` throws `QueueFullError` (nothing of the event is queued);
 * - `'drop-newest'`: the new event's jobs are dropped;
 * - `'drop-oldest'`: the oldest queued jobs are evicted to make room.
 *
 * Drops are counted in `stats().dropped` and reported on `dropped$`.
 *
 * @example
 * ```ts
 * const bus = createBus({ capacity: 100, overflow: 'drop-oldest' });
 * ```
 */
export type OverflowPolicy = 'error' | 'drop-newest' | 'drop-oldest';

/**
 * Every overflow policy, for validation and messages.
 *
 * @example
 * ```ts
 * assertOneOf(options.overflow, 'overflow', OVERFLOW_POLICIES);
 * ```
 */
export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['error', 'drop-newest', 'drop-oldest'];
