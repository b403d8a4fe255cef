/**
 * NATS JetStream (`mode: 'jetstream'`, at-least-once).
 *
 * Out: `js.publish` with the event's identity (origin + id) as the message id,
 * so the server drops a copy resent after a lost acknowledgement (within the
 * stream's duplicate window); unacknowledged sends wait in the seam's outbox
 * and are resent with backoff.
 *
 * In: a durable pull consumer (shared by the `group`, or one per process).
 * The bridge fetches only as many messages as the bus has room for now and
 * its `maxInFlight` allows, so a slow process leaves messages on the server
 * for its group instead of buffering them (backpressure crosses the wire).
 * A message is acknowledged after `bus.deliver` says every handler job ended
 * without failure; a failure is nak'ed with backoff; after `maxDeliver`
 * attempts, or when invalid, it is terminated and reported. While a handler
 * runs longer than half of `ackWait`, the message gets in-progress signals so
 * the server does not hand it to another process.
 */
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Subscription as RxSubscription } from 'rxjs';
import { BridgeError } from '../errors.js';
import { redeliveryBackoff } from '../transport/backoff.js';
import type { BrokerLink, LinkContext } from '../transport/bridge.js';
import type { Settlement } from '../transport/ingress.js';
import { PullPacer } from '../transport/pull-pacer.js';
import { NATS_WILDCARDS, natsCovers, minimalPatterns } from '../transport/topics.js';
import { assertCount, assertDuration, assertFunction, assertOneOf, optionsOf } from '../validate.js';
import { sharedLink } from './core-link.js';
import type { NatsBridgeOptions } from './options.js';

/** JetStream settings with their defaults. */
export interface JetStreamSettings {
  readonly stream: string | undefined;
  readonly consumer: string | undefined;
  readonly maxDeliver: number;
  readonly backoff: (attempt: number) => number;
  readonly ackWait: number;
  readonly deliverPolicy: 'new' | 'all';
  readonly inactiveThreshold: number;
  readonly maxOutbox: number;
  readonly batch: number;
  readonly expires: number;
}

const NANOS = 1_000_000;

/**
 * Checks the `jetstream` options and fills in the defaults.
 *
 * @example
 * ```ts
 * jetStreamSettings({ jetstream: { maxDeliver: 3 } }).ackWait; // 30000
 * ```
 */
export function jetStreamSettings(options: Pick<NatsBridgeOptions, 'jetstream'>): JetStreamSettings {
  const {
    stream,
    consumer,
    maxDeliver = 5,
    backoff = redeliveryBackoff,
    ackWait = 30_000,
    deliverPolicy = 'new',
    inactiveThreshold = 300_000,
    maxOutbox = 10_000,
    batch = 256,
    expires = 5000,
  } = optionsOf(options.jetstream, 'jetstream options');
  for (const [name, value] of [
    ['jetstream.stream', stream],
    ['jetstream.consumer', consumer],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value))) {
      throw new TypeError(`Expected '${name}' to be a name of letters, digits, '_' and '-', got ${JSON.stringify(value)}.`);
    }
  }
  assertCount(maxDeliver, 'jetstream.maxDeliver', 1);
  assertFunction(backoff, 'jetstream.backoff');
  assertDuration(ackWait, 'jetstream.ackWait', 100);
  assertOneOf(deliverPolicy, 'jetstream.deliverPolicy', ['new', 'all'] as const);
  assertDuration(inactiveThreshold, 'jetstream.inactiveThreshold');
  assertCount(maxOutbox, 'jetstream.maxOutbox', 1);
  assertCount(batch, 'jetstream.batch', 1);
  assertCount(expires, 'jetstream.expires', 1000);
  return { stream, consumer, maxDeliver, backoff, ackWait, deliverPolicy, inactiveThreshold, maxOutbox, batch, expires };
}

/**
 * The stream name a prefix uses by default: `rxbus` → `rxbus`, `shop.rxbus` → `shop_rxbus`.
 *
 * @example
 * ```ts
 * defaultStreamName('shop.rxbus'); // 'shop_rxbus'
 * ```
 */
