/**
 * Requests between processes, the same for every broker.
 *
 * Caller side: `bus.request(type)` with no local responder, for a type of the
 * `requests` patterns, comes here (through the transport port). The request
 * travels as an event envelope to `<prefix>.requests.<type>`; the reply comes
 * back as a reply envelope (wire-reply.ts). The outcome is the one a local
 * request has: the reply, `RequestTimeoutError` (the bus's scheduler times
 * it), `NoResponderError` (the adapter reports that no process listens),
 * `signal.reason`, `BusClosedError` — plus `RemoteError` for a responder that
 * failed in the other process.
 *
 * Responder side: a process listens on a request topic only while its bus
 * has a local responder of that type (the adapter subscribes and
 * unsubscribes as responders come and go), so "nobody can answer" is known
 * at once instead of after a timeout. An incoming request is checked like an
 * event (envelope, subject, schema) and answered by the local responder
 * only, never forwarded again.
 */
import type { Subscription } from 'rxjs';
import { addAbortTarget, removeAbortTarget, type AbortTarget } from '../abort-listeners.js';
import { describeCause } from '../render-value.js';
import { BridgeError, BusClosedError, RemoteError, RequestTimeoutError } from '../errors.js';
import type { RequestOptions } from '../bus-api.js';
import { assertSignal, assertTimeout, optionsOf } from '../validate.js';
import type { BridgeCounters } from './bridge-counters.js';
import type { PatternSet } from './pattern-set.js';
import type { TransportPort } from './port.js';
import type { SchemaGate } from './schema-gate.js';
import type { TopicMap } from './topics.js';
import { decodeEnvelope, encodeEnvelope } from './wire-envelope.js';
import { decodeReply, encodeFailure, encodeReply } from './wire-reply.js';

/**
 * Sends one request and resolves with the reply's bytes. Rejects with
 * `NoResponderError` / `RequestTimeoutError` when the broker says so, or with
 * any other error the broker gives.
 */
export type SendRequest = (topic: string, data: string, timeout: number, type: string) => Promise<Uint8Array | string>;

/** What requests need of their bridge. */
export interface RemoteRequestsHost {
  readonly port: TransportPort;
  readonly transport: string;
  readonly origin: string;
  readonly topics: TopicMap;
  readonly patterns: PatternSet;
  readonly gate: SchemaGate;
  readonly counters: BridgeCounters;
  readonly maxMessageBytes: number;
  readonly sendRequest: SendRequest;
  report(error: BridgeError): void;
}

class PendingRemote implements AbortTarget {
  done = false;
  timer: Subscription | undefined;

