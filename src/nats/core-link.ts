/**
 * NATS core (`mode: 'core'`, at-most-once): events are plain publishes, the
 * `subscribe` patterns plain subscriptions (a queue subscription with
 * `group`), requests NATS request/reply. What a subscriber's connection
 * misses while it is down is lost; what the client cannot buffer while
 * disconnected is counted (`sendErrors`) and reported.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { BridgeError } from '../errors.js';
import type { BrokerLink, LinkContext } from '../transport/bridge.js';
import { minimalPatterns, NATS_WILDCARDS, natsCovers } from '../transport/topics.js';
import { watchConnection } from './connection-status.js';
import { requestFailure } from './request-errors.js';

/** Queue group of request subscriptions: one process answers each request. */
export const RESPONDERS_QUEUE = 'rxbus';

/**
 * The parts of a NATS link that core and JetStream modes share: requests and status.
 *
 * @example
 * ```ts
 * const shared = sharedLink(nc, context);
 * ```
 */
export function sharedLink(nc: NatsConnection, context: LinkContext): Pick<BrokerLink, 'sendRequest' | 'serve'> & { stopWatching(): void } {
  return {
    sendRequest: async (topic, data, timeout, type) => {
      try {
        return (await nc.request(topic, data, { timeout })).data;
      } catch (error) {
        throw requestFailure(error, type, timeout);
      }
    },
    serve: (topic, handle) => {
      const sub = nc.subscribe(topic, {
        queue: RESPONDERS_QUEUE,
        callback: (error, msg) => {
          if (error !== null) {
            context.report(
              new BridgeError({
                reason: 'connection',
                transport: 'nats',
                detail: `the request subscription failed: ${error.message}`,
                subject: topic,
                cause: error,
              }),
            );
            return;
          }
          handle(msg.data, (reply) => {
            try {
              msg.respond(reply);
            } catch (cause) {
              context.report(
                new BridgeError({ reason: 'send-failed', transport: 'nats', detail: 'the reply could not be sent', subject: topic, cause }),
              );
            }
          });
        },
      });
      return () => {
        if (!nc.isClosed()) sub.unsubscribe();
      };
    },
    stopWatching: watchConnection(nc, context),
  };
}

/**
 * The NATS core link of one bridge.
 *
 * @example
 * ```ts
 * openBridge(bus, options, { transport: 'nats', guarantee: 'at-most-once', link: (context) => coreLink(nc, context) });
 * ```
 */
export function coreLink(nc: NatsConnection, context: LinkContext): BrokerLink {
  const subscriptions: Subscription[] = [];
  const shared = sharedLink(nc, context);
  return {
    send: (topic, data) => nc.publish(topic, data),
    sendRequest: shared.sendRequest,
    serve: shared.serve,
    async startInput() {
      const mapped = context.subscribe.patterns.map((p) => context.eventTopics.pattern(p.source, NATS_WILDCARDS));
      for (const { topic } of minimalPatterns(mapped, natsCovers)) {
        subscriptions.push(
          nc.subscribe(topic, {
            queue: context.options.group,
            callback: (error, msg) => {
              if (error !== null) {
                context.report(
                  new BridgeError({
                    reason: 'connection',
                    transport: 'nats',
                    detail: `the subscription failed: ${error.message}`,
                    subject: topic,
                    cause: error,
                  }),
                );
                return;
              }
              context.ingress.receive({ topic: msg.subject, data: msg.data, attempt: 1 });
            },
          }),
        );
      }
      // Resolves once the server has the subscriptions: events published after it arrive.
      await nc.flush();
    },
    async stopInput() {
      if (nc.isClosed()) return;
      await Promise.all(subscriptions.splice(0).map((sub) => sub.drain().catch(() => undefined)));
    },
    async close() {
      shared.stopWatching();
      // Whatever the client still buffers goes out before close() resolves.
      if (!nc.isClosed() && !nc.isDraining()) await nc.flush().catch(() => undefined);
    },
  };
}
