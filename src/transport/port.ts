/**
 * The transport port: what a bridge to a message broker (rxbus/nats,
 * rxbus/redis) needs of a bus beyond its public API, in the smallest form.
 *
 * - Incoming events are published with `emit`/`deliver` plus an `admitted`
 *   callback that sees the event before any stream, waiter or handler does,
 *   so the bridge can mark it as remote and never send it back out.
 * - `request` asks the local responder only; `addRemoteRequester` lets
 *   `bus.request` of a type with no local responder go to another process.
 * - `watchResponders` says which request types have a local responder, so a
 *   bridge listens for remote requests only where it can answer them.
 * - `room` and `report` let the bridge pace a pull consumer and put its
 *   errors on `bus.errors$`.
 *
 * The port is reached through a registered symbol (`Symbol.for`), so a bus
 * from the CommonJS build and a bridge from the ES module build still meet.
 * It is not public API: only rxbus's own entries use it.
 */
import type { SchedulerLike } from 'rxjs';
import type { EmitOptions, RequestOptions } from '../bus-api.js';
import type { Delivery } from '../delivery.js';
import type { HandlerError } from '../errors.js';
import type { BusEvent } from '../event-map.js';
import { describeArgument } from '../validate.js';

/** The key under which a bus exposes its {@link TransportPort}. @internal */
export const TRANSPORT_PORT: unique symbol = Symbol.for('rxbus.transport-port') as never;

/**
 * Sends a request to another process when no local responder exists;
 * returns `undefined` when its bridge does not carry requests of `type`.
 */
export type RemoteRequester = (type: string, payload: unknown, options: RequestOptions | undefined) => Promise<unknown> | undefined;

/** Called with each request type whose local responder appears (`present`) or goes away. */
export type ResponderListener = (type: string, present: boolean) => void;

/** What a transport bridge may do with a bus (not exported from any entry; the bridges' declarations name it). */
export interface TransportPort {
  /** The bus's scheduler: every bridge timer goes through it. */
  readonly scheduler: SchedulerLike;
  /** The bus's `defaultTimeout` (0 = none). */
  readonly defaultTimeout: number;
  /** True once `close()` was called on the bus. */
  readonly closed: boolean;
  /** `bus.emit`, calling `admitted(event)` before anyone sees the event. */
  emit(type: string, payload: unknown, options: EmitOptions | undefined, admitted: (event: BusEvent) => void): Promise<void>;
  /** `bus.deliver`, calling `admitted(event)` before anyone sees the event. */
  deliver(type: string, payload: unknown, options: EmitOptions | undefined, admitted: (event: BusEvent) => void): Promise<Delivery>;
  /** `bus.request` answered by a local responder only (never forwarded to a remote requester). */
  request(type: string, payload: unknown, options: RequestOptions | undefined): Promise<unknown>;
  /** Handler jobs the pool can take now without waiting (free slots plus queue room; 0 while producers wait). */
  room(): number;
  /** Puts an error on `bus.errors$` (or `onError`), without counting it as a failed job. */
  report(error: HandlerError): void;
  /** Calls `listener(type, true)` for each current responder, then on every change; returns the unsubscribe function. */
  watchResponders(listener: ResponderListener): () => void;
  /** Adds a requester asked, in order, for requests with no local responder; returns its removal. */
  addRemoteRequester(requester: RemoteRequester): () => void;
}

/**
 * The transport port of a bus created by `createBus`.
 *
 * @throws TypeError when `bus` is not an rxbus bus.
 * @example
 * ```ts
 * const port = transportPort(bus);
 * await port.deliver('order.created', order, undefined, (event) => remote.add(event));
 * ```
 */
export function transportPort(bus: unknown): TransportPort {
  const open = (bus as { [TRANSPORT_PORT]?: unknown } | null)?.[TRANSPORT_PORT];
  if (typeof open !== 'function') {
    throw new TypeError(`Expected a bus made by createBus() from rxbus, got ${describeArgument(bus)}.`);
  }
  return (open as () => TransportPort).call(bus);
}
