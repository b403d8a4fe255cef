/**
 * `bridge(bus, nc, options)`: one bus across processes over NATS. A thin
 * adapter over the transport seam (src/transport/bridge.ts): the seam does
 * validation, duplicates, acknowledging after delivery, stats and close; this
 * entry says how NATS sends, consumes and answers.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Bus } from '../bus-api.js';
import { BridgeError } from '../errors.js';
import type { EventMap } from '../event-map.js';
import type { Bridge } from '../transport/bridge-api.js';
import { openBridge, type BridgeCloseOptions } from '../transport/bridge.js';
import { assertOneOf, describeArgument, optionsOf } from '../validate.js';
import { coreLink } from './core-link.js';
import { jetStreamSettings, jetStreamLink } from './jetstream-link.js';
import type { NatsBridgeOptions } from './options.js';

/**
 * A bridge between a bus and NATS.
 *
 * @example
 * ```ts
 * const b: NatsBridge = await bridge(bus, nc, { publish: ['order.*'] });
 * await b.close({ timeout: 10_000 });
 * ```
 */
export interface NatsBridge extends Bridge {
  /** As `Bridge.close`; with `timeout`, gives up waiting for deliveries and unacknowledged sends after that many ms. */
  close(options?: BridgeCloseOptions): Promise<void>;
}

/**
 * Connects `bus` to other processes over NATS: local events of the `publish`
 * patterns go out, events of the `subscribe` patterns from other processes
 * are published on `bus` (so its waiters, streams and handlers see them), and
 * `bus.request` of a `requests` type with no local responder is answered by a
 * process that has one. A process never receives its own events back.
 * Resolves once the subscriptions (and, in JetStream mode, the consumer) are
 * in place on the server. The connection stays the caller's: configure it to
 * reconnect forever (`maxReconnectAttempts: -1`).
 *
 * @throws TypeError for bad options; `BridgeError` when the connection is
 * closed or the JetStream stream does not exist.
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { createBus } from 'rxbus';
 * import { bridge } from 'rxbus/nats';
 *
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const bus = createBus<AppEvents>();
 * const b = await bridge(bus, nc, { publish: ['order.*'], subscribe: ['payment.*'], requests: ['user.get'] });
 * ```
 * @example Work shared by the replicas of a service, at-least-once:
 * ```ts
 * await ensureStream(nc, { prefix: 'rxbus' });
 * const b = await bridge(bus, nc, { mode: 'jetstream', subscribe: ['order.created'], group: 'billing' });
 * ```
 */
export async function bridge<E extends EventMap>(bus: Bus<E>, nc: NatsConnection, options?: NatsBridgeOptions<E>): Promise<NatsBridge> {
  const resolved = optionsOf(options, 'bridge() options');
  const { mode = 'core' } = resolved;
  assertOneOf(mode, 'mode', ['core', 'jetstream'] as const);
  const connection = nc as Partial<NatsConnection> | null;
  if (
    connection === null ||
    typeof connection !== 'object' ||
    typeof connection.publish !== 'function' ||
    typeof connection.subscribe !== 'function'
  ) {
    throw new TypeError(`Expected a NATS connection (from connect() of @nats-io/transport-node), got ${describeArgument(nc)}.`);
  }
  if (nc.isClosed()) {
    throw new BridgeError({ reason: 'connection', transport: 'nats', detail: 'the NATS connection given to bridge() is already closed' });
  }
  if (mode === 'core') {
    if (resolved.jetstream !== undefined) throw new TypeError(`'jetstream' options need mode: 'jetstream'.`);
    return openBridge(bus, resolved, { transport: 'nats', guarantee: 'at-most-once', link: (context) => coreLink(nc, context) });
  }
  const settings = jetStreamSettings(resolved);
  return openBridge(bus, resolved, {
    transport: 'nats',
    guarantee: 'at-least-once',
    maxAttempts: settings.maxDeliver,
    backoff: settings.backoff,
    maxOutbox: settings.maxOutbox,
    link: (context) => jetStreamLink(nc, context, settings),
  });
}
