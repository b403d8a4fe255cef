/**
 * Options of `rxbus/nats`'s `bridge()`: the common bridge options plus the
 * NATS mode and, for `mode: 'jetstream'`, the stream and consumer settings.
 */
import type { EventMap } from '../event-map.js';
import type { BridgeOptions } from '../transport/bridge-api.js';

/**
 * JetStream settings of a bridge (`mode: 'jetstream'`).
 *
 * @example
 * ```ts
 * await bridge(bus, nc, {
 *   mode: 'jetstream', subscribe: ['order.*'], group: 'billing',
 *   jetstream: { stream: 'ORDERS', maxDeliver: 5, backoff: (n) => 1000 * 2 ** (n - 1), ackWait: 30_000 },
 * });
 * ```
 */
export interface JetStreamBridgeOptions {
  /**
   * The stream holding `<prefix>.events.>`. The bridge does not create it
   * (retention and storage are an operator's choice): create it with
   * `ensureStream()` or the `nats` CLI. @default the prefix with '.' → '_' ('rxbus')
   */
  readonly stream?: string;
  /**
   * The durable pull consumer's name. @default `group` when given (the
   * group's processes share it); otherwise one consumer per process,
   * `rxbus-<origin>`, removed on close or after `inactiveThreshold`.
   */
  readonly consumer?: string;
  /** Delivery attempts of a message before it is terminated and reported. Minimum: 1. @default 5 */
  readonly maxDeliver?: number;
  /** ms before redelivering after attempt `attempt` failed. @default 1 s doubling per attempt, at most 30 s */
  readonly backoff?: (attempt: number) => number;
  /**
   * ms the server waits for an acknowledgement before redelivering. A
   * handler running longer keeps its message with in-progress signals.
   * Minimum: 100. @default 30000
   */
  readonly ackWait?: number;
  /** Where a new consumer starts: `'new'` (events from now on) or `'all'` (the whole stream). @default 'new' */
  readonly deliverPolicy?: 'new' | 'all';
  /** A per-process consumer left without a client this long is removed by the server (ms). @default 300000 */
  readonly inactiveThreshold?: number;
  /** Outgoing events waiting for the server's acknowledgement at most; beyond it they are dropped and reported. @default 10000 */
  readonly maxOutbox?: number;
  /** Messages asked for per fetch at most (fewer when the bus has less room). Minimum: 1. @default 256 */
  readonly batch?: number;
  /** How long one fetch waits for messages on the server (ms). Minimum: 1000. @default 5000 */
  readonly expires?: number;
}

/**
 * Options of `bridge(bus, nc, options)`.
 *
 * @example
 * ```ts
 * const b = await bridge(bus, nc, { publish: ['order.*'], subscribe: ['payment.*'], requests: ['user.get'], group: 'api' });
 * ```
 */
export interface NatsBridgeOptions<E extends EventMap = Record<string, unknown>> extends BridgeOptions<E> {
  /**
   * `'core'`: plain NATS, at-most-once (fast; a process that is down misses
   * events). `'jetstream'`: events are stored in a stream and acknowledged
   * after local delivery, at-least-once. @default 'core'
   */
  readonly mode?: 'core' | 'jetstream';
  /** JetStream settings (`mode: 'jetstream'`). */
  readonly jetstream?: JetStreamBridgeOptions;
}
