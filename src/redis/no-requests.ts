/**
 * Requests do not cross processes over Redis (yet): `bridge()` refuses the
 * `requests` option with a `TypeError`, so these parts of a link are never
 * called; they fail loudly if they were.
 */
import type { BrokerLink } from '../transport/bridge.js';

/** The message of the `TypeError` for `requests` on a Redis bridge. */
export const REQUESTS_UNSUPPORTED =
  "'requests' is not supported by rxbus/redis: requests do not cross processes over Redis. Keep responders in the process that requests, or bridge the requests with rxbus/nats.";

/**
 * The request parts of a Redis link.
 *
 * @example
 * ```ts
 * const link: BrokerLink = { send, ...noRequests, startInput, stopInput, close };
 * ```
 */
export const noRequests: Pick<BrokerLink, 'sendRequest' | 'serve'> = {
  sendRequest: () => Promise.reject(new TypeError(REQUESTS_UNSUPPORTED)),
  serve: () => {
    throw new TypeError(REQUESTS_UNSUPPORTED);
  },
};
