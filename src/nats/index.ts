/**
 * `rxbus/nats`: `bridge(bus, connection, options)` joins local buses over NATS core or JetStream.
 *
 * @module rxbus/nats
 */
export { bridge, type NatsBridge } from './bridge.js';
export { ensureStream, type EnsureStreamOptions } from './stream.js';
export type { JetStreamBridgeOptions, NatsBridgeOptions } from './options.js';
export type { Bridge, BridgeOptions, BridgeStats, BridgeStatus, Patterns, SchemaMap } from '../transport/bridge-api.js';
export type { BridgeCloseOptions } from '../transport/bridge.js';
export { sourceOf, type RemoteSource } from '../transport/remote-events.js';
export type { StandardSchemaV1 } from '../transport/schema-gate.js';
export { BridgeError, RemoteError, type BridgeErrorReason } from '../errors.js';