  constructor(
    private readonly owner: RemoteRequests,
    readonly signal: AbortSignal | undefined,
    readonly resolve: (reply: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  onAbort(reason: unknown): void {
    this.owner.settle(this, false, reason);
  }
}

/**
 * Both sides of the requests of one bridge.
 *
 * @example
 * ```ts
 * const requests = new RemoteRequests(host);
 * port.addRemoteRequester((type, payload, options) => requests.request(type, payload, options));
 * sub.callback = (err, msg) => requests.serve(msg.subject, msg.data, (reply) => msg.respond(reply));
 * ```
 */
export class RemoteRequests {
  readonly #host: RemoteRequestsHost;
  readonly #pending = new Set<PendingRemote>();
  #sequence = 0;

  constructor(host: RemoteRequestsHost) {
    this.#host = host;
  }

  /** A request to another process, or `undefined` when `type` is not one of the bridge's request types. */
  request(type: string, payload: unknown, options: RequestOptions | undefined): Promise<unknown> | undefined {
    const host = this.#host;
    if (!host.patterns.test(type)) return undefined;
    return new Promise<unknown>((resolve, reject) => {
      const { timeout = host.port.defaultTimeout, signal } = optionsOf(options, 'request() options');
      assertTimeout(timeout, 'timeout');
      if (signal !== undefined) assertSignal(signal);
      if (host.port.closed) throw new BusClosedError(`request('${type}')`);
      if (signal?.aborted) throw signal.reason;
      const id = ++this.#sequence;
      const data = encodeEnvelope({ type, payload, id, time: host.port.scheduler.now() }, host.origin);
      const pending = new PendingRemote(this, signal, resolve, reject);
      this.#pending.add(pending);
      host.counters.pendingRequests++;
      host.counters.requestsSent++;
      if (signal !== undefined) addAbortTarget(signal, pending);
      const finite = timeout > 0 && timeout !== Infinity;
      if (finite) {
        pending.timer = host.port.scheduler.schedule(
          () => this.settle(pending, false, new RequestTimeoutError({ type, timeout })),
          timeout,
        );
      }
      // The broker's own timer only frees its resources after ours has fired.
      const brokerTimeout = finite ? Math.min(timeout + 1000, 2_147_483_647) : 2_147_483_647;
      let sent: Promise<Uint8Array | string>;
      try {
        sent = host.sendRequest(host.topics.of(type), data, brokerTimeout, type);
      } catch (error) {
        this.settle(pending, false, error);
        return;
      }
      sent.then(
        (bytes) => {
          const decoded = decodeReply(bytes, host.maxMessageBytes);
          if (!decoded.ok) {
            const error = new BridgeError({
              reason: 'invalid-message',
              transport: host.transport,
              detail: `the reply is invalid: ${decoded.reason}`,
              subject: host.topics.of(type),
              event: { type, id },
            });
            host.counters.invalid++;
            host.report(error);
            this.settle(pending, false, error);
          } else if (decoded.reply.ok) {
            this.settle(pending, true, decoded.reply.reply);
          } else {
            this.settle(pending, false, new RemoteError({ type, remoteName: decoded.reply.name, remoteMessage: decoded.reply.message }));
          }
        },
        (error: unknown) => this.settle(pending, false, error),
      );
    });
  }

  /** Settles a request once, by its first outcome, and frees its timer and abort listener. @internal */
  settle(pending: PendingRemote, ok: boolean, value: unknown): void {
    if (pending.done) return;
    pending.done = true;
    this.#pending.delete(pending);
    this.#host.counters.pendingRequests--;
    pending.timer?.unsubscribe();
    if (pending.signal !== undefined) removeAbortTarget(pending.signal, pending);
    if (ok) pending.resolve(value);
    else pending.reject(value);
  }

  /** Rejects every request still waiting (the bridge or the bus is closing). */
  rejectAll(error: Error): void {
    for (const pending of [...this.#pending]) this.settle(pending, false, error);
  }

  /**
   * Answers a request from another process with the local responder;
   * `respond` gets the encoded reply (a failure reply when the request is invalid).
   */
  serve(topic: string, data: Uint8Array | string, respond: (reply: string) => void): void {
    const host = this.#host;
    const decoded = decodeEnvelope(data, host.maxMessageBytes);
    const refuse = (detail: string, reason: 'invalid-message' | 'schema' = 'invalid-message', event?: { type: string; id: number }) => {
      const error = new BridgeError({ reason, transport: host.transport, detail: `request refused: ${detail}`, subject: topic, event });
      host.counters.invalid++;
      host.report(error);
      respond(encodeFailure(error));
    };
    if (!decoded.ok) return refuse(decoded.reason);
    const { type, payload, id } = decoded.envelope;
    if (host.topics.of(type) !== topic) return refuse(`type '${type}' does not belong on this subject`, 'invalid-message', { type, id });
    if (!host.patterns.test(type)) return refuse(`'${type}' is not one of this bridge's request types`, 'invalid-message', { type, id });
    host.gate.check(type, payload, (verdict) => {
      if (!verdict.ok) return refuse(verdict.reason, 'schema', { type, id });
      host.counters.requestsServed++;
      host.port.request(type, verdict.value, undefined).then(
        (reply) => {
          let encoded: string;
          try {
            encoded = encodeReply(reply);
          } catch (cause) {
            encoded = encodeFailure(new TypeError(`The reply to '${type}' is not JSON-serialisable: ${describeCause(cause)}`));
          }
          respond(encoded);
        },
        (error: unknown) => respond(encodeFailure(error)),
      );
    });
  }
}
