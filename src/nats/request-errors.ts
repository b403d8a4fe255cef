/**
 * The NATS client's request failures in rxbus's words: "no responders" (the
 * server knows nobody listens on the subject) is a `NoResponderError`, the
 * client's own timeout a `RequestTimeoutError`. The client wraps them in a
 * `RequestError` whose `cause` is the real one (or that says `isNoResponders()`),
 * so the chain is searched; by `name`, so no client code is loaded to check.
 */
import { NoResponderError, RequestTimeoutError } from '../errors.js';

/**
 * Maps a rejection of `nc.request`.
 *
 * @example
 * ```ts
 * nc.request(subject, data, { timeout }).catch((error) => { throw requestFailure(error, type, timeout); });
 * ```
 */
export function requestFailure(error: unknown, type: string, timeout: number): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const { name, isNoResponders } = current as { name?: unknown; isNoResponders?: unknown };
    if (name === 'NoRespondersError') return new NoResponderError(type);
    if (typeof isNoResponders === 'function' && isNoResponders.call(current) === true) return new NoResponderError(type);
    if (name === 'TimeoutError') return new RequestTimeoutError({ type, timeout });
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}
