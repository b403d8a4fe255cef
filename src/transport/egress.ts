/**
 * The way out: local events of the `publish` patterns, encoded and handed to
 * the broker adapter, the same for every broker.
 *
 * It watches the bus with one `events$()` subscription, inside `publish`
 * (synchronously, like any stream subscriber), and skips:
 * - rxbus's own `$` types (`$reply.*`), which never cross processes;
 * - events that came from another process (remote-events.ts): no echo, no
 *   loop between two bridges on one bus.
 *
 * A send may finish at once (at-most-once: the client buffers it) or return
 * a promise the broker settles (at-least-once: a server acknowledgement).
 * Pending sends are the *outbox*: bounded by `maxOutbox` (beyond it, events
 * are dropped, counted and reported, since a local `publish` cannot wait).
 * At-least-once (`retry`), a failed send is retried with backoff, with the
 * same message id so the broker drops a copy that did arrive; retried events
 * may overtake newer ones. At-most-once, a failed send is counted and reported.
 */
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { describeCause } from '../render-value.js';
import { BridgeError } from '../errors.js';
import { thenOf } from '../thenable.js';
import type { BusEvent } from '../event-map.js';
import type { BridgeCounters } from './bridge-counters.js';
import type { PatternSet } from './pattern-set.js';
import { sourceOf } from './remote-events.js';
import type { TopicMap } from './topics.js';
import { encodeEnvelope } from './wire-envelope.js';

/**
 * Sends one encoded event. `messageId` (origin + id) lets a broker drop a
 * resent copy. Throws, or returns a promise that rejects, when it fails.
 */
export type Send = (topic: string, data: string, messageId: string) => void | PromiseLike<unknown>;

/** What the egress needs of its bridge. */
export interface EgressHost {
  readonly transport: string;
  readonly origin: string;
  /** The bus's events to send; its completion means the bus closed. */
  readonly events$: Observable<BusEvent>;
  readonly scheduler: SchedulerLike;
  readonly topics: TopicMap;
  readonly patterns: PatternSet;
  readonly counters: BridgeCounters;
  readonly send: Send;
  /** Pending sends at most. */
  readonly maxOutbox: number;
  /** Resend a send that failed (at-least-once), or count it and go on (at-most-once). */
  readonly retry: boolean;
  /** ms before resending after `attempt` failed sends. */
  backoff(attempt: number): number;
  report(error: BridgeError): void;
  /** The bus closed (its streams completed). */
  busClosed(): void;
  /** The outbox became empty. */
  drained(): void;
}

/**
 * The way out of one bridge.
 *
 * @example
 * ```ts
 * const egress = new Egress(host);
 * egress.start();
 * bus.publish('order.created', order); // sent to `rxbus.events.order.created`
 * egress.stop();
 * ```
 */
export class Egress {
  readonly #host: EgressHost;
  #subscription: Subscription | undefined;
  /** Retries waiting for their timer, cancelled when the bridge stops for good. */
  readonly #retries = new Set<Subscription>();
  #stopped = false;

  constructor(host: EgressHost) {
    this.#host = host;
  }

  start(): void {
    this.#subscription = this.#host.events$.subscribe({
      next: (event) => this.#next(event),
      complete: () => this.#host.busClosed(),
    });
  }

  /** Stops taking local events; pending sends go on (see `abandon`). */
  stop(): void {
    this.#stopped = true;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }

  /** Gives up the retries still waiting (close timed out): they count as dropped. */
  abandon(): void {
    const counters = this.#host.counters;
    for (const retry of this.#retries) {
      retry.unsubscribe();
      counters.outbox--;
      counters.dropped++;
    }
    this.#retries.clear();
    if (counters.outbox === 0) this.#host.drained();
  }

  #next(event: BusEvent): void {
    const host = this.#host;
    const type = event.type;
    if (this.#stopped || type.charCodeAt(0) === 36 /* $ */ || !host.patterns.test(type)) return;
    if (sourceOf(event) !== undefined) return;
    const topic = host.topics.of(type);
    let data: string;
    try {
      data = encodeEnvelope(event, host.origin);
    } catch (cause) {
      host.counters.sendErrors++;
      this.#report('send-failed', topic, event, `its payload is not JSON-serialisable: ${describeCause(cause)}`, cause);
      return;
    }
    if (host.counters.outbox >= host.maxOutbox) {
      host.counters.dropped++;
      this.#report(
        'dropped',
        topic,
        event,
        `the outbox is full (${host.counters.outbox} events waiting for the broker, maxOutbox ${host.maxOutbox})`,
      );
      return;
    }
    this.#send(topic, data, `${host.origin}#${event.id}`, event, 1);
  }

  #send(topic: string, data: string, messageId: string, event: BusEvent, attempt: number): void {
    const host = this.#host;
    const counters = host.counters;
    let pending: void | PromiseLike<unknown>;
    try {
      pending = host.send(topic, data, messageId);
    } catch (cause) {
      if (attempt > 1) this.#retry(topic, data, messageId, event, attempt, cause);
      else {
        counters.sendErrors++;
        this.#report('send-failed', topic, event, describeCause(cause), cause);
      }
      return;
    }
    if (thenOf(pending) === undefined) {
      counters.sent++;
      return;
    }
    if (attempt === 1) counters.outbox++;
    (pending as PromiseLike<unknown>).then(
      () => {
        counters.sent++;
        if (--counters.outbox === 0) host.drained();
      },
      (cause: unknown) => {
        if (host.retry) {
          this.#retry(topic, data, messageId, event, attempt, cause);
          return;
        }
        counters.sendErrors++;
        this.#report('send-failed', topic, event, describeCause(cause), cause);
        if (--counters.outbox === 0) host.drained();
      },
    );
  }

  /** An acknowledged send failed: try again later (the outbox keeps its place). */
  #retry(topic: string, data: string, messageId: string, event: BusEvent, attempt: number, cause: unknown): void {
    const host = this.#host;
    if (attempt === 1 || attempt % 10 === 0) {
      host.counters.sendErrors++;
      this.#report('send-failed', topic, event, `attempt ${attempt} failed, retrying: ${describeCause(cause)}`, cause);
    }
    const retry = host.scheduler.schedule(() => {
      this.#retries.delete(retry);
      this.#send(topic, data, messageId, event, attempt + 1);
    }, host.backoff(attempt));
    // A scheduler may run the action synchronously (a virtual one at delay 0).
    if (!retry.closed) this.#retries.add(retry);
  }

  #report(reason: 'send-failed' | 'dropped', subject: string, event: BusEvent, detail: string, cause?: unknown): void {
    this.#host.report(new BridgeError({ reason, transport: this.#host.transport, detail, subject, event, cause }));
  }
}
