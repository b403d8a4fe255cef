/**
 * The Redis client as the bridge sees it: a handful of operations, so that
 * ioredis (ioredis-client.ts) is one small adapter and another client
 * (`redis` / `@redis/client`) can be a second one. Replies are RESP2-shaped:
 * strings, integers, arrays and `null`.
 *
 * The bridge never blocks or subscribes on the caller's connection: it asks
 * for a duplicate (a new connection with the same options) for subscribing
 * and for the blocking stream read, and closes those itself.
 */

/** A connection's state, as the bridge reports it on `status$`. */
export type RedisConnectionState = 'ready' | 'down' | 'reconnecting' | 'end';

/** Called for each message of a subscription: the channel it came on and the pattern (or channel) subscription that matched it. */
export type RedisMessageListener = (channel: string, message: string, subscription: string) => void;

/**
 * One connection to a Redis server.
 *
 * @example
 * ```ts
 * const client: RedisClient = ioredisClient(redis);
 * await client.command('XADD', ['rxbus.events', '*', 'topic', 't', 'data', '{}']);
 * ```
 */
export interface RedisClient {
  /** Sends one command; resolves with its reply, rejects with the server's or the connection's error. */
  command(name: string, args: readonly (string | number)[]): Promise<unknown>;
  /** `PUBLISH`: resolves with the number of subscribers that received the message. */
  publish(channel: string, message: string): Promise<number>;
  /** A new connection to the same server with the same options, resolved once it is ready. */
  duplicate(name: string): Promise<RedisClient>;
  /**
   * Subscribes to channels and glob patterns (this connection then only
   * subscribes); resolves once the server confirmed them. The client
   * subscribes again by itself after a reconnect.
   */
  subscribe(channels: readonly string[], patterns: readonly string[], listener: RedisMessageListener): Promise<void>;
  /** Calls `listener` on each state change until the returned function is called. */
  watch(listener: (state: RedisConnectionState, cause?: unknown) => void): () => void;
  /** True when the connection was closed for good (it will not reconnect). */
  readonly ended: boolean;
  /** Closes a connection the bridge opened (a duplicate), without waiting for replies. */
  disconnect(): void;
}
