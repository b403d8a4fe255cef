/**
 * `createBus`: wires the parts together.
 *
 * A published event goes, in this order, to: the history ring buffer, the
 * `events$` streams (synchronously, see event-streams.ts), the waiter index
 * (candidate waiters only), and the handler pool (one job per matching
 * handler, admitted whole or not at all under the overflow policy).
 */
import { asyncScheduler, config, Observable, Subject, Subscription, type SchedulerLike, type Subscriber } from 'rxjs';
import { addAbortTarget, removeAbortTarget } from './abort-listeners.js';
import { EmitterQueue } from './backpressure.js';
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
  OverflowPolicy,
  RequestOptions,
} from './bus-api.js';
import { deadlinesOf, type DeadlineTarget } from './deadlines.js';
import { BusClosedError, HandlerError, QueueFullError } from './errors.js';
import type { BusEvent, EventMap, ReplyPayload } from './event-map.js';
import { EventStreams } from './event-streams.js';
import { HandlerEntry, HandlerRegistry, type HandlerFn, type KeyFn } from './handler-registry.js';
import { Lifecycle } from './lifecycle.js';
import type { Matcher } from './matcher.js';
import { compilePattern } from './pattern.js';
import { HandlerPool, type DropReason, type Job } from './pool.js';
import { RequestRegistry, type Responder } from './request.js';
import { RingBuffer } from './ring-buffer.js';
import { assertCount, assertEventType, assertPattern, assertSignal, assertTimeout, describeArgument } from './validate.js';
import { createWaiter$, CursorBook, waitForEvent, type Cursor, type WaitForOptions, type WaiterHost } from './waiter.js';
import { WaiterIndex } from './waiter-index.js';

const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['error', 'drop-newest', 'drop-oldest'];
const NO_HANDLERS: readonly HandlerEntry[] = [];

class EventBus implements WaiterHost {
  readonly scheduler: SchedulerLike;
  readonly defaultTimeout: number;
  readonly history: RingBuffer<BusEvent>;
  readonly cursors: CursorBook;
  readonly waiters = new WaiterIndex();
  readonly capacity: number;
  lastId = 0;
  closed = false;

  readonly #overflow: OverflowPolicy;
  readonly #onError: ((error: HandlerError) => void) | undefined;
  readonly #streams = new EventStreams();
  readonly #errors = new Subject<HandlerError>();
  readonly #dropped = new Subject<DroppedJob>();
  readonly #handlers = new HandlerRegistry();
  readonly #pool: HandlerPool;
  readonly #emitters: EmitterQueue;
  readonly #life: Lifecycle;
  readonly #requests: RequestRegistry;
  #handlerOrder = 0;
  #published = 0;
  #delivered = 0;
  #droppedCount = 0;
  #failed = 0;
  #closing: Promise<void> | undefined;
  /** Resolvers waiting for the pool to empty (close with drain). */
  #drainWaiters: Array<() => void> = [];
  // stats$ throttling
  readonly #statsInterval: number;
  readonly #statsSubscribers = new Set<Subscriber<BusStats>>();
  #statsTimer: Subscription | undefined;
  #statsDirty = false;

