/**
 * `createBus`: wires the parts together and checks public arguments at the
 * boundary. Each part has one job:
 * - dispatch.ts: admission and delivery of a published event (and the
 *   re-entrancy model);
 * - pool.ts: the bounded handler pool; emitters.ts: waiting emitters;
 * - handler-registry.ts, event-streams.ts, waiter-index.ts: who listens;
 * - request.ts: request/reply; settle-tracker.ts: track/settled;
 * - shutdown.ts: close; error-reporter.ts: errors$; stats-feed.ts: stats$.
 *
 * Everything here is private: what a user can reach is the `Bus` interface.
 */
import { asyncScheduler, Observable, Subject, type Subscription } from 'rxjs';
import { addAbortTarget, removeAbortTarget } from './abort-listeners.js';
import { captureAsyncContext } from './async-context.js';
import { EmitterQueue } from './emitters.js';
import type {
  AnyEvents,
  Bus,
  BusOptions,
  BusStats,
  CloseOptions,
  DroppedJob,
  EmitOptions,
  HandleOptions,
  OnOptions,
  RequestOptions,
  SettledOptions,
} from './bus-api.js';
import type { IterateOptions } from './iterate.js';
import { disposableSubscription, type BusSubscription } from './disposable-subscription.js';
import { functionName } from './render-value.js';
import { Deliveries, type Delivery } from './delivery.js';
import { Dispatcher, type Admitted } from './dispatch.js';
import { eventClock } from './event-clock.js';
import { BusClosedError, HandlerError, QueueFullError, SettleTimeoutError } from './errors.js';
import { ErrorReporter } from './error-reporter.js';
import type { BusEvent, EventMap, ReplyPayload } from './event-map.js';
import { EventStreams } from './event-streams.js';
import { HandlerEntry, HandlerRegistry, type KeyFn } from './handler-registry.js';
import { SettleTracker } from './settle-tracker.js';
import type { Matcher } from './matcher.js';
import { OVERFLOW_POLICIES, type OverflowPolicy } from './overflow.js';
import { BusEventIterator, type EventIterator } from './iterate.js';
import { INDEX_CENSUS, type IndexCensus } from './pattern-index.js';
import { compilePatterns } from './pattern-list.js';
import { HandlerPool, type DropReason, type HandlerFn, type PooledHandler } from './pool.js';
import { RequestRegistry, type Responder } from './request.js';
import { RingBuffer } from './ring-buffer.js';
import { Shutdown } from './shutdown.js';
import { StatsFeed } from './stats-feed.js';
import { thenOf } from './thenable.js';
import { TRANSPORT_PORT, type RemoteRequester, type ResponderListener, type TransportPort } from './transport/port.js';
import {
  assertBoolean,
  assertCount,
  assertEventType,
  assertFunction,
  assertOneOf,
  assertScheduler,
  assertSignal,
  assertTimeout,
  describeArgument,
  optionsOf,
} from './validate.js';
import { createWaiter$, CursorBook, waitForEvent, type Cursor, type WaiterHost, type WaitForOptions } from './waiter.js';
import { WaiterIndex } from './waiter-index.js';

class EventBus {
  readonly #capacity: number;
  readonly #overflow: OverflowPolicy;
  readonly #history: RingBuffer<BusEvent>;
  readonly #waiters = new WaiterIndex();
  readonly #streams = new EventStreams();
  readonly #handlers = new HandlerRegistry();
  readonly #dropped = new Subject<DroppedJob>();
  readonly #errors: ErrorReporter;
  readonly #pool: HandlerPool;
  readonly #dispatcher: Dispatcher;
  readonly #emitters: EmitterQueue;
  readonly #settling: SettleTracker;
  readonly #requests: RequestRegistry;
  readonly #stats: StatsFeed;
  readonly #deliveries = new Deliveries();
  readonly #waiterHost: WaiterHost;
  readonly #cursors: CursorBook;
  #closed = false;
  #shutdown: Shutdown | undefined;
  #handlerOrder = 0;
  /** Bridges to other processes (rxbus/nats, rxbus/redis): undefined until one attaches. */
  #remoteRequesters: RemoteRequester[] | undefined;
  #responderListeners: Set<ResponderListener> | undefined;
  #port: TransportPort | undefined;
  #delivered = 0;
  #droppedCount = 0;
  #failed = 0;

