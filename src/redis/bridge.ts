/**
 * `bridge(bus, redis, options)`: one bus across processes over Redis. A thin
 * adapter over the transport seam (src/transport/bridge.ts): the seam does
 * validation, duplicates, acknowledging after delivery, stats and close; this
 * entry says how Redis sends and consumes, in pub/sub or Streams mode.
 */
import type { Redis } from 'ioredis';
import type { Bus } from '../bus-api.js';
import { BridgeError } from '../errors.js';
import type { EventMap } from '../event-map.js';
import type { Bridge, BridgeStats } from '../transport/bridge-api.js';
import { openBridge, type BridgeCloseOptions } from '../transport/bridge.js';
import { PatternSet } from '../transport/pattern-set.js';
import { assertCount, assertOneOf, describeArgument, optionsOf } from '../validate.js';
import type { RedisClient } from './client.js';
import { ioredisClient } from './ioredis-client.js';
import { REQUESTS_UNSUPPORTED } from './no-requests.js';
import type { RedisBridgeOptions } from './options.js';
import { pubSubLink, type PublishCounts } from './pubsub-link.js';
import { streamsLink, streamsSettings } from './streams-link.js';

/**
 * Counters of a Redis bridge: the common ones plus what `PUBLISH` replied (pub/sub).
 *
 * @example
 * ```ts
 * const { sent, unheard } = b.stats(); // unheard: events no subscriber received
 * ```
 */
export interface RedisBridgeStats extends BridgeStats {
  /** Pub/sub: subscribers that received the bridge's events, summed over every `PUBLISH`. */
  readonly receivers: number;
  /** Pub/sub: events sent while no subscriber listened on their channel (`PUBLISH` replied 0): published to nobody. */
  readonly unheard: number;
}

/**
 * A bridge between a bus and Redis.
 *
 * @example
 * ```ts
 * const b: RedisBridge = await bridge(bus, redis, { publish: ['order.*'] });
 * await b.close({ timeout: 10_000 });
 * ```
 */
export interface RedisBridge extends Bridge {
  stats(): RedisBridgeStats;
  /** As `Bridge.close`; with `timeout`, gives up waiting for deliveries and unanswered sends after that many ms. */
  close(options?: BridgeCloseOptions): Promise<void>;
}

/** Whether `value` looks like an ioredis connection (checked without loading ioredis). */
function isIoredis(value: unknown): value is Redis {
  const c = value as Partial<Record<'call' | 'duplicate' | 'publish', unknown>> | null;
  return (
    c !== null &&
    typeof c === 'object' &&
    typeof c.call === 'function' &&
    typeof c.duplicate === 'function' &&
    typeof c.publish === 'function'
  );
}

/**
 * Connects `bus` to other processes over Redis: local events of the `publish`
 * patterns go out, events of the `subscribe` patterns from other processes
 * are published on `bus` (so its waiters, streams and handlers see them). A
 * process never receives its own events back. Resolves once the
 * subscriptions (pub/sub) or the consumer group (streams) are in place. The
 * connection stays the caller's and is never blocked: the bridge opens its
 * own duplicates for subscribing and for blocking reads, and closes them.
 * `requests` is not supported on Redis (a `TypeError`).
 *
 * @throws TypeError for bad options; `BridgeError` when the connection is closed.
 * @example
 * ```ts no-run
 * import { Redis } from 'ioredis';
 * import { createBus } from 'rxbus';
 * import { bridge } from 'rxbus/redis';
 *
 * const redis = new Redis({ host: '127.0.0.1', port: 6379 });
 * const bus = createBus();
 * const b = await bridge(bus, redis, { publish: ['order.*'], subscribe: ['payment.*'] });
 * ```
 * @example Work shared by the replicas of a service, at-least-once:
 * ```ts no-run
 * const b = await bridge(bus, redis, { mode: 'streams', subscribe: ['order.created'], group: 'billing' });
 * ```
 */
export async function bridge<E extends EventMap>(bus: Bus<E>, redis: Redis, options?: RedisBridgeOptions<E>): Promise<RedisBridge> {
  const resolved = optionsOf(options, 'bridge() options');
  const { mode = 'pubsub', maxOutbox = 10_000 } = resolved;
  assertOneOf(mode, 'mode', ['pubsub', 'streams'] as const);
  assertCount(maxOutbox, 'maxOutbox', 1);
  if (!new PatternSet(resolved.requests, 'requests').empty) throw new TypeError(REQUESTS_UNSUPPORTED);
  if (!isIoredis(redis)) throw new TypeError(`Expected an ioredis connection (new Redis() from ioredis), got ${describeArgument(redis)}.`);
  if ((redis as { isCluster?: unknown }).isCluster === true) {
    throw new TypeError(
      'Expected a connection to one Redis server (new Redis()), got a Redis Cluster: rxbus/redis does not support Cluster (its stream and channels would live on one node anyway).',
    );
  }
  const client: RedisClient = ioredisClient(redis);
  if (client.ended) {
    throw new BridgeError({
      reason: 'connection',
      transport: 'redis',
      detail: 'the Redis connection given to bridge() is already closed (quit or disconnected)',
    });
  }
  const { requests: _unsupported, ...common } = resolved;
  const counts: PublishCounts = { receivers: 0, unheard: 0 };
  const opened =
    mode === 'pubsub'
      ? await (resolved.streams !== undefined
          ? Promise.reject(new TypeError(`'streams' options need mode: 'streams'.`))
          : openBridge(bus, common, {
              transport: 'redis',
              guarantee: 'at-most-once',
              link: (context) => pubSubLink(client, context, counts),
            }))
      : await openStreams();

  async function openStreams() {
    const settings = streamsSettings(resolved);
    return openBridge(bus, common, {
      transport: 'redis',
      guarantee: 'at-least-once',
      maxAttempts: settings.maxAttempts,
      backoff: settings.backoff,
      maxOutbox,
      link: (context) => streamsLink(client, context, settings),
    });
  }

  return {
    ...opened,
    stats: () => Object.freeze({ ...opened.stats(), receivers: counts.receivers, unheard: counts.unheard }),
  };
}
