/**
 * The public shape of a bridge between a bus and a message broker, shared by
 * every broker entry (`rxbus/nats`, `rxbus/redis`): common options, stats,
 * status and the `Bridge` object. The broker-specific options extend these.
 */
import type { Observable } from 'rxjs';
import type { BridgeError } from '../errors.js';
import type { EventMap, EventType, RequestOf } from '../event-map.js';
import type { StandardSchemaV1 } from './schema-gate.js';

/** Event patterns, one or several: `'order.created'`, `'order.*'`, `['order.**', 'user.*']`. */
export type Patterns = string | readonly string[];

/**
 * A Standard Schema validator per event type; for a typed bus, each checks
 * (and may transform to) that type's payload (a request type's request payload).
 *
 * @example
 * ```ts
 * const schema: SchemaMap<AppEvents> = { 'order.created': z.object({ id: z.string(), total: z.number() }) };
 * ```
 */
export type SchemaMap<E extends EventMap> = string extends keyof E
  ? Readonly<Record<string, StandardSchemaV1>>
  : { readonly [K in EventType<E>]?: StandardSchemaV1<unknown, RequestOf<E, K>> };

/**
 * Options every broker bridge takes.
 *
 * @example
 * ```ts
 * const options: BridgeOptions<AppEvents> = {
 *   publish: ['order.*'],          // these local events go out
 *   subscribe: ['payment.*'],      // these remote events come in
 *   requests: ['user.get'],        // bus.request('user.get') may be answered by another process
 *   group: 'billing',              // replicas of one service share the incoming events
 *   schema: { 'payment.settled': PaymentSettled }, // zod / valibot / any Standard Schema
 * };
 * ```
 */
export interface BridgeOptions<E extends EventMap = Record<string, unknown>> {
  /** Local events of these patterns are sent to other processes. Default: none. */
  readonly publish?: Patterns;
  /** Events of these patterns from other processes are published on the local bus. Default: none. */
  readonly subscribe?: Patterns;
  /**
   * Request types (patterns) that cross processes: `bus.request` of such a
   * type with no local responder goes to a process that has one, and local
   * responders (`bus.handle`) answer requests from other processes. Default: none.
   */
  readonly requests?: Patterns;
  /**
   * Topics live under this prefix: events on `<prefix>.events.<type>`,
   * requests on `<prefix>.requests.<type>`. Dot segments of letters, digits
   * and punctuation. @default 'rxbus'
   */
  readonly prefix?: string;
  /**
   * A service name: the processes of one group share the incoming events
   * (each event goes to one of them). Without it, every process gets every event.
   */
  readonly group?: string;
  /**
   * A Standard Schema validator per event type (zod, valibot, arktype…):
   * an incoming payload (event or request) that fails it is counted,
   * reported as a `BridgeError` (`reason: 'schema'`) and dropped. The
   * validated value (with the schema's transforms) is what gets published.
   */
  readonly schema?: SchemaMap<E>;
  /**
   * How many event identities (origin + id) to remember for dropping
   * duplicates. Minimum: 1. @default 10000
   */
  readonly duplicateWindow?: number;
  /** Incoming messages larger than this are invalid. @default 1048576 (1 MiB) */
  readonly maxMessageBytes?: number;
  /**
   * Incoming messages being validated or waiting for room on the local bus,
   * at most. At-most-once modes drop (and count) what exceeds it; at-least-once
   * modes fetch no more than this. Minimum: 1. @default 256
   */
  readonly maxInFlight?: number;
  /**
   * This process's name on the wire (`origin`), for tracing. Unique per bus.
   * @default a random id per bus
   */
  readonly origin?: string;
}

/**
 * Counters and gauges of a bridge, from `bridge.stats()`.
 *
 * @example
 * ```ts
 * const { sent, received, invalid, duplicates } = bridge.stats();
 * ```
 */
export interface BridgeStats {
  /** Events sent to the broker (at-least-once modes: acknowledged by it). */
  readonly sent: number;
  /** Remote events published on the local bus. */
  readonly received: number;
  /** Incoming messages dropped as invalid (envelope or schema). */
  readonly invalid: number;
  /** Incoming events dropped as duplicates (same origin + id). */
  readonly duplicates: number;
  /** Incoming messages the broker delivered again (at-least-once modes). */
  readonly redelivered: number;
  /** Deliveries in which a local handler failed. */
  readonly failed: number;
  /** Messages given up for good after their last attempt, or invalid ones terminated (at-least-once modes). */
  readonly terminated: number;
  /** Events dropped by the bridge: incoming beyond `maxInFlight` (at-most-once), outgoing beyond the outbox. */
  readonly dropped: number;
  /** Outgoing events that could not be encoded or sent. */
  readonly sendErrors: number;
  /** Incoming messages being validated or delivered now. */
  readonly inFlight: number;
  /** Outgoing events waiting for the broker's acknowledgement (at-least-once modes). */
  readonly outbox: number;
  /** Requests sent to other processes. */
  readonly requestsSent: number;
  /** Requests from other processes answered here. */
  readonly requestsServed: number;
  /** Requests sent to other processes still waiting for a reply. */
  readonly pendingRequests: number;
}

/**
 * The connection state of a bridge, from `bridge.status$`:
 * `'connected'`, `'disconnected'` (lost, the client will try again),
 * `'reconnecting'` (trying), `'closed'` (the bridge or its connection closed for good).
 */
export type BridgeStatus = 'connected' | 'disconnected' | 'reconnecting' | 'closed';

/**
 * A running bridge between a bus and a broker.
 *
 * @example
 * ```ts
 * const b = await bridge(bus, nc, { publish: ['order.*'], subscribe: ['payment.*'] });
 * b.status$.subscribe((s) => log.info(`nats: ${s}`));
 * b.errors$.subscribe((err) => log.warn(err.message));
 * await b.close();
 * ```
 */
export interface Bridge {
  /** This bus's name on the wire. */
  readonly origin: string;
  /** A snapshot of the bridge's counters. */
  stats(): BridgeStats;
  /** The connection state now and on every change; completes when the bridge closes. */
  readonly status$: Observable<BridgeStatus>;
  /** What the bridge could not take in or send out; completes when the bridge closes. Also on `bus.errors$`. */
  readonly errors$: Observable<BridgeError>;
  /**
   * Stops taking messages in, sends what is still waiting to go out, waits for
   * the deliveries in progress and acknowledges them, then resolves. Leaves
   * the connection and the bus open (they are the caller's). Safe to call twice.
   */
  close(): Promise<void>;
  /** `await using b = await bridge(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}