  constructor(input: BusOptions | undefined) {
    const options = optionsOf(input, 'createBus() options');
    const {
      concurrency = 16,
      capacity = 1024,
      overflow = 'error',
      history = 64,
      scheduler = asyncScheduler,
      defaultTimeout = 30_000,
      onError,
      statsInterval = 100,
      asyncContext = true,
    } = options;
    assertCount(concurrency, 'concurrency', 1);
    assertCount(capacity, 'capacity', 0);
    assertCount(history, 'history', 0);
    assertTimeout(defaultTimeout, 'defaultTimeout');
    assertTimeout(statsInterval, 'statsInterval');
    assertOneOf(overflow, 'overflow', OVERFLOW_POLICIES);
    assertScheduler(scheduler);
    assertBoolean(asyncContext, 'asyncContext');
    const captureContext = asyncContext ? captureAsyncContext : undefined;
    if (onError !== undefined) assertFunction(onError, 'onError');
    this.#capacity = capacity;
    this.#cursors = new CursorBook(history);
    this.#overflow = overflow;
    this.#history = new RingBuffer(history);
    this.#errors = new ErrorReporter(onError);
    this.#stats = new StatsFeed(scheduler, statsInterval, () => this.stats());
    this.#pool = new HandlerPool(
      concurrency,
      capacity,
      {
        settled: (job, failed, error, timedOut) => {
          let failure: HandlerError | undefined;
          if (timedOut) {
            // Counted and reported when the deadline passed (timedOut below).
            failure = error as HandlerError;
          } else if (failed) {
            failure = new HandlerError({ event: job.event, handler: job.handler.name, cause: error });
            this.#fail(failure);
          } else {
            this.#delivered++;
          }
          if (this.#deliveries.size > 0) this.#deliveries.jobEnded(job.event, failure);
          this.#poolChanged();
        },
        timedOut: (_job, failure) => {
          this.#fail(failure);
          this.#changed();
        },
        dropped: (job, reason) => this.#jobDropped(job.event, job.handler, reason),
        roomFreed: () => this.#emitters.serve(),
      },
      scheduler,
    );
    const bus = this;
    this.#dispatcher = new Dispatcher({
      handlers: this.#handlers,
      pool: this.#pool,
      streams: this.#streams,
      waiters: this.#waiters,
      history: this.#history,
      clock: eventClock(scheduler),
      capacity,
      captureContext,
      dropped: (event, handler, reason) => this.#jobDropped(event, handler, reason),
      fail: (error) => this.#errors.report(error),
      changed: () => this.#changed(),
    });
    this.#emitters = new EmitterQueue({
      scheduler,
      capacity,
      captureContext,
      tryPublish: (type, payload, admitted) => this.#dispatcher.publish(type, payload, 'wait', admitted),
      slotsNeeded: (type) => this.#dispatcher.slotsNeeded(type),
      changed: () => this.#changed(),
    });
    const dispatcher = this.#dispatcher;
    this.#waiterHost = {
      waiters: this.#waiters,
      history: this.#history,
      cursors: this.#cursors,
      scheduler,
      defaultTimeout,
      get lastId() {
        return dispatcher.lastId;
      },
      get closed() {
        return bus.#closed;
      },
    };
    this.#requests = new RequestRegistry({
      scheduler,
      defaultTimeout,
      capacity,
      get closed() {
        return bus.#closed;
      },
      publish: (type, payload, admitted) => {
        assertPublishable(type);
        if (this.#closed) throw new BusClosedError(`request('${type}')`);
        this.#dispatcher.publish(type, payload, this.#overflow, admitted);
      },
      publishReply: (type, payload) => this.#publishReply(type, payload),
      register: (entry, signal) => this.#register(entry, signal),
      nextOrder: () => this.#handlerOrder++,
    });
    this.#settling = new SettleTracker(() => this.#pool.queued > 0 || this.#pool.running > 0 || this.#emitters.size > 0);
  }

  /** True once `close()` was called: nothing is admitted any more. */
  get closed(): boolean {
    return this.#closed;
  }

  // ---------------------------------------------------------------- publish

  publish(type: string, payload?: unknown): void {
    // The common case in one test; assertPublishable says what is wrong.
    if (typeof type !== 'string' || type.length === 0 || type.charCodeAt(0) === 36) assertPublishable(type);
    if (this.#closed) throw new BusClosedError(`publish('${type}')`);
    this.#dispatcher.publish(type, payload, this.#overflow);
  }

  emit(type: string, payload: unknown, options?: EmitOptions): Promise<void> {
    return this.#emit(type, payload, options, undefined, 'emit');
  }

  deliver(type: string, payload: unknown, options?: EmitOptions): Promise<Delivery> {
    return this.#deliver(type, payload, options, undefined);
  }

  /** deliver, telling `seen` (a transport) the event before anyone else sees it. */
  #deliver(
    type: string,
    payload: unknown,
    options: EmitOptions | undefined,
    seen: ((event: BusEvent) => void) | undefined,
  ): Promise<Delivery> {
    return new Promise<Delivery>((resolve, reject) => {
      const admitted: Admitted = (event, jobs) => {
        seen?.(event);
        this.#deliveries.track(event, jobs, resolve);
      };
      this.#emit(type, payload, options, admitted, 'deliver').then(undefined, reject);
    });
  }

  /** emit and deliver: wait for room (FIFO behind waiting producers), then publish. */
  #emit(
    type: string,
    payload: unknown,
    options: EmitOptions | undefined,
    admitted: Admitted | undefined,
    what: 'emit' | 'deliver',
  ): Promise<void> {
    try {
      assertPublishable(type);
      const { timeout = 0, signal } = optionsOf(options, what === 'emit' ? 'emit() options' : 'deliver() options');
      assertTimeout(timeout, 'timeout');
      if (signal !== undefined) assertSignal(signal);
      if (this.#closed) throw new BusClosedError(`${what}('${type}')`);
      if (signal?.aborted) return Promise.reject(signal.reason);
      // Waiting could never help when even an idle pool and an empty queue
      // cannot hold one job per handler.
      if (!this.#dispatcher.mayEverFit(type)) throw this.#neverFits(type);
      // FIFO: a newcomer goes behind producers already waiting.
      if (this.#emitters.size === 0 && this.#dispatcher.publish(type, payload, 'wait', admitted)) return Promise.resolve();
      return this.#emitters.wait(type, payload, timeout, signal, admitted);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #neverFits(type: string): QueueFullError {
    const needed = this.#handlers.for(type).length;
    return new QueueFullError({ type, capacity: this.#capacity, needed, concurrency: this.#pool.concurrency });
  }

  // ---------------------------------------------------------------- streams

  events$(pattern?: string | readonly string[]): Observable<BusEvent> {
    const compiled = pattern === undefined ? undefined : compilePatterns(pattern);
    return new Observable<BusEvent>((subscriber) => {
      if (this.#closed) {
        subscriber.complete();
        return undefined;
      }
      return this.#streams.add(compiled, subscriber);
    });
  }

  iterate(pattern?: string | readonly string[] | IterateOptions, options?: IterateOptions): EventIterator {
    // iterate(options) reads as "every event".
    if (options === undefined && pattern !== undefined && typeof pattern === 'object' && !Array.isArray(pattern)) {
      options = pattern as IterateOptions;
      pattern = undefined;
    }
    const compiled = pattern === undefined ? undefined : compilePatterns(pattern);
    return new BusEventIterator(compiled, optionsOf(options, 'iterate() options'), {
      closed: () => this.#closed,
      subscribe: (sink) => this.#streams.add(compiled, sink),
    });
  }

  get errors$(): Observable<HandlerError> {
    return this.#errors.errors$;
  }

  get dropped$(): Observable<DroppedJob> {
    return this.#dropped.asObservable();
  }

  get stats$(): Observable<BusStats> {
    return this.#stats.stats$;
  }

  // ---------------------------------------------------------------- handlers

  on(pattern: string | readonly string[], handler: HandlerFn, options?: OnOptions<unknown, BusEvent>): BusSubscription {
    const compiled = compilePatterns(pattern);
    if (typeof handler !== 'function') {
      throw new TypeError(`Expected the handler for '${compiled.source}' to be a function, got ${describeArgument(handler)}.`);
    }
    const {
      concurrency = Infinity,
      key,
      signal,
      name = functionName(handler) || undefined,
      timeout = 0,
    } = optionsOf(options, 'on() options');
    if (concurrency !== Infinity) assertCount(concurrency, 'concurrency', 1);
    assertTimeout(timeout, 'timeout');
    if (key !== undefined && typeof key !== 'function') {
      throw new TypeError(`Expected 'key' to be a function (payload, event) => string | number, got ${describeArgument(key)}.`);
    }
    if (signal !== undefined) assertSignal(signal);
    if (name !== undefined && typeof name !== 'string')
      throw new TypeError(`Expected 'name' to be a string, got ${describeArgument(name)}.`);
    if (this.#closed) throw new BusClosedError(`on('${compiled.source}')`);
    const entry = new HandlerEntry(
      this.#handlerOrder++,
      compiled,
      handler,
      concurrency,
      key as KeyFn | undefined,
      name,
      false,
      timeout === Infinity ? 0 : timeout,
    );
    return this.#register(entry, signal);
  }

  /** Adds a handler entry; the Subscription removes it. Shared with request/reply. */
  #register(entry: HandlerEntry, signal: AbortSignal | undefined): BusSubscription {
    if (signal?.aborted) {
      const done = disposableSubscription();
      done.unsubscribe();
      return done;
    }
    this.#handlers.add(entry);
    const abortTarget = signal === undefined ? undefined : { onAbort: () => subscription.unsubscribe() };
    const subscription = disposableSubscription(() => {
      if (!this.#handlers.delete(entry)) return;
      entry.active = false;
      if (signal !== undefined) removeAbortTarget(signal, abortTarget!);
      this.#pool.discard(entry, 'unsubscribed');
      if (entry.responder) this.#respondersChanged(entry.pattern.source, false);
      this.#changed();
    });
    if (signal !== undefined) addAbortTarget(signal, abortTarget!);
    entry.unsubscribe = () => subscription.unsubscribe();
    if (entry.responder) this.#respondersChanged(entry.pattern.source, true);
    // One more handler may make a waiting event too big to ever fit: reject
    // it rather than leave it blocking the line. (By the plain count, which
    // runs no user code inside on(); with keyed handlers only a publish
    // attempt, at the next pool step, can tell.)
    if (this.#emitters.size > 0) {
      this.#emitters.rejectWhere((type) => (this.#dispatcher.mayEverFit(type) ? undefined : this.#neverFits(type)));
    }
    this.#changed();
    return subscription;
  }

  // ---------------------------------------------------------------- request / reply

  handle(type: string, responder: Responder, options?: HandleOptions): BusSubscription {
    return this.#requests.handle(type, responder, optionsOf(options, 'handle() options')) as BusSubscription;
  }

  request(type: string, payload: unknown, options?: RequestOptions): Promise<unknown> {
    try {
      // A type with no local responder may be answered by another process.
      if (this.#remoteRequesters !== undefined && typeof type === 'string' && !this.#closed && !this.#hasResponder(type)) {
        for (const remote of this.#remoteRequesters) {
          const reply = remote(type, payload, options);
          if (reply !== undefined) return reply;
        }
      }
      return this.#requests.request(type, payload, optionsOf(options, 'request() options'));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Publishes a reply event for observers. A reply that cannot be published is reported, never thrown at the responder. */
  #publishReply(type: string, payload: ReplyPayload<unknown>): void {
    if (this.#closed) return;
    const replyType = `$reply.${type}`;
    try {
      this.#dispatcher.publish(replyType, payload, this.#overflow);
    } catch (cause) {
      this.#fail(new HandlerError({ event: { type: replyType, id: payload.requestId }, handler: undefined, cause }));
    }
  }

  #hasResponder(type: string): boolean {
    for (const entry of this.#handlers.for(type)) if (entry.responder && entry.active) return true;
    return false;
  }

  #respondersChanged(type: string, present: boolean): void {
    if (this.#responderListeners === undefined) return;
    for (const listener of [...this.#responderListeners]) listener(type, present);
  }

  // ---------------------------------------------------------------- transports (transport/port.ts)

  /** The census of the three subscription indexes (tests prove they empty out). @internal */
  [INDEX_CENSUS](): { streams: IndexCensus; handlers: IndexCensus; waiters: IndexCensus } {
    return { streams: this.#streams.census(), handlers: this.#handlers.census(), waiters: this.#waiters.census() };
  }

  [TRANSPORT_PORT](): TransportPort {
    if (this.#port !== undefined) return this.#port;
    const bus = this;
    this.#port = {
      scheduler: this.#waiterHost.scheduler,
      defaultTimeout: this.#waiterHost.defaultTimeout,
      get closed() {
        return bus.#closed;
      },
      emit: (type, payload, options, admitted) => this.#emit(type, payload, options, admitted, 'emit'),
      deliver: (type, payload, options, admitted) => this.#deliver(type, payload, options, admitted),
      request: (type, payload, options) => {
        try {
          return this.#requests.request(type, payload, optionsOf(options, 'request() options'));
        } catch (error) {
          return Promise.reject(error);
        }
      },
      room: () =>
        this.#emitters.size > 0 ? 0 : this.#pool.room + (this.#pool.paused ? 0 : Math.max(0, this.#pool.concurrency - this.#pool.running)),
      report: (error) => this.#errors.report(error),
      watchResponders: (listener) => {
        const listeners = (this.#responderListeners ??= new Set());
        listeners.add(listener);
        for (const entry of this.#handlers.all()) if (entry.responder && entry.active) listener(entry.pattern.source, true);
        return () => listeners.delete(listener);
      },
      addRemoteRequester: (requester) => {
        const requesters = (this.#remoteRequesters ??= []);
        requesters.push(requester);
        return () => {
          const at = requesters.indexOf(requester);
          if (at >= 0) requesters.splice(at, 1);
          if (requesters.length === 0) this.#remoteRequesters = undefined;
        };
      },
    };
    return this.#port;
  }

  #jobDropped(event: BusEvent, handler: PooledHandler, reason: DropReason): void {
    this.#droppedCount++;
    if (this.#deliveries.size > 0) this.#deliveries.jobDropped(event);
    if (handler.responder) this.#requests.dropped(event, reason);
    if (this.#dropped.observed) this.#dropped.next(Object.freeze({ event, handler: handler.name, reason }));
    this.#poolChanged();
  }

  #fail(error: HandlerError): void {
    this.#failed++;
    this.#errors.report(error);
  }

  // ---------------------------------------------------------------- waiting

  waitFor(pattern: string | readonly string[], matcher?: Matcher<unknown, BusEvent>, options?: WaitForOptions): Promise<BusEvent> {
    try {
      return waitForEvent(this.#waiterHost, pattern, matcher, optionsOf(options, 'waitFor() options'));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  waitFor$(pattern: string | readonly string[], matcher?: Matcher<unknown, BusEvent>, options?: WaitForOptions): Observable<BusEvent> {
    return createWaiter$(this.#waiterHost, pattern, matcher, optionsOf(options, 'waitFor$() options'));
  }

  cursor(): Cursor {
    return this.#cursors.issue(this.#dispatcher.lastId);
  }

  // ---------------------------------------------------------------- lifetime

  track<T>(promise?: PromiseLike<T>): (() => void) | Promise<T> {
    if (arguments.length === 0) return this.#settling.track();
    if (promise === undefined || thenOf(promise) === undefined) {
      throw new TypeError(`Expected bus.track() to get nothing or a promise, got ${describeArgument(promise)}.`);
    }
    return this.#settling.trackPromise(promise);
  }

  settled(options?: SettledOptions): Promise<void> {
    let timeout: number;
    let signal: AbortSignal | undefined;
    try {
      ({ timeout = 0, signal } = optionsOf(options, 'settled() options'));
      assertTimeout(timeout, 'timeout');
      if (signal !== undefined) assertSignal(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (timeout === 0 && signal === undefined) return this.#settling.settled();
    return this.#settling.settled({
      timeout,
      signal,
      scheduler: this.#waiterHost.scheduler,
      timedOut: () =>
        new SettleTimeoutError({
          timeout,
          pending: {
            handlers: [...this.#pool.pending()].map(([handler, counts]) => ({ handler, ...counts })),
            emitters: this.#emitters.size,
            tracked: this.#settling.tracked,
            paused: this.#pool.paused,
          },
        }),
    });
  }

  pause(): void {
    // A closing bus drains: pausing it would keep close() from ever resolving.
    if (this.#closed) return;
    this.#pool.pause();
    this.#changed();
  }

  resume(): void {
    if (this.#closed && this.#shutdown !== undefined) return; // close() already resumed it
    this.#pool.resume();
    this.#changed();
  }

  clear(pattern?: string | readonly string[]): number {
    const compiled = pattern === undefined ? undefined : compilePatterns(pattern);
    const cleared = this.#pool.clear(compiled === undefined ? undefined : (type) => compiled.test(type));
    if (cleared > 0) this.#poolChanged();
    return cleared;
  }

  stats(): BusStats {
    return {
      published: this.#dispatcher.published,
      delivered: this.#delivered,
      dropped: this.#droppedCount,
      failed: this.#failed,
      queued: this.#pool.queued,
      running: this.#pool.running,
      waiters: this.#waiters.size,
      subscriptions: this.#streams.size + this.#handlers.size,
      pendingRequests: this.#requests.size,
      tracked: this.#settling.tracked,
      emitters: this.#emitters.size,
      paused: this.#pool.paused,
      overdue: this.#pool.overdue,
    };
  }

  close(options?: CloseOptions): Promise<void> {
    let drain: boolean;
    let timeout: number;
    try {
      ({ drain = true, timeout = 0 } = optionsOf(options, 'close() options'));
      assertBoolean(drain, 'drain');
      assertTimeout(timeout, 'timeout');
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#shutdown !== undefined) {
      this.#shutdown.escalate({ drain, timeout });
      return this.#shutdown.promise;
    }
    // Admission stops now, even in the middle of a publish: the dispatcher
    // re-checks `closed` after key functions, and emitters are refused.
    this.#closed = true;
    this.#dispatcher.closed = true;
    // Producers still waiting here are usually an `emit()` loop that was never
    // awaited (no backpressure); the message says so, since the rejection
    // surfaces far from that loop, often as an unhandled rejection.
    const emitters = this.#emitters.size;
    this.#emitters.rejectAll(
      new BusClosedError(
        'keep waiting in emit()',
        `${emitters} emit() call(s) were still waiting for queue room when close() was called, and none of their events was published. ` +
          'If a loop calls emit() without awaiting it, it has no backpressure: await each emit() (or catch its rejection), ' +
          'and call close() after the last producer is done.',
      ),
    );
    this.#waiters.failAll(
      new BusClosedError(
        'keep waiting',
        'A waitFor() still pending at close() rejects with this error: await or catch every waitFor(), or abort it with its signal before closing.',
      ),
    );
    this.#requests.rejectAll(new BusClosedError('wait for a reply'));
    this.#streams.complete();
    const pool = this.#pool;
    this.#shutdown = new Shutdown(
      {
        scheduler: this.#waiterHost.scheduler,
        busy: () => pool.queued > 0 || pool.running > 0,
        cancel: () => pool.cancelAll(new BusClosedError('finish this handler job')),
        runningHandlers: () => pool.runningHandlers(),
        finish: () => this.#finishClose(),
      },
      { drain, timeout },
    );
    // A paused pool could never drain: closing resumes it — after a
    // `drain: false` close has dropped the queued jobs, which must not start.
    pool.resume();
    return this.#shutdown.promise;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #finishClose(): void {
    // Through their subscriptions, so their abort listeners go too.
    for (const entry of this.#handlers.all()) entry.unsubscribe?.();
    // close() called by a subscriber of a publish that is still delivering:
    // that publish may have drops and failures left to report.
    this.#pool.afterDelivery(() => {
      this.#errors.complete();
      this.#dropped.complete();
      this.#stats.complete();
    });
  }

  /** A job ended or was dropped: settled() and a draining close may be done. */
  #poolChanged(): void {
    this.#changed();
    this.#shutdown?.check();
  }

  /** Something counted by stats() changed. */
  #changed(): void {
    this.#stats.changed();
    this.#settling.check();
  }
}

/** Types starting with `$` are rxbus's own (`$reply.*`): users may watch them, not publish them. */
function assertPublishable(type: unknown): asserts type is string {
  assertEventType(type);
  if (type.charCodeAt(0) === 36 /* $ */) {
    throw new TypeError(
      `Event types starting with '$' are reserved for rxbus (such as '$reply.<type>'), got '${type}'. Rename the event type.`,
    );
  }
}

/**
 * Creates a typed event bus.
 *
 * @throws RangeError / TypeError when an option is out of range or of the wrong type.
 * @example
 * ```ts
 * type AppEvents = {
 *   'page.response': { url: string; status: number; body?: unknown };
 *   'order.created': { id: string; total: number };
 * };
 * const bus = createBus<AppEvents>({ concurrency: 8, capacity: 1024, overflow: 'error', history: 256 });
 * const res = bus.waitFor('page.response', { url: /\/api\/users/, status: 200 }, { timeout: 5000 });
 * bus.publish('page.response', { url: '/api/users', status: 200 });
 * console.log((await res).payload.status); // 200
 * ```
 */
export function createBus<E extends EventMap = AnyEvents>(options?: BusOptions): Bus<E> {
  return new EventBus(options) as unknown as Bus<E>;
}

export type {
  AnyEvents,
  Bus,
  BusOptions,
  BusStats,
  CloseOptions,
  DroppedJob,
  EmitArgs,
  EmitOptions,
  HandleOptions,
  OnOptions,
  OverflowPolicy,
  RequestOptions,
  SettledOptions,
} from './bus-api.js';
