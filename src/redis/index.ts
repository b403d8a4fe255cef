/**
 * `rxbus/redis`: `bridge(bus, redis, options)` joins local buses over Redis pub/sub or Streams.
 *
 * @module rxbus/redis
 */
export { bridge, type RedisBridge, type RedisBridgeStats } from './bridge.js';
export type { RedisBridgeOptions, StreamsBridgeOptions } from './options.js';
export type { Bridge, BridgeOptions, BridgeStats, BridgeStatus, Patterns, SchemaMap } from '../transport/bridge-api.js';
export type { BridgeCloseOptions } from '../transport/bridge.js';
export { sourceOf, type RemoteSource } from '../transport/remote-events.js';
export type { StandardSchemaV1 } from '../transport/schema-gate.js';
export { BridgeError, type BridgeErrorReason } from '../errors.js';
