/**
 * The way in: from a broker message to an event on the local bus, the same
 * for every broker. Each message goes through, in order:
 *
 * 1. *decode* the envelope (wire-envelope.ts): invalid → counted, reported, terminated;
 * 2. *own events* (this bus's origin) are skipped: a process never receives
 *    its own events back — its local handlers saw them at publish time;
 * 3. *subject check*: the type must map to the topic it came on;
 * 4. *pattern filter*: types outside `subscribe` are skipped (a broker
 *    wildcard may be wider than an rxbus pattern);
 * 5. *duplicates* (origin + id, duplicate-window.ts) are dropped;
 * 6. *schema* (schema-gate.ts), keeping each type's order;
 * 7. *publish*: at-most-once → `emit` (waits for queue room; beyond
 *    `maxInFlight` messages are dropped and counted); at-least-once →
 *    `deliver`, and the message is acknowledged only when every handler job
 *    ended without failure; on failure it is retried with backoff, and after
 *    its last attempt terminated and reported.
 *
 * The broker adapter learns what to do with each message through `settle`:
 * `'ack'`, `'retry'` (with a delay), `'term'`, or `'wait'` (a copy is still
 * being delivered: leave this one unacknowledged, the broker brings it back).
 */
import { BridgeError, BusClosedError, type BridgeErrorReason } from '../errors.js';
import type { BusEvent } from '../event-map.js';
import type { BridgeCounters } from './bridge-counters.js';
import type { PatternSet } from './pattern-set.js';
import type { DuplicateWindow } from './duplicate-window.js';
import type { TransportPort } from './port.js';
import { markRemote } from './remote-events.js';
import type { SchemaGate } from './schema-gate.js';
import type { TopicMap } from './topics.js';
import { decodeEnvelope, type WireEnvelope } from './wire-envelope.js';

/** A message as a broker adapter hands it in. */
export interface IncomingMessage {
  /** The subject / channel / stream it arrived on. */
  readonly topic: string;
  readonly data: Uint8Array | string;
  /** 1 for a first delivery; the broker's delivery count when it keeps one. */
  readonly attempt: number;
}

/** What the adapter should do with a message once the ingress is done with it. */
export type Settlement = 'ack' | 'retry' | 'term' | 'wait';

/** Called once per message: `delay` (ms) comes with `'retry'`. */
export type Settle = (settlement: Settlement, delay?: number) => void;

/** Delivery guarantees: the modes of each broker map to one of these. */
export type Guarantee = 'at-most-once' | 'at-least-once';

/** What the ingress needs of its bridge. */
export interface IngressHost {
  readonly port: TransportPort;
  readonly transport: string;
  readonly guarantee: Guarantee;
  readonly origin: string;
  readonly topics: TopicMap;
  readonly patterns: PatternSet;
  readonly gate: SchemaGate;
  readonly window: DuplicateWindow;
  readonly counters: BridgeCounters;
  readonly maxMessageBytes: number;
  readonly maxInFlight: number;
  /** At-least-once: attempts before a failing message is terminated. */
  readonly maxAttempts: number;
  /** At-least-once: ms before attempt `attempt + 1` after attempt `attempt` failed. */
  backoff(attempt: number): number;
  report(error: BridgeError): void;
  /** Called when `inFlight` drops to 0 (close waits for it). */
  idle(): void;
}

const ignore: Settle = () => undefined;

/**
 * The way in of one bridge.
 *
 * @example
 * ```ts
 * const ingress = new Ingress(host);
 * sub.callback = (err, msg) => ingress.receive({ topic: msg.subject, data: msg.data, attempt: 1 });
 * ```
 */
export class Ingress {
  readonly #host: IngressHost;

  constructor(host: IngressHost) {
    this.#host = host;
  }

