/**
 * Request / reply over the bus.
 *
 * A request is an ordinary event of the request type; the id of that event
 * is the correlation id. The one responder of the type runs as a handler job
 * on the pool; its reply settles the caller's promise directly (no lookup by
 * scanning) and is also published as a `$reply.<type>` event with payload
 * `{ requestId, ok, reply | error }`, so streams, waiters and tests can watch
 * the whole exchange.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { BusClosedError, DuplicateResponderError, NoResponderError, QueueFullError, RequestTimeoutError } from './errors.js';
import type { BusEvent, ReplyPayload } from './event-map.js';
import { HandlerEntry } from './handler-registry.js';
import { compilePattern } from './pattern.js';
import { Pending, type PendingTiming } from './pending.js';
import type { CancellableContext, DropReason, HandlerContext, HandlerFn } from './pool.js';
import { adopt, thenOf, type ThenMethod } from './thenable.js';
import { assertCount, assertEventType, assertSignal, assertTimeout, describeArgument } from './validate.js';

/** `Promise.prototype.then`, to recognise a promise whose `then` nobody replaced. */
const nativeThen: unknown = Promise.prototype.then;

/** What request/reply needs of its bus. */
export interface RequestHost {
  readonly scheduler: SchedulerLike;
  readonly defaultTimeout: number;
  /** The pool's queue capacity, for the error of a dropped request. */
  readonly capacity: number;
  readonly closed: boolean;
  /** Publishes under the bus's overflow policy (may throw QueueFullError). */
  /**
   * Publishes under the bus's overflow policy (may throw QueueFullError);
   * `admitted` learns the event's id before any of its jobs runs.
   */
  publish(type: string, payload: unknown, admitted: (event: BusEvent) => void): void;
  /** Publishes a reply event for observers; never throws. */
  publishReply(type: string, payload: ReplyPayload<unknown>): void;
  /** Adds a handler entry to the pool; the Subscription removes it. */
  register(entry: HandlerEntry, signal: AbortSignal | undefined): Subscription;
  /** Registration order for a new handler entry. */
  nextOrder(): number;
}

/** A responder as `bus.handle` receives it. */
export type Responder = (payload: unknown, context: HandlerContext) => unknown;

/** A request waiting for its reply: the shared deadline-and-abort mechanism (pending.ts). */
class PendingRequest extends Pending {
  /** The responder's job context, once it runs: cancelled on timeout/abort/close. */
  context: CancellableContext | undefined;
  /**
   * Why the request ended early (timeout, abort, close), once it has: a
   * responder that then fails with this very value is only honouring its
   * signal, which is not worth a report.
   */
  cancelReason: unknown;

  /** The request event's id (the correlation id), once the event is admitted; 0 before. */
  id = 0;

