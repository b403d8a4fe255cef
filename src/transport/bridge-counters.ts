/**
 * The mutable counters behind `bridge.stats()`, shared by the parts of one
 * bridge (ingress, egress, requests). Plain fields: they change per message.
 */
import type { BridgeStats } from './bridge-api.js';

/**
 * The counters of one bridge.
 *
 * @example
 * ```ts
 * const counters = new BridgeCounters();
 * counters.received++;
 * counters.snapshot().received; // 1
 * ```
 */
export class BridgeCounters {
  sent = 0;
  received = 0;
  invalid = 0;
  duplicates = 0;
  redelivered = 0;
  failed = 0;
  terminated = 0;
  dropped = 0;
  sendErrors = 0;
  inFlight = 0;
  outbox = 0;
  requestsSent = 0;
  requestsServed = 0;
  pendingRequests = 0;

  /** A frozen copy for `bridge.stats()`. */
  snapshot(): BridgeStats {
    return Object.freeze({
      sent: this.sent,
      received: this.received,
      invalid: this.invalid,
      duplicates: this.duplicates,
      redelivered: this.redelivered,
      failed: this.failed,
      terminated: this.terminated,
      dropped: this.dropped,
      sendErrors: this.sendErrors,
      inFlight: this.inFlight,
      outbox: this.outbox,
      requestsSent: this.requestsSent,
      requestsServed: this.requestsServed,
      pendingRequests: this.pendingRequests,
    });
  }
}
