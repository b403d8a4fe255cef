/**
 * Redis pub/sub (`mode: 'pubsub'`, at-most-once): events are `PUBLISH`es on
 * `<prefix>.events.<type>`, the `subscribe` patterns channel and glob
 * subscriptions on a connection of the bridge's own (a subscribing
 * connection can do nothing else). `PUBLISH` replies with the number of
 * subscribers that got the message: the bridge adds them up and counts the
 * events nobody received, so "published to nobody" — a subscriber down, or
 * not there yet — is visible on the publishing side.
 */
import { BridgeError } from '../errors.js';
import type { BrokerLink, LinkContext } from '../transport/bridge.js';
import { ChannelPlan } from './channels.js';
import type { RedisClient } from './client.js';
import { watchConnections } from './connection-status.js';
import { noRequests } from './no-requests.js';

/** What `PUBLISH` replied, added up. */
export interface PublishCounts {
  /** Subscribers that received the bridge's events, summed over every `PUBLISH`. */
  receivers: number;
  /** Events no subscriber received (`PUBLISH` replied 0). */
  unheard: number;
}

/**
 * The pub/sub link of one bridge.
 *
 * @example
 * ```ts
 * openBridge(bus, options, { transport: 'redis', guarantee: 'at-most-once', link: (context) => pubSubLink(client, context, counts) });
 * ```
 */
export function pubSubLink(client: RedisClient, context: LinkContext, counts: PublishCounts): BrokerLink {
  let subscriber: RedisClient | undefined;
  let stopWatching = watchConnections([client], context);
  const heard = (receivers: number) => {
    if (receivers === 0) counts.unheard++;
    else counts.receivers += receivers;
  };
  return {
    // Handed to the client and counted as sent at once, as NATS core does: a
    // local publish never waits, and a burst is not bounded by an outbox. The
    // reply, when it comes, says who heard it; a failure is counted and reported.
    send: (topic, data) => {
      client.publish(topic, data).then(heard, (cause: unknown) => {
        context.counters.sendErrors++;
        context.report(
          new BridgeError({
            reason: 'send-failed',
            transport: 'redis',
            detail: `PUBLISH failed: ${cause instanceof Error ? cause.message : String(cause)}`,
            subject: topic,
            cause,
          }),
        );
      });
    },
    ...noRequests,
    async startInput() {
      const plan = new ChannelPlan(
        context.subscribe.patterns.map((p) => p.source),
        context.eventTopics,
      );
      subscriber = await client.duplicate(`rxbus-sub-${context.origin}`);
      stopWatching();
      stopWatching = watchConnections([client, subscriber], context);
      await subscriber.subscribe(plan.channels, plan.patterns, (channel, message, subscription) => {
        if (subscriber === undefined || !plan.owns(subscription, channel)) return;
        context.ingress.receive({ topic: channel, data: message, attempt: 1 });
      });
    },
    async stopInput() {
      // Messages already read from the socket are still handed in; nothing after this.
      const closing = subscriber;
      subscriber = undefined;
      // Our own connection ending is no news for status$: watch the caller's alone from now on.
      stopWatching();
      stopWatching = watchConnections([client], context);
      closing?.disconnect();
    },
    async close() {
      stopWatching();
      if (client.ended) return;
      // Replies of the last PUBLISHes arrive in order: a PING after them means they are in.
      await client.command('PING', []).catch(() => undefined);
    },
  };
}