  constructor(
    private readonly registry: RequestRegistry,
    readonly type: string,
    timing: PendingTiming,
    readonly resolve: (reply: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {
    super(timing);
  }

  onDeadline(): void {
    if (this.abortedFirst()) return;
    this.registry.cancel(this, new RequestTimeoutError({ type: this.type, timeout: this.timing.timeout }));
  }

  onAbort(reason: unknown): void {
    this.registry.cancel(this, reason);
  }
}

/**
 * The responders and pending requests of one bus.
 *
 * @example
 * ```ts
 * const requests = new RequestRegistry(host);
 * requests.handle('user.get', ({ id }) => load(id));
 * const user = await requests.request('user.get', { id: '7' });
 * ```
 */
export class RequestRegistry {
  readonly #host: RequestHost;
  readonly #responders = new Map<string, HandlerEntry>();
  readonly #pending = new Map<number, PendingRequest>();

  constructor(host: RequestHost) {
    this.#host = host;
  }

  /** Requests awaiting a reply. */
  get size(): number {
    return this.#pending.size;
  }

  handle(type: string, responder: Responder, options: { concurrency?: number; signal?: AbortSignal } = {}): Subscription {
    assertEventType(type);
    const pattern = compilePattern(type);
    if (!pattern.exact) {
      throw new TypeError(`A request type must be an exact type, not a pattern: got '${type}'. Register one responder per type.`);
    }
    if (typeof responder !== 'function') {
      throw new TypeError(`Expected the responder for '${type}' to be a function, got ${describeArgument(responder)}.`);
    }
    const { concurrency = Infinity, signal } = options;
    if (concurrency !== Infinity) assertCount(concurrency, 'concurrency', 1);
    if (signal !== undefined) assertSignal(signal);
    if (this.#host.closed) throw new BusClosedError(`handle('${type}')`);
    if (this.#responders.has(type)) throw new DuplicateResponderError(type);

    const run: HandlerFn = (payload, event, context) => this.#respond(responder, type, payload, event, context as CancellableContext);
    const entry = new HandlerEntry(
      this.#host.nextOrder(),
      pattern,
      run,
      concurrency,
      undefined,
      responder.name || `responder of '${type}'`,
      true,
    );
    this.#responders.set(type, entry);
    const subscription = this.#host.register(entry, signal);
    subscription.add(() => {
      if (this.#responders.get(type) === entry) this.#responders.delete(type);
    });
    if (subscription.closed) this.#responders.delete(type); // the signal was already aborted
    return subscription;
  }

  request(type: string, payload: unknown, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      // Throws in this executor reject the promise: bad input rejects.
      assertEventType(type);
      const { timeout = this.#host.defaultTimeout, signal } = options;
      assertTimeout(timeout, 'timeout');
      if (signal !== undefined) assertSignal(signal);
      if (this.#host.closed) throw new BusClosedError(`request('${type}')`);
      if (signal?.aborted) throw signal.reason;
      if (!this.#responders.has(type)) throw new NoResponderError(type);

      // The request event's id is the correlation id. It is learnt at
      // admission, before the responder can run (it may answer inside
      // publish), and not guessed beforehand: a key function may publish
      // first and take the id a guess would give.
      const timing = { timeout, signal, scheduler: this.#host.scheduler };
      const pending = new PendingRequest(this, type, timing, resolve, reject);
      if (!pending.arm()) throw signal!.reason;
      try {
        this.#host.publish(type, payload, (event) => {
          if (pending.closed) return; // cancelled by a key function before its event existed
          pending.id = event.id;
          this.#pending.set(event.id, pending);
        });
      } catch (error) {
        this.#settle(pending);
        throw error;
      }
    });
  }

  /** Rejects every pending request (the bus is closing) and aborts their responders. */
  rejectAll(error: Error): void {
    for (const pending of [...this.#pending.values()]) this.cancel(pending, error);
  }

  /**
   * The responder's job for request event `event` was dropped from the queue
   * before it ran: the caller would otherwise wait for its timeout, so it
   * learns why at once. @internal
   */
  dropped(event: BusEvent, reason: DropReason): void {
    const pending = this.#pending.get(event.id);
    if (pending === undefined) return;
    const error =
      reason === 'closed'
        ? new BusClosedError('wait for a reply')
        : reason === 'unsubscribed'
          ? new NoResponderError(pending.type)
          : new QueueFullError({ type: pending.type, capacity: this.#host.capacity, needed: 1 });
    this.cancel(pending, error);
  }

  /** Ends a request early (timeout, abort, close): reject the caller, abort the responder. @internal */
  cancel(pending: PendingRequest, reason: unknown): void {
    if (!this.#settle(pending)) return;
    pending.cancelReason = reason;
    pending.reject(reason);
    pending.context?.cancel(reason);
  }

  /** Takes a request out of the pending set; false when it already was. */
  #settle(pending: PendingRequest): boolean {
    if (!pending.settle()) return false;
    if (this.#pending.get(pending.id) === pending) this.#pending.delete(pending.id);
    return true;
  }

  /**
   * The responder's job: run it, settle the caller, publish the reply event.
   *
   * Its outcome is the caller's, not a HandlerError — unless the caller
   * stopped waiting (timeout, abort, close) before the responder failed:
   * then nobody would ever see that failure, so the job fails with it and
   * the bus reports it like any handler's (errors$/onError, `failed`).
   */
  #respond(responder: Responder, type: string, payload: unknown, event: BusEvent, context: CancellableContext): unknown {
    const pending = this.#pending.get(event.id);
    // A plain publish of a request type, or a request that already timed out
    // or was aborted while queued: nobody waits for this answer.
    if (pending === undefined) return undefined;
    pending.context = context;
    const succeed = (reply: unknown): void => {
      // An abort that another listener hid from rxbus still came first.
      if (!pending.abortedFirst() && this.#settle(pending)) pending.resolve(reply);
      this.#host.publishReply(type, { requestId: event.id, ok: true, reply });
    };
    const fail = (error: unknown): void => {
      const late = !this.#settle(pending);
      if (!late) pending.reject(error);
      this.#host.publishReply(type, { requestId: event.id, ok: false, error });
      if (late && error !== pending.cancelReason) throw error;
    };
    let result: unknown;
    let then: ThenMethod | undefined;
    try {
      result = responder(payload, context);
      // `then` is read once, here: a getter that throws is the responder's
      // failure (the caller learns it now, not at its timeout), and one that
      // answers differently on a second read cannot change what is adopted.
      then = thenOf(result);
    } catch (error) {
      fail(error);
      return undefined;
    }
    if (then === undefined) {
      succeed(result);
      return undefined;
    }
    // Returned to the pool, so the job (and its slot) lasts until the reply.
    // A native promise settles once by itself (the usual async responder:
    // no extra promise); any other thenable is adopted, so the request
    // settles exactly once, by the thenable's first outcome.
    if (then === nativeThen && result instanceof Promise) return result.then(succeed, fail);
    return adopt(result, then).then(succeed, fail);
  }
}
