/**
 * `bridge.status$` from the NATS client: its status events mapped to
 * connected / disconnected / reconnecting / closed, and a closed connection
 * reported as a `BridgeError` — the bridge never gives up silently. (The
 * client gives up reconnecting after `maxReconnectAttempts`, 10 by default,
 * about 20 s: docs/distributed.md says how to make it try forever.)
 */
import type { NatsConnection, Status } from '@nats-io/transport-node';
import { BridgeError } from '../errors.js';
import type { LinkContext } from '../transport/bridge.js';

/**
 * Follows the connection's status until `stop()` is called or it closes.
 *
 * @example
 * ```ts
 * const stop = watchConnection(nc, context);
 * // … on close:
 * stop();
 * ```
 */
export function watchConnection(nc: NatsConnection, context: LinkContext): () => void {
  const statuses = nc.status() as AsyncIterable<Status> & { stop?: () => void };
  let stopped = false;
  void (async () => {
    try {
      for await (const status of statuses) {
        if (stopped) break;
        if (status.type === 'disconnect') context.status('disconnected');
        else if (status.type === 'reconnecting') context.status('reconnecting');
        else if (status.type === 'reconnect') context.status('connected');
      }
    } catch {
      // The iterator ends with the connection; closed() below reports it.
    }
  })();
  void nc.closed().then((cause) => {
    if (stopped || context.closing) return;
    context.status('closed');
    context.report(
      new BridgeError({
        reason: 'connection',
        transport: 'nats',
        detail: `the NATS connection closed${cause instanceof Error ? `: ${cause.message}` : ''}; nothing more is sent or received`,
        cause,
      }),
    );
  });
  return () => {
    stopped = true;
    statuses.stop?.();
  };
}