export function defaultStreamName(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The JetStream link of one bridge.
 *
 * @example
 * ```ts
 * openBridge(bus, options, { transport: 'nats', guarantee: 'at-least-once', link: (context) => jetStreamLink(nc, context, settings) });
 * ```
 */
export async function jetStreamLink(nc: NatsConnection, context: LinkContext, settings: JetStreamSettings): Promise<BrokerLink> {
  // Loaded here, so core mode works without @nats-io/jetstream installed.
  const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } = await import('@nats-io/jetstream');
  const js = jetstream(nc);
  const shared = sharedLink(nc, context);
  const { port, counters, options } = context;
  const stream = settings.stream ?? defaultStreamName(options.prefix);
  const perProcess = settings.consumer === undefined && options.group === undefined;
  const name = settings.consumer ?? options.group ?? `rxbus-${context.origin.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const report = (detail: string, cause?: unknown) =>
    context.report(new BridgeError({ reason: 'connection', transport: 'nats', detail, subject: `${stream} > ${name}`, cause }));

  let consumer: Consumer | undefined;
  let fetching: ConsumerMessages | undefined;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let created = false;
  /** Messages being delivered, with when they last told the server they are in progress. */
  const running = new Map<JsMsg, number>();
  let progress: RxSubscription | undefined;

  const pacer = new PullPacer(port, counters, options.maxInFlight, settings.batch);

  const settle = (msg: JsMsg) => (settlement: Settlement, delay?: number) => {
    running.delete(msg);
    try {
      if (settlement === 'ack') msg.ack();
      else if (settlement === 'retry') msg.nak(delay);
      else if (settlement === 'term') msg.term();
      // 'wait': a copy is still being delivered; the server brings this one back after ackWait.
    } catch (cause) {
      report(`could not ${settlement} message ${msg.seq}`, cause);
    }
    pacer.nudge();
  };

  /** In-progress signals for long deliveries, checked every quarter of ackWait. */
  const keepAlive = () => {
    const now = port.scheduler.now();
    for (const [msg, since] of running) {
      if (now - since >= settings.ackWait / 2) {
        running.set(msg, now);
        try {
          msg.working();
        } catch {
          // Disconnected: the server redelivers after ackWait, the duplicate window catches the copy.
        }
      }
    }
  };

  async function pull(): Promise<void> {
    while (!stopped) {
      const room = pacer.room();
      if (room <= 0) {
        await pacer.waitForRoom();
        continue;
      }
      try {
        fetching = await consumer!.fetch({ max_messages: room, expires: settings.expires });
        for await (const msg of fetching) {
          running.set(msg, port.scheduler.now());
          context.ingress.receive({ topic: msg.subject, data: msg.data, attempt: msg.info.deliveryCount }, settle(msg));
        }
      } catch (cause) {
        if (stopped) break;
        report(`fetching from the consumer failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
        await pacer.pause(1000);
      } finally {
        fetching = undefined;
      }
    }
  }

  return {
    send: (topic, data, messageId) => js.publish(topic, data, { msgID: messageId }),
    sendRequest: shared.sendRequest,
    serve: shared.serve,
    async startInput() {
      const jsm = await jetstreamManager(nc);
      try {
        await jsm.streams.info(stream);
      } catch (cause) {
        throw new BridgeError({
          reason: 'connection',
          transport: 'nats',
          detail: `JetStream stream '${stream}' is not available (${cause instanceof Error ? cause.message : String(cause)}); create it with ensureStream(nc, { prefix: '${options.prefix}' }) or 'nats stream add', capturing '${options.prefix}.events.>'`,
          subject: stream,
          cause,
        });
      }
      const mapped = context.subscribe.patterns.map((p) => context.eventTopics.pattern(p.source, NATS_WILDCARDS));
      const filters = minimalPatterns(mapped, natsCovers).map((t) => t.topic);
      // One filter subject works on every server; several need 2.10. With
      // several on an older server, take all events and filter locally.
      const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
      const many = major > 2 || (major === 2 && minor >= 10);
      const filter =
        filters.length === 1
          ? { filter_subject: filters[0] }
          : many
            ? { filter_subjects: filters }
            : { filter_subject: `${context.eventTopics.base}.>` };
      const exists = await jsm.consumers.info(stream, name).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await jsm.consumers.add(stream, {
          durable_name: name,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: settings.deliverPolicy === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
          max_deliver: settings.maxDeliver,
          ack_wait: settings.ackWait * NANOS,
          max_ack_pending: Math.max(1000, options.maxInFlight * 4),
          ...(perProcess ? { inactive_threshold: settings.inactiveThreshold * NANOS } : {}),
          ...filter,
        });
        created = true;
      }
      consumer = await js.consumers.get(stream, name);
      const period = Math.max(25, settings.ackWait / 4);
      progress = port.scheduler.schedule(function tick(this: { schedule(state?: unknown, delay?: number): void }) {
        keepAlive();
        this.schedule(undefined, period);
      }, period);
      loop = pull();
    },
    async stopInput() {
      stopped = true;
      pacer.nudge();
      await fetching?.close().catch(() => undefined);
      await loop;
    },
    async close() {
      progress?.unsubscribe();
      shared.stopWatching();
      if (!nc.isClosed() && !nc.isDraining()) {
        if (perProcess && created) {
          const jsm = await jetstreamManager(nc).catch(() => undefined);
          await jsm?.consumers.delete(stream, name).catch(() => undefined);
        }
        await nc.flush().catch(() => undefined);
      }
    },
  };
}
