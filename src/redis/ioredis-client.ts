/**
 * The {@link RedisClient} over an ioredis 6 connection. Only types come from
 * ioredis: the bridge calls methods of the connection it is given, so
 * importing `rxbus/redis` loads no Redis code of its own.
 */
import type { Redis } from 'ioredis';
import type { RedisClient, RedisConnectionState, RedisMessageListener } from './client.js';

/**
 * Wraps an ioredis connection.
 *
 * @example
 * ```ts
 * const client = ioredisClient(new Redis(6379, '127.0.0.1'));
 * await client.publish('rxbus.events.order.created', '{}');
 * ```
 */
export function ioredisClient(redis: Redis): RedisClient {
  return {
    command: (name, args) => redis.call(name, ...args) as Promise<unknown>,
    publish: (channel, message) => redis.publish(channel, message),
    async duplicate(name) {
      // Our own connection: never give up reconnecting, never fail a queued command for lack of retries.
      const copy = redis.duplicate({ connectionName: name, maxRetriesPerRequest: null, lazyConnect: false });
      // ioredis prints unhandled 'error' events; the bridge reports state through watch().
      copy.on('error', () => undefined);
      if (copy.status !== 'ready') {
        await new Promise<void>((resolve, reject) => {
          const ready = () => {
            copy.off('end', ended);
            resolve();
          };
          const ended = () => {
            copy.off('ready', ready);
            reject(new Error(`the duplicated Redis connection '${name}' could not connect`));
          };
          copy.once('ready', ready);
          copy.once('end', ended);
        });
      }
      return ioredisClient(copy);
    },
    async subscribe(channels, patterns, listener: RedisMessageListener) {
      redis.on('message', (channel: string, message: string) => listener(channel, message, channel));
      redis.on('pmessage', (pattern: string, channel: string, message: string) => listener(channel, message, pattern));
      if (channels.length > 0) await redis.subscribe(...channels);
      if (patterns.length > 0) await redis.psubscribe(...patterns);
    },
    watch(listener: (state: RedisConnectionState, cause?: unknown) => void) {
      let lastError: unknown;
      const handlers: Array<[string, (...args: unknown[]) => void]> = [
        ['ready', () => listener('ready')],
        ['close', () => listener('down')],
        ['reconnecting', () => listener('reconnecting')],
        ['end', () => listener('end', lastError)],
        ['error', (cause) => (lastError = cause)],
      ];
      for (const [event, handler] of handlers) redis.on(event, handler);
      return () => {
        for (const [event, handler] of handlers) redis.off(event, handler);
      };
    },
    get ended() {
      return redis.status === 'end';
    },
    disconnect: () => redis.disconnect(false),
  };
}
