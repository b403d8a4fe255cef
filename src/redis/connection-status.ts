/**
 * `bridge.status$` from the Redis connections a bridge uses (the caller's,
 * and its own duplicates for subscribing or blocking reads): the worst state
 * of them wins. A connection closed for good is reported as a `BridgeError`:
 * the bridge never gives up silently.
 */
import { BridgeError } from '../errors.js';
import type { BridgeStatus } from '../transport/bridge-api.js';
import type { LinkContext } from '../transport/bridge.js';
import type { RedisClient, RedisConnectionState } from './client.js';

const STATUS: Record<RedisConnectionState, BridgeStatus> = {
  ready: 'connected',
  down: 'disconnected',
  reconnecting: 'reconnecting',
  end: 'closed',
};
const RANK: Record<BridgeStatus, number> = { connected: 0, disconnected: 1, reconnecting: 2, closed: 3 };

/**
 * Follows the connections' states until the returned function is called.
 *
 * @example
 * ```ts
 * const stop = watchConnections([client, subscriber], context);
 * // … on close:
 * stop();
 * ```
 */
export function watchConnections(clients: readonly RedisClient[], context: LinkContext): () => void {
  const states: BridgeStatus[] = clients.map((c) => (c.ended ? 'closed' : 'connected'));
  const update = () => context.status(states.reduce((worst, s) => (RANK[s] > RANK[worst] ? s : worst), 'connected'));
  const stops = clients.map((client, i) =>
    client.watch((state, cause) => {
      states[i] = STATUS[state];
      update();
      if (state === 'end' && !context.closing) {
        context.report(
          new BridgeError({
            reason: 'connection',
            transport: 'redis',
            detail: `a Redis connection of the bridge closed for good${cause instanceof Error ? ` (${cause.message})` : ''}; nothing more is sent or received on it`,
            cause,
          }),
        );
      }
    }),
  );
  update();
  return () => {
    for (const stop of stops) stop();
  };
}
