/**
 * The broker-agnostic bridge: options, the way in (ingress.ts), the way out
 * (egress.ts), requests (remote-requests.ts), stats, status and close. A
 * broker entry (rxbus/nats, rxbus/redis) supplies a {@link BrokerLink}: how
 * to send, how to consume, how to send and serve requests on that broker.
 * Everything else — validation, duplicates, acknowledging after delivery,
 * error reporting, the close order — lives here, tested once.
 */
import { BehaviorSubject, distinctUntilChanged, Subject, type Observable } from 'rxjs';
import type { Bus } from '../bus-api.js';
import { BridgeError, BusClosedError } from '../errors.js';
import type { BusEvent, EventMap } from '../event-map.js';
import { assertCount, describeArgument, optionsOf } from '../validate.js';
import { doublingDelay, redeliveryBackoff } from './backoff.js';
import type { Bridge, BridgeOptions, BridgeStats, BridgeStatus } from './bridge-api.js';
import { BridgeCounters } from './bridge-counters.js';
import { DuplicateWindow } from './duplicate-window.js';
import { Egress, type Send } from './egress.js';
import { Ingress, type Guarantee } from './ingress.js';
import { PatternSet } from './pattern-set.js';
import { transportPort, type TransportPort } from './port.js';
import { RemoteRequests, type SendRequest } from './remote-requests.js';
import { SchemaGate } from './schema-gate.js';
import { assertTopicBase, TopicMap } from './topics.js';

/** What a broker adapter provides. */
export interface BrokerLink {
  /** Sends one outgoing event. */
  readonly send: Send;
  /** Sends one request (only called when `requests` is set). */
  readonly sendRequest: SendRequest;
  /**
   * Listens for requests on `topic` (a local responder of that type exists)
   * and hands each to `handle`, whose `respond` sends the reply. Returns the
   * function that stops listening.
   */
  serve(topic: string, handle: (data: Uint8Array | string, respond: (reply: string) => void) => void): () => void;
  /** Starts consuming; resolves once the broker knows the subscriptions. */
  startInput(): Promise<void>;
  /** Stops consuming: nothing new comes in (what already arrived still goes through the ingress). */
  stopInput(): Promise<void>;
  /** Called last on close, after deliveries settled and the outbox drained (or the close timed out). */
  close(): Promise<void>;
}

/** The resolved common options, as a broker adapter sees them. */
export interface LinkOptions {
  readonly prefix: string;
  readonly group: string | undefined;
  readonly maxInFlight: number;
  readonly maxMessageBytes: number;
}

/** What a broker adapter gets from the bridge. */
export interface LinkContext {
  readonly port: TransportPort;
  readonly origin: string;
  readonly options: LinkOptions;
  readonly ingress: Ingress;
  readonly counters: BridgeCounters;
  /** Topics of events (`<prefix>.events`) and of requests (`<prefix>.requests`). */
  readonly eventTopics: TopicMap;
  readonly requestTopics: TopicMap;
  /** The `subscribe` patterns. */
  readonly subscribe: PatternSet;
  /** True once close() began. */
  readonly closing: boolean;
  /** Reports a connection change. */
  status(status: BridgeStatus): void;
  /** Reports an error on `bridge.errors$` and `bus.errors$`. */
  report(error: BridgeError): void;
}

/** How a broker adapter builds a bridge. */
export interface BridgeSpec {
  /** The broker's name in errors: `'nats'`. */
  readonly transport: string;
  readonly guarantee: Guarantee;
  /** At-least-once: attempts before a failing message is given up. */
  readonly maxAttempts?: number;
  /** At-least-once: ms to wait before the next attempt after `attempt` failed (incoming), or before resending (outgoing). */
  readonly backoff?: (attempt: number) => number;
  /** Outgoing sends waiting for the broker (a send that returns a promise) at most. */
  readonly maxOutbox?: number;
  /** Creates the link, once the shared parts exist. */
  link(context: LinkContext): BrokerLink | Promise<BrokerLink>;
}

/** Options of `bridge.close()`. */
export interface BridgeCloseOptions {
  /** Give up waiting for deliveries and the outbox after this many ms (what is left is dropped and counted). Default: wait. */
  readonly timeout?: number;
}

const origins = new WeakMap<object, string>();

/** The wire name of a bus: random, one per bus, shared by its bridges (so no bridge echoes another's events). */
function originOf(bus: object): string {
  let origin = origins.get(bus);
  if (origin === undefined) {
    origin =
      typeof globalThis.crypto?.randomUUID === 'function'
        ? globalThis.crypto.randomUUID()
        : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    origins.set(bus, origin);
  }
  return origin;
}

/**
 * Opens a bridge between `bus` and a broker described by `spec`.
 *
 * @example
 * ```ts
 * return openBridge(bus, options, { transport: 'nats', guarantee: 'at-most-once', link: (context) => new CoreLink(nc, context) });
 * ```
 */