  constructor(options: BusOptions) {
    const {
      concurrency = 16,
      capacity = 1024,
      overflow = 'error',
      history = 64,
      scheduler = asyncScheduler,
      defaultTimeout = 30_000,
      onError,
      statsInterval = 100,
    } = options;
    assertCount(concurrency, 'concurrency', 1);
    assertCount(capacity, 'capacity', 0);
    assertCount(history, 'history', 0);
    assertTimeout(defaultTimeout, 'defaultTimeout');
    assertTimeout(statsInterval, 'statsInterval');
    if (!OVERFLOW_POLICIES.includes(overflow)) {
      throw new TypeError(
        `Expected 'overflow' to be one of ${OVERFLOW_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${describeArgument(overflow)}.`,
      );
    }
    if (typeof scheduler?.now !== 'function' || typeof scheduler.schedule !== 'function') {
      throw new TypeError(`Expected 'scheduler' to be an RxJS SchedulerLike (e.g. asyncScheduler), got ${describeArgument(scheduler)}.`);
    }
    if (onError !== undefined && typeof onError !== 'function') {
      throw new TypeError(`Expected 'onError' to be a function, got ${describeArgument(onError)}.`);
    }
    this.scheduler = scheduler;
    this.defaultTimeout = defaultTimeout;
    this.capacity = capacity;
    this.history = new RingBuffer(history);
    this.cursors = new CursorBook(history);
    this.#overflow = overflow;
    this.#onError = onError;
    this.#statsInterval = statsInterval;
    this.#pool = new HandlerPool(concurrency, capacity, {
      settled: (job, failed, error) => this.#jobSettled(job, failed, error),
      dropped: (job, reason) => this.#jobDropped(job.event, job.handler, reason),
      roomFreed: () => this.#emitters.serve(),
    });
    this.#emitters = new EmitterQueue({
      scheduler,
      capacity,
      tryPublish: (type, payload) => this.#publish(type, payload, 'wait'),
      slotsNeeded: (type, payload) => this.#slotsNeeded(type, payload),
      changed: () => this.#changed(),
    });
    const bus = this;
    this.#requests = new RequestRegistry({
      scheduler,
      defaultTimeout,
      capacity,
      get closed() {
        return bus.closed;
      },
      get lastId() {
        return bus.lastId;
      },
      publish: (type, payload) => this.publish(type, payload),
      publishReply: (type, payload) => this.#publishReply(type, payload),
      register: (entry, signal) => this.#register(entry, signal),
      nextOrder: () => this.#handlerOrder++,
    });
    this.#life = new Lifecycle(() => this.#pool.queued > 0 || this.#pool.running > 0 || this.#emitters.size > 0);
  }

  // ---------------------------------------------------------------- publish

  publish(type: string, payload?: unknown): void {
    assertEventType(type);
    if (this.closed) throw new BusClosedError(`publish('${type}')`);
    this.#publish(type, payload, this.#overflow);
  }

  emit(type: string, payload: unknown, options: EmitOptions = {}): Promise<void> {
    try {
      assertEventType(type);
      const { timeout = 0, signal } = options;
      assertTimeout(timeout, 'timeout');
      if (signal !== undefined) assertSignal(signal);
      if (this.closed) throw new BusClosedError(`emit('${type}')`);
      if (signal?.aborted) return Promise.reject(signal.reason);
      // Waiting could never help when even an idle pool and an empty queue
      // cannot hold one job per handler. (Only possible with more handlers
      // on the bus than that, so the usual emit skips the lookup.)
      const concurrency = this.#pool.concurrency;
      if (this.#handlers.size > this.capacity + concurrency) {
        const jobs = this.#handlers.for(type).length;
        if (jobs > this.capacity + concurrency) throw new QueueFullError({ type, capacity: this.capacity, needed: jobs, concurrency });
      }
      // FIFO: a newcomer goes behind producers already waiting.
      if (this.#emitters.size === 0 && this.#publish(type, payload, 'wait')) return Promise.resolve();
      return this.#emitters.wait(type, payload, timeout, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The one publish path. `policy` is the overflow policy, or `'wait'` for
   * emit: then nothing happens and it returns false when the jobs do not fit.
   */
  #publish(type: string, payload: unknown, policy: OverflowPolicy | 'wait'): boolean {
    let handlers = this.#handlers.size === 0 ? NO_HANDLERS : this.#handlers.for(type);
    // The envelope exists before the event is published, because key
    // functions receive it; its id is taken only if it is published.
    const event: BusEvent = { type, payload, id: this.lastId + 1, time: this.scheduler.now() };
    let keys: Array<string | number | undefined> | undefined;
    let keyErrors: HandlerError[] | undefined;
    let admit = true;
    if (handlers.length > 0) {
      if (this.#handlers.keyed > 0) {
        keys = [];
        const kept: HandlerEntry[] = [];
        for (const h of handlers) {
          let key: string | number | undefined;
          if (h.key !== undefined) {
            try {
              key = checkKey(h.key(payload, event));
            } catch (cause) {
              // A handler whose key function throws gets no job for this event.
              (keyErrors ??= []).push(new HandlerError({ event, handler: h.name, cause }));
              continue;
            }
          }
          kept.push(h);
          keys.push(key);
        }
        handlers = kept;
      }
      const needed = this.#pool.queueSlotsNeeded(handlers, keys);
      const room = this.#pool.room;
      if (needed > room) {
        switch (policy) {
          case 'wait':
            return false;
          case 'error':
            throw new QueueFullError({ type, capacity: this.capacity, needed });
          case 'drop-newest':
            admit = false;
            break;
          case 'drop-oldest':
            if (needed <= this.capacity) this.#pool.evictOldest(needed - room);
            else admit = false;
            break;
        }
      }
    }

    this.lastId = event.id;
    this.#published++;
    if (this.history.capacity > 0) this.history.pushEvicting(event);
    if (this.#streams.size > 0) this.#streams.next(event);
    this.waiters.dispatch(event);
    if (handlers.length > 0) {
      if (admit) this.#pool.admit(event, handlers, keys);
      else for (const h of handlers) this.#jobDropped(event, h, 'drop-newest');
    }
    if (keyErrors !== undefined) for (const error of keyErrors) this.#fail(error);
    this.#changed();
    return true;
  }

  #slotsNeeded(type: string, payload: unknown): number {
    if (this.#handlers.size === 0) return 0;
    const handlers = this.#handlers.for(type);
    if (handlers.length === 0) return 0;
    const event: BusEvent = { type, payload, id: this.lastId + 1, time: this.scheduler.now() };
    let keys: Array<string | number | undefined> | undefined;
    if (this.#handlers.keyed > 0) {
      keys = handlers.map((h) => {
        try {
          return h.key === undefined ? undefined : checkKey(h.key(payload, event));
        } catch {
          return undefined; // counted as needing a slot; the real publish reports the failure
        }
      });
    }
    return this.#pool.queueSlotsNeeded(handlers, keys);
  }

  // ---------------------------------------------------------------- streams

  events$(pattern?: string): Observable<BusEvent> {
    const compiled = pattern === undefined ? undefined : compilePattern(pattern);
    return new Observable<BusEvent>((subscriber) => {
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      return this.#streams.add(compiled, subscriber);
    });
  }

  get errors$(): Observable<HandlerError> {
    return this.#errors.asObservable();
  }

  get dropped$(): Observable<DroppedJob> {
    return this.#dropped.asObservable();
  }

  get stats$(): Observable<BusStats> {
    return new Observable<BusStats>((subscriber) => {
      subscriber.next(this.stats());
      if (this.#closing !== undefined) {
        subscriber.complete();
        return undefined;
      }
      this.#statsSubscribers.add(subscriber);
      return () => {
        this.#statsSubscribers.delete(subscriber);
        if (this.#statsSubscribers.size === 0) this.#stopStatsTimer();
      };
    });
  }

  // ---------------------------------------------------------------- handlers

  on(pattern: string, handler: HandlerFn, options: OnOptions<unknown, BusEvent> = {}): Subscription {
    assertPattern(pattern);
    if (typeof handler !== 'function') {
      throw new TypeError(`Expected the handler for '${pattern}' to be a function, got ${describeArgument(handler)}.`);
    }
    const { concurrency = Infinity, key, signal, name = handler.name || undefined } = options;
    if (concurrency !== Infinity) assertCount(concurrency, 'concurrency', 1);
    if (key !== undefined && typeof key !== 'function') {
      throw new TypeError(`Expected 'key' to be a function (payload, event) => string | number, got ${describeArgument(key)}.`);
    }
    if (signal !== undefined) assertSignal(signal);
    if (this.closed) throw new BusClosedError(`on('${pattern}')`);
    const entry = new HandlerEntry(this.#handlerOrder++, compilePattern(pattern), handler, concurrency, key as KeyFn | undefined, name);
    return this.#register(entry, signal);
  }

  /** Adds a handler entry; the Subscription removes it. Shared with request/reply. */
  #register(entry: HandlerEntry, signal: AbortSignal | undefined): Subscription {
    if (signal?.aborted) return Subscription.EMPTY;
    this.#handlers.add(entry);
    const abortTarget = signal === undefined ? undefined : { onAbort: () => subscription.unsubscribe() };
    const subscription = new Subscription(() => {
      if (!this.#handlers.delete(entry)) return;
      entry.active = false;
      if (signal !== undefined) removeAbortTarget(signal, abortTarget!);
      this.#pool.discard(entry, 'unsubscribed');
      this.#changed();
    });
    if (signal !== undefined) addAbortTarget(signal, abortTarget!);
    this.#changed();
    return subscription;
  }

  // ---------------------------------------------------------------- request / reply

  handle(type: string, responder: Responder, options?: HandleOptions): Subscription {
    return this.#requests.handle(type, responder, options);
  }

  request(type: string, payload: unknown, options?: RequestOptions): Promise<unknown> {
    return this.#requests.request(type, payload, options);
  }

  /** Publishes a reply event for observers. A reply that cannot be published is reported, never thrown at the responder. */
  #publishReply(type: string, payload: ReplyPayload<unknown>): void {
    if (this.closed) return;
    const replyType = `$reply.${type}`;
    try {
      this.#publish(replyType, payload, this.#overflow);
    } catch (cause) {
      this.#fail(new HandlerError({ event: { type: replyType, id: payload.requestId }, handler: undefined, cause }));
    }
  }

  #jobSettled(job: Job, failed: boolean, error: unknown): void {
    if (failed) {
      this.#failed++;
      this.#fail(new HandlerError({ event: job.event, handler: job.handler.name, cause: error }));
    } else {
      this.#delivered++;
    }
    this.#afterPoolChange();
  }

  #jobDropped(event: BusEvent, handler: HandlerEntry, reason: DropReason): void {
    this.#droppedCount++;
    if (handler.responder) this.#requests.dropped(event, reason);
    if (this.#dropped.observed) this.#dropped.next({ event, handler: handler.name, reason });
    this.#afterPoolChange();
  }

  #afterPoolChange(): void {
    this.#changed();
    this.#life.check();
    if (this.#drainWaiters.length > 0 && this.#pool.queued === 0 && this.#pool.running === 0) {
      const waiting = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const resolve of waiting) resolve();
    }
  }

  /** Reports a handler failure: errors$, else onError, else RxJS's unhandled-error hook, else the console. */
  #fail(error: HandlerError): void {
    if (this.#errors.observed) {
      this.#errors.next(error);
      return;
    }
    if (this.#onError !== undefined) {
      try {
        this.#onError(error);
        return;
      } catch (thrown) {
        reportUnhandled(thrown);
        return;
      }
    }
    reportUnhandled(error);
  }

  // ---------------------------------------------------------------- waiting

  waitFor(pattern: string, matcher?: Matcher<unknown, BusEvent>, options?: WaitForOptions): Promise<BusEvent> {
    return waitForEvent(this, pattern, matcher, options);
  }

  waitFor$(pattern: string, matcher?: Matcher<unknown, BusEvent>, options?: WaitForOptions): Observable<BusEvent> {
    return createWaiter$(this, pattern, matcher, options);
  }

  cursor(): Cursor {
    return this.cursors.issue(this.lastId);
  }

  // ---------------------------------------------------------------- lifetime

  track<T>(promise?: PromiseLike<T>): (() => void) | PromiseLike<T> {
    if (promise === undefined) return this.#life.track();
    if (promise === null || typeof (promise as PromiseLike<T>).then !== 'function') {
      throw new TypeError(`Expected bus.track() to get nothing or a promise, got ${describeArgument(promise)}.`);
    }
    return this.#life.trackPromise(promise);
  }

  settled(): Promise<void> {
    return this.#life.settled();
  }

  stats(): BusStats {
    return {
      published: this.#published,
      delivered: this.#delivered,
      dropped: this.#droppedCount,
      failed: this.#failed,
      queued: this.#pool.queued,
      running: this.#pool.running,
      waiters: this.waiters.size,
      subscriptions: this.#streams.size + this.#handlers.size,
      pendingRequests: this.#requests.size,
      tracked: this.#life.tracked,
      emitters: this.#emitters.size,
    };
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const { drain = true, timeout = 0 } = options;
    try {
      assertTimeout(timeout, 'timeout');
    } catch (error) {
      return Promise.reject(error);
    }
    this.closed = true;
    this.#emitters.rejectAll(new BusClosedError('keep waiting in emit()'));
    this.waiters.failAll(new BusClosedError('keep waiting'));
    this.#requests.rejectAll(new BusClosedError('wait for a reply'));
    this.#streams.complete();
    const cancel = (): void => this.#pool.cancelAll(new BusClosedError('finish this handler job'));
    if (!drain) cancel();
    this.#closing = this.#drain(timeout, cancel).then(() => {
      for (const entry of this.#handlers.all()) {
        entry.active = false;
        this.#handlers.delete(entry);
      }
      this.#errors.complete();
      this.#dropped.complete();
      this.#stopStatsTimer();
      const final = this.stats();
      for (const subscriber of this.#statsSubscribers) {
        subscriber.next(final);
        subscriber.complete();
      }
      this.#statsSubscribers.clear();
    });
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Resolves when the pool is empty, or after `timeout` ms (then cancelling what is left). */
  #drain(timeout: number, cancel: () => void): Promise<void> {
    if (this.#pool.queued === 0 && this.#pool.running === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let done = false;
      const deadline: DeadlineTarget = {
        due: 0,
        seq: 0,
        slot: -1,
        onDeadline: () => {
          if (done) return;
          done = true;
          cancel();
          resolve();
        },
      };
      this.#drainWaiters.push(() => {
        if (done) return;
        done = true;
        if (deadline.slot >= 0) deadlinesOf(this.scheduler).remove(deadline);
        resolve();
      });
      if (timeout > 0 && timeout !== Infinity) deadlinesOf(this.scheduler).add(deadline, timeout);
    });
  }

  // ---------------------------------------------------------------- stats$

  /** Something counted by stats() changed: feed stats$ (throttled), if anyone listens. */
  #changed(): void {
    if (this.#statsSubscribers.size === 0) return;
    if (this.#statsTimer !== undefined) {
      this.#statsDirty = true;
      return;
    }
    this.#emitStats();
    this.#statsTimer = this.scheduler.schedule(() => this.#statsTick(), this.#statsInterval);
  }

  #statsTick(): void {
    this.#statsTimer = undefined;
    if (!this.#statsDirty) return;
    this.#statsDirty = false;
    this.#emitStats();
    this.#statsTimer = this.scheduler.schedule(() => this.#statsTick(), this.#statsInterval);
  }

  #emitStats(): void {
    const snapshot = this.stats();
    for (const subscriber of [...this.#statsSubscribers]) subscriber.next(snapshot);
  }

  #stopStatsTimer(): void {
    this.#statsTimer?.unsubscribe();
    this.#statsTimer = undefined;
    this.#statsDirty = false;
  }
}

function checkKey(key: unknown): string | number {
  if (typeof key === 'string' || (typeof key === 'number' && !Number.isNaN(key))) return key;
  throw new TypeError(`A handler's key function must return a string or a number, got ${describeArgument(key)}.`);
}

/** Last resort for a failure nobody observes: RxJS's hook when set, else the console. Never a crash. */
function reportUnhandled(error: unknown): void {
  if (config.onUnhandledError !== null) {
    config.onUnhandledError(error);
    return;
  }
  // eslint-disable-next-line no-console
  console.error(error);
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
export function createBus<E extends EventMap = AnyEvents>(options: BusOptions = {}): Bus<E> {
  return new EventBus(options) as unknown as Bus<E>;
}

export type {
  AnyEvents,
  Bus,
  BusOptions,
  BusStats,
  CloseOptions,
  DroppedJob,
  EmitOptions,
  HandleOptions,
  OnOptions,
  OverflowPolicy,
  RequestOptions,
} from './bus-api.js';