  /** Takes one message in; `settle` is told what to do with it (maybe synchronously). */
  receive(message: IncomingMessage, settle: Settle = ignore): void {
    const host = this.#host;
    const counters = host.counters;
    if (host.guarantee === 'at-most-once' && counters.inFlight >= host.maxInFlight) {
      counters.dropped++;
      this.#report(
        'dropped',
        message.topic,
        `${counters.inFlight} incoming messages are already waiting for room on the local bus (maxInFlight ${host.maxInFlight})`,
      );
      settle('ack');
      return;
    }
    const decoded = decodeEnvelope(message.data, host.maxMessageBytes);
    if (!decoded.ok) {
      this.#invalid('invalid-message', message, decoded.reason);
      settle('term');
      return;
    }
    const envelope = decoded.envelope;
    if (envelope.origin === host.origin) {
      settle('ack');
      return;
    }
    if (host.topics.of(envelope.type) !== message.topic) {
      this.#invalid(
        'invalid-message',
        message,
        `type '${envelope.type}' does not belong on this subject (expected '${host.topics.of(envelope.type)}')`,
        envelope,
      );
      settle('term');
      return;
    }
    if (!host.patterns.test(envelope.type)) {
      settle('ack');
      return;
    }
    if (message.attempt > 1) counters.redelivered++;
    const seen = host.window.check(envelope.origin, envelope.id);
    if (seen !== 'new') {
      counters.duplicates++;
      settle(seen === 'pending' && host.guarantee === 'at-least-once' ? 'wait' : 'ack');
      return;
    }
    counters.inFlight++;
    host.gate.check(envelope.type, envelope.payload, (verdict) => {
      if (!verdict.ok) {
        host.window.forget(envelope.origin, envelope.id);
        this.#invalid('schema', message, verdict.reason, envelope, verdict.cause);
        this.#leave();
        settle('term');
        return;
      }
      if (host.guarantee === 'at-most-once') this.#emit(envelope, verdict.value, message, settle);
      else this.#deliver(envelope, verdict.value, message, settle);
    });
  }

  #emit(envelope: WireEnvelope, payload: unknown, message: IncomingMessage, settle: Settle): void {
    const host = this.#host;
    const mark = this.#admitted(envelope);
    let published = false;
    host.port
      .emit(envelope.type, payload, undefined, (event) => {
        published = true;
        mark(event);
      })
      .then(
        () => {
          if (!publishedAtOnce) this.#emitted(envelope, settle);
        },
        (error: unknown) => {
          host.window.forget(envelope.origin, envelope.id);
          this.#undeliverable(envelope, message, error);
          this.#leave();
          settle('ack');
        },
      );
    // A client hands over a whole socket read of messages in one loop: one
    // published at once must leave the in-flight count now, not a microtask
    // later, or a burst would count as in flight and be dropped.
    const publishedAtOnce = published;
    if (publishedAtOnce) this.#emitted(envelope, settle);
  }

  #emitted(envelope: WireEnvelope, settle: Settle): void {
    this.#host.window.done(envelope.origin, envelope.id);
    this.#leave();
    settle('ack');
  }

  #deliver(envelope: WireEnvelope, payload: unknown, message: IncomingMessage, settle: Settle): void {
    const host = this.#host;
    host.port.deliver(envelope.type, payload, undefined, this.#admitted(envelope)).then(
      (delivery) => {
        this.#leave();
        if (delivery.failed.length === 0) {
          host.window.done(envelope.origin, envelope.id);
          settle('ack');
          return;
        }
        host.counters.failed++;
        host.window.forget(envelope.origin, envelope.id);
        if (message.attempt < host.maxAttempts) {
          settle('retry', host.backoff(message.attempt));
          return;
        }
        host.counters.terminated++;
        const first = delivery.failed[0]!;
        this.#report(
          'handler-failed',
          message.topic,
          `${delivery.failed.length} handler(s) failed on its last attempt, first: ${first.message}`,
          { type: envelope.type, id: envelope.id },
          message.attempt,
          first,
        );
        settle('term');
      },
      (error: unknown) => {
        this.#leave();
        host.window.forget(envelope.origin, envelope.id);
        if (error instanceof BusClosedError) {
          // Not this message's fault: let another process (or a restart) take it.
          settle('retry', 0);
          return;
        }
        host.counters.terminated++;
        this.#undeliverable(envelope, message, error);
        settle('term');
      },
    );
  }

  /** Marks the event remote and counts it, before anyone on the bus sees it. */
  #admitted(envelope: WireEnvelope): (event: BusEvent) => void {
    const counters = this.#host.counters;
    return (event) => {
      counters.received++;
      markRemote(event, { origin: envelope.origin, id: envelope.id, time: envelope.time });
    };
  }

  #leave(): void {
    if (--this.#host.counters.inFlight === 0) this.#host.idle();
  }

  #invalid(reason: BridgeErrorReason, message: IncomingMessage, detail: string, envelope?: WireEnvelope, cause?: unknown): void {
    const counters = this.#host.counters;
    counters.invalid++;
    if (this.#host.guarantee === 'at-least-once') counters.terminated++;
    const event = envelope === undefined ? undefined : { type: envelope.type, id: envelope.id };
    this.#report(reason, message.topic, envelope === undefined ? detail : `${detail} (from ${envelope.origin})`, event, undefined, cause);
  }

  #undeliverable(envelope: WireEnvelope, message: IncomingMessage, error: unknown): void {
    const detail = error instanceof Error ? error.message : 'the bus refused the event';
    this.#report('undeliverable', message.topic, detail, { type: envelope.type, id: envelope.id }, undefined, error);
  }

  #report(
    reason: BridgeErrorReason,
    subject: string,
    detail: string,
    event?: { type: string; id: number },
    attempts?: number,
    cause?: unknown,
  ): void {
    this.#host.report(new BridgeError({ reason, transport: this.#host.transport, detail, subject, event, attempts, cause }));
  }
}
