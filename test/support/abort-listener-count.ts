/**
 * How many 'abort' listeners a signal holds: the tests' proof that an
 * operator, waiter or job removed what it added to a caller's signal.
 */
import { getEventListeners } from 'node:events';

/** The number of 'abort' listeners on `signal` now. */
export function abortListenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}
