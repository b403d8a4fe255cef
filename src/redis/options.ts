/**
 * Options of `rxbus/redis`'s `bridge()`: the common bridge options plus the
 * Redis mode and, for `mode: 'streams'`, the stream and consumer-group settings.
 */
import type { EventMap } from '../event-map.js';
import type { BridgeOptions } from '../transport/bridge-api.js';

/**
 * Redis Streams settings of a bridge (`mode: 'streams'`).
 *
 * @example
 * ```ts
 * await bridge(bus, redis, {
 *   mode: 'streams', subscribe: ['order.*'], group: 'billing',
 *   streams: { maxLen: 100_000, maxAttempts: 5, claimAfter: 30_000 },
 * });
 * ```
 */
export interface StreamsBridgeOptions {
  /** The stream every event of the prefix goes to. @default `<prefix>.events` */
  readonly key?: string;
  /** Entries given up (last attempt failed, or invalid) are copied here before they are acknowledged. @default `<prefix>.dead-letters` */
  readonly deadLetterKey?: string;
  /** `XADD … MAXLEN ~ maxLen`: the stream keeps about this many entries (Redis trims whole nodes, so a few more). Minimum: 1. @default 100000 */
  readonly maxLen?: number;
  /** The dead-letter stream keeps about this many entries. Minimum: 1. @default 10000 */
  readonly deadLetterMaxLen?: number;
  /** Delivery attempts of an entry before it is acknowledged, reported and dead-lettered. Minimum: 1. @default 5 */
  readonly maxAttempts?: number;
  /** ms before attempt `attempt + 1` after attempt `attempt` failed. @default 1 s doubling per attempt, at most 30 s */
  readonly backoff?: (attempt: number) => number;
  /**
   * An entry pending this long (ms) with a consumer that does not touch it is
   * taken over (`XAUTOCLAIM`) by another consumer of the group: the way the
   * entries of a crashed process get handled. Entries a live consumer is
   * still delivering are touched every `claimAfter / 2`. Minimum: 100. @default 30000
   */
  readonly claimAfter?: number;
  /** Where a new consumer group starts: `'new'` (entries added from now on) or `'all'` (the whole stream). @default 'new' */
  readonly start?: 'new' | 'all';
  /** Entries asked for per `XREADGROUP` at most (fewer when the bus has less room). Minimum: 1. @default 256 */
  readonly batch?: number;
  /** How long one `XREADGROUP` waits on the server for new entries (ms). Minimum: 10. @default 2000 */
  readonly block?: number;
}

/**
 * Options of `bridge(bus, redis, options)`.
 *
 * @example
 * ```ts
 * const b = await bridge(bus, redis, { mode: 'streams', publish: ['order.*'], subscribe: ['payment.*'], group: 'api' });
 * ```
 */
export interface RedisBridgeOptions<E extends EventMap = Record<string, unknown>> extends BridgeOptions<E> {
  /**
   * `'pubsub'`: Redis `PUBLISH`/`SUBSCRIBE`, at-most-once (fast; a process
   * that is down misses events). `'streams'`: events are appended to a
   * stream and acknowledged after local delivery, at-least-once. @default 'pubsub'
   */
  readonly mode?: 'pubsub' | 'streams';
  /** Streams: outgoing events waiting for the server's reply to their `XADD` at most; beyond it they are dropped and reported. Minimum: 1. @default 10000 */
  readonly maxOutbox?: number;
  /** Streams settings (`mode: 'streams'`). */
  readonly streams?: StreamsBridgeOptions;
  /** Not supported on Redis: a `TypeError` (use rxbus/nats for requests across processes). */
  readonly requests?: never;
}