export async function openBridge<E extends EventMap>(
  bus: Bus<E>,
  input: BridgeOptions<E> | undefined,
  spec: BridgeSpec,
): Promise<Bridge & { close(options?: BridgeCloseOptions): Promise<void> }> {
  const port = transportPort(bus);
  const options = optionsOf(input, 'bridge() options');
  const {
    prefix = 'rxbus',
    group,
    duplicateWindow = 10_000,
    maxMessageBytes = 1024 * 1024,
    maxInFlight = 256,
    origin = originOf(bus),
  } = options;
  assertTopicBase(prefix, 'prefix');
  if (group !== undefined) assertTopicBase(group, 'group');
  assertCount(duplicateWindow, 'duplicateWindow', 1);
  assertCount(maxMessageBytes, 'maxMessageBytes', 1);
  assertCount(maxInFlight, 'maxInFlight', 1);
  if (typeof origin !== 'string' || origin.length === 0 || origin.length > 256) {
    throw new TypeError(`Expected 'origin' to be a string of 1 to 256 characters, got ${describeArgument(origin)}.`);
  }
  if (port.closed) throw new BusClosedError('open a bridge');
  const publish = new PatternSet(options.publish, 'publish');
  const subscribe = new PatternSet(options.subscribe, 'subscribe');
  const requestTypes = new PatternSet(options.requests, 'requests');
  const gate = new SchemaGate(options.schema as Readonly<Record<string, never>> | undefined);
  const counters = new BridgeCounters();
  const status$ = new BehaviorSubject<BridgeStatus>('connected');
  const errors$ = new Subject<BridgeError>();
  const eventTopics = new TopicMap(`${prefix}.events`);
  const requestTopics = new TopicMap(`${prefix}.requests`);
  const backoff = spec.backoff ?? redeliveryBackoff;
  let closing: Promise<void> | undefined;
  let idle: (() => void) | undefined;
  let drained: (() => void) | undefined;

  const report = (error: BridgeError): void => {
    if (!errors$.closed) errors$.next(error);
    port.report(error);
  };
  const ingress = new Ingress({
    port,
    transport: spec.transport,
    guarantee: spec.guarantee,
    origin,
    topics: eventTopics,
    patterns: subscribe,
    gate,
    window: new DuplicateWindow(duplicateWindow),
    counters,
    maxMessageBytes,
    maxInFlight,
    maxAttempts: spec.maxAttempts ?? Infinity,
    backoff,
    report,
    idle: () => idle?.(),
  });
  const requests = new RemoteRequests({
    port,
    transport: spec.transport,
    origin,
    topics: requestTopics,
    patterns: requestTypes,
    gate,
    counters,
    maxMessageBytes,
    sendRequest: (topic, data, timeout, type) => link.sendRequest(topic, data, timeout, type),
    report,
  });
  const context: LinkContext = {
    port,
    origin,
    options: { prefix, group, maxInFlight, maxMessageBytes },
    ingress,
    counters,
    eventTopics,
    requestTopics,
    subscribe,
    get closing() {
      return closing !== undefined;
    },
    status: (status) => {
      if (!status$.closed && status$.value !== status) status$.next(status);
    },
    report,
  };
  const link = await spec.link(context);
  const egress = new Egress({
    transport: spec.transport,
    origin,
    // With nothing to publish, an exact reserved type nobody publishes costs
    // the bus nothing per event, and its completion still tells the bus closed.
    events$: (publish.empty ? bus.events$('$rxbus.bridge' as never) : bus.events$()) as Observable<BusEvent>,
    scheduler: port.scheduler,
    topics: eventTopics,
    patterns: publish,
    counters,
    send: link.send,
    maxOutbox: spec.maxOutbox ?? Infinity,
    retry: spec.guarantee === 'at-least-once',
    backoff: (attempt) => doublingDelay(attempt, 100, 5000),
    report,
    busClosed: () => void close(),
    drained: () => drained?.(),
  });

  if (!subscribe.empty) {
    try {
      await link.startInput();
    } catch (error) {
      await link.stopInput().catch(() => undefined);
      await link.close().catch(() => undefined);
      throw error;
    }
  }
  // Requests: ours go out when no local responder exists; theirs come in
  // while we have a responder of their type.
  const servers = new Map<string, () => void>();
  const removeRequester = requestTypes.empty
    ? undefined
    : port.addRemoteRequester((type, payload, o) => requests.request(type, payload, o));
  const stopWatching = requestTypes.empty
    ? undefined
    : port.watchResponders((type, present) => {
        if (!requestTypes.test(type) || closing !== undefined) return;
        servers.get(type)?.();
        servers.delete(type);
        if (present) {
          const topic = requestTopics.of(type);
          servers.set(
            type,
            link.serve(topic, (data, respond) => requests.serve(topic, data, respond)),
          );
        }
      });
  egress.start();

  function close(closeOptions?: BridgeCloseOptions): Promise<void> {
    if (closing !== undefined) return closing;
    let timeout: number;
    try {
      ({ timeout = 0 } = optionsOf(closeOptions, 'close() options'));
    } catch (error) {
      return Promise.reject(error);
    }
    closing = (async () => {
      egress.stop();
      removeRequester?.();
      stopWatching?.();
      for (const stop of servers.values()) stop();
      servers.clear();
      requests.rejectAll(new BusClosedError('wait for a reply from another process (the bridge closed)'));
      await link.stopInput();
      const settled = Promise.all([
        counters.inFlight === 0 ? undefined : new Promise<void>((resolve) => (idle = resolve)),
        counters.outbox === 0 ? undefined : new Promise<void>((resolve) => (drained = resolve)),
      ]);
      if (timeout > 0 && timeout !== Infinity) {
        let timer: { unsubscribe(): void } | undefined;
        const timedOut = new Promise<void>((resolve) => (timer = port.scheduler.schedule(resolve, timeout)));
        await Promise.race([settled, timedOut]);
        timer?.unsubscribe();
        egress.abandon();
      } else {
        await settled;
      }
      await link.close();
      context.status('closed');
      status$.complete();
      errors$.complete();
    })();
    return closing;
  }

  return {
    origin,
    stats: (): BridgeStats => counters.snapshot(),
    status$: status$.pipe(distinctUntilChanged()),
    errors$: errors$.asObservable(),
    close,
    [Symbol.asyncDispose]: () => close(),
  };
}
