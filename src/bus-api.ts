/**
 * The public shape of a bus: its options, its stats and its methods. The
 * implementation is in bus.ts.
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { BusSubscription } from './disposable-subscription.js';
import type { HandlerError } from './errors.js';
import type {
  BusEvent,
  CheckedPattern,
  CheckedType,
  EventMap,
  EventMatching,
  EventOf,
  EventType,
  PayloadArgs,
  PayloadMatching,
  PublicEvents,
  ReplyOf,
  RequestOf,
  RequestType,
} from './event-map.js';
import type { HandlerContext } from './pool.js';
import type { Matcher } from './matcher.js';
import type { DropReason } from './pool.js';
import type { Cursor, WaitForOptions } from './waiter.js';

import type { Delivery } from './delivery.js';
import type { EventIterator, IterateOptions } from './iterate.js';
import type { OverflowPolicy } from './overflow.js';

export type { OverflowPolicy } from './overflow.js';

/**
 * Options of {@link createBus}; all optional.
 *
 * @example
 * ```ts
 * const bus = createBus<AppEvents>({ concurrency: 8, capacity: 1024, overflow: 'error', history: 256 });
 * ```
 */
export interface BusOptions {
  /** Max handler jobs running at once. Default 16. */
  readonly concurrency?: number;
  /** Max handler jobs waiting for a slot (running ones not counted). Default 1024. */
  readonly capacity?: number;
  /** What `publish` does when the queue is full. Default `'error'`. */
  readonly overflow?: OverflowPolicy;
  /** How many recent events to keep for `since` and for timeout diagnostics. Default 64; 0 keeps none. */
  readonly history?: number;
  /**
   * The scheduler of every timer and of `event.time`. Default `asyncScheduler`
   * (then one `Date.now()` reading serves up to 16 events of one synchronous
   * run; with a scheduler of your own, every event reads it: docs/events.md,
   * "What `time` means").
   */
  readonly scheduler?: SchedulerLike;
  /** Timeout of waiters and requests in ms when they give none. Default 30 000; 0 = none. */
  readonly defaultTimeout?: number;
  /**
   * Called for a handler failure when nobody subscribes to `errors$`. Without
   * it, such failures go to RxJS's `config.onUnhandledError` when set, else
   * to `console.error` — never silently dropped, never a process crash.
   */
  readonly onError?: (error: HandlerError) => void;
  /** Minimum ms between two `stats$` emissions. Default 100. */
  readonly statsInterval?: number;
  /**
   * Run each handler job in the async context of the `publish`/`emit` that
   * created it (Node's `AsyncLocalStorage`: nestjs-cls, OpenTelemetry). A job
   * that has to wait for a slot then carries the context with it, at ~80 B
   * and a few hundred ns per waiting event. Turn off only for a bus whose
   * handlers read no async context, to save that. No effect in browsers.
   * @default true
   * @example
   * ```ts
   * const metrics = createBus({ asyncContext: false, capacity: 100_000 });
   * ```
   */
  readonly asyncContext?: boolean;
}

/**
 * Counters and gauges of a bus, from `bus.stats()`.
 *
 * @example
 * ```ts
 * expect(bus.stats().waiters).toBe(0);
 * ```
 */
export interface BusStats {
  /** Events published so far. */
  readonly published: number;
  /** Handler jobs that ran to completion. */
  readonly delivered: number;
  /** Handler jobs dropped by an overflow policy or a close without drain. */
  readonly dropped: number;
  /** Handler jobs that threw or rejected. */
  readonly failed: number;
  /** Handler jobs waiting for a slot. */
  readonly queued: number;
  /** Handler jobs running now. */
  readonly running: number;
  /** Pending waiters. */
  readonly waiters: number;
  /** Live `events$` subscriptions and handlers. */
  readonly subscriptions: number;
  /** Requests awaiting a reply. */
  readonly pendingRequests: number;
  /** Tracked work not yet released. */
  readonly tracked: number;
  /** Producers waiting in `emit` for queue room. */
  readonly emitters: number;
  /** True between `pause()` and `resume()`: queued jobs do not start. */
  readonly paused: boolean;
  /**
   * Jobs past their handler's `timeout` that have not returned yet. They
   * were counted in `failed` when the timeout passed, and still hold a slot
   * (they are in `running`) until the handler returns.
   */
  readonly overdue: number;
}

/**
 * A handler job discarded instead of run, as reported on `bus.dropped$`.
 *
 * @example
 * ```ts
 * bus.dropped$.subscribe((d) => metrics.increment(`dropped.${d.reason}`, { type: d.event.type }));
 * ```
 */
export interface DroppedJob {
  /** The event whose handler job was dropped. */
  readonly event: BusEvent;
  /** The handler's name, when it has one. */
  readonly handler: string | undefined;
  /**
   * Why: `'drop-newest'` / `'drop-oldest'` (overflow policy), `'closed'`
   * (`close({ drain: false })` or a drain timeout), `'unsubscribed'` (the
   * handler was unsubscribed while the job waited), `'cleared'` (`bus.clear()`).
   */
  readonly reason: DropReason;
}

/** Options of `bus.on`. */
export interface OnOptions<P, Ev> {
  /** Max jobs of this handler running at once (within the bus's `concurrency`). Default: no own limit. */
  readonly concurrency?: number;
  /**
   * Per-key ordering: jobs with the same key run one at a time, in publish
   * order; different keys run in parallel.
   */
  readonly key?: (payload: P, event: Ev) => string | number;
  /** Unsubscribes the handler when it aborts. */
  readonly signal?: AbortSignal;
  /** A name for error messages (default: the function's name). */
  readonly name?: string;
  /**
   * Per-job timeout in ms, from the handler's start. When it passes, the
   * job's `signal` aborts (reason: a `JobTimeoutError`) and the job counts
   * as failed: a `HandlerError` whose `cause` is that `JobTimeoutError` goes
   * to `errors$`. A job that ignores its signal keeps its slot until it
   * returns (`stats().overdue`). A synchronous handler cannot be
   * interrupted and never times out. `0` or `Infinity`: none.
   * @default 0
   */
  readonly timeout?: number;
}

/** Options of `bus.settled`. */
export interface SettledOptions {
  /** Reject with `SettleTimeoutError` (listing what is pending) after this many ms. Default: none (0). */
  readonly timeout?: number;
  /** Reject with `signal.reason` when it aborts (at once if it already has). */
  readonly signal?: AbortSignal;
}

export type { IterateOptions, EventIterator } from './iterate.js';

/** Options of `bus.emit`. */
export interface EmitOptions {
  /** Give up waiting for queue room after this many ms with `QueueFullError`. Default: wait as long as it takes. */
  readonly timeout?: number;
  /** Stop waiting when it aborts: rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** Options of `bus.handle`. */
export interface HandleOptions {
  /** Max requests of this type answered at once (within the bus's `concurrency`). Default: no own limit. */
  readonly concurrency?: number;
  /** Unregisters the responder when it aborts. */
  readonly signal?: AbortSignal;
}

/** Options of `bus.request`. */
export interface RequestOptions {
  /** Reject with `RequestTimeoutError` after this many ms. Default: the bus's `defaultTimeout`; 0 = none. */
  readonly timeout?: number;
  /** Reject with `signal.reason` when it aborts (at once if it already has); the responder's signal aborts too. */
  readonly signal?: AbortSignal;
}

/** Options of `bus.close`. */
export interface CloseOptions {
  /**
   * Let queued and running handler jobs finish first (default). With
   * `false`, queued jobs are dropped and running ones see their `signal` abort.
   */
  readonly drain?: boolean;
  /** Give up draining after this many ms: then it cancels as with `drain: false`. */
  readonly timeout?: number;
}

/**
 * A typed event bus. Create one with {@link createBus}.
 *
 * @example
 * ```ts
 * const bus = createBus<{ 'order.created': { id: string } }>();
 * bus.events$('order.*').subscribe((e) => console.log(e.type, e.payload.id));
 * bus.publish('order.created', { id: '42' });
 * ```
 */
export interface Bus<E extends EventMap, N extends EventMap = PublicEvents<E>> {
  /**
   * Publishes an event synchronously: stream subscribers and waiters see it
   * before `publish` returns.
   *
   * @throws TypeError when `type` is not a non-empty string.
   * @throws BusClosedError after `close()`.
   * @example
   * ```ts
   * bus.publish('order.created', { id: '42', total: 99 });
   * ```
   */
  publish<K extends string>(type: CheckedType<N, K>, ...payload: PayloadArgs<N[K & EventType<N>]>): void;

  /**
   * A hot stream of envelopes, delivered synchronously inside `publish`;
   * all events, or those whose type matches `pattern` (`*` = one segment,
   * `**` = one or more), or any of an array of patterns (each event once).
   * Completes when the bus closes.
   *
   * @example
   * ```ts
   * const sub = bus.events$('page.**').subscribe((e) => console.log(e.type));
   * sub.unsubscribe();
   * bus.events$(['order.created', 'order.cancelled']).subscribe((e) => console.log(e.payload.id));
   * ```
   */
  events$(): Observable<EventOf<N>>;
  /** Only the events whose type matches `pattern` (an exact type, `*` or `**` segments; an array is their union). */
  events$<P extends string>(pattern: CheckedPattern<N, P> | readonly CheckedPattern<N, P>[]): Observable<EventMatching<N, P>>;

  /**
   * The events of `pattern` (all events without one; an array of patterns
   * is their union) as an async iterator for `for await`. It listens from
   * the moment it is created; events the loop has not taken yet wait in a
   * buffer of `capacity` (default 1024) under `overflow` (default
   * `'error'`: the iteration ends with `IteratorFullError` after the
   * buffered events). `break`, `return()`, `signal` (the pending `next()`
   * rejects with `signal.reason`) end it and leave nothing behind; `close()`
   * ends it after the buffered events.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * for await (const event of bus.iterate(['order.created', 'order.cancelled'], { signal: controller.signal })) {
   *   console.log(event.type, event.payload.id);
   *   if (event.type === 'order.cancelled') break;
   * }
   * ```
   */
  iterate(options?: IterateOptions): EventIterator<EventOf<N>>;
  /** Only the events of `pattern` (or of any pattern of an array), for `for await`. */
  iterate<P extends string>(
    pattern: CheckedPattern<N, P> | readonly CheckedPattern<N, P>[],
    options?: IterateOptions,
  ): EventIterator<EventMatching<N, P>>;

  /**
   * Resolves with the first event of `pattern` whose payload matches
   * `matcher`; rejects with `WaitTimeoutError` after `timeout` ms (default
   * `defaultTimeout`), with `signal.reason` on abort, `BusClosedError` on close.
   * Leaves no subscription, timer or abort listener behind.
   *
   * @example
   * ```ts
   * const mark = bus.cursor();
   * await page.click('#save');
   * const res = await bus.waitFor('page.response', { url: /\/api\/users/, status: 200 }, { timeout: 5000, since: mark });
   * ```
   */
  waitFor<P extends string>(
    pattern: CheckedPattern<N, P> | readonly CheckedPattern<N, P>[],
    matcher?: Matcher<PayloadMatching<N, P>, EventMatching<N, P>>,
    options?: WaitForOptions,
  ): Promise<EventMatching<N, P>>;

  /**
   * The cold Observable form of {@link Bus.waitFor}: nothing is registered
   * until it is subscribed; it emits one event and completes. Bad arguments
   * throw here, synchronously.
   *
   * @example
   * ```ts
   * bus.waitFor$('order.created', { id: '42' }).subscribe((e) => console.log(e.payload));
   * ```
   */
  waitFor$<P extends string>(
    pattern: CheckedPattern<N, P> | readonly CheckedPattern<N, P>[],
    matcher?: Matcher<PayloadMatching<N, P>, EventMatching<N, P>>,
    options?: WaitForOptions,
  ): Observable<EventMatching<N, P>>;

  /**
   * Runs `handler(payload, event, { signal })` for every event matching
   * `pattern`, on the bus's bounded pool: at most `concurrency` jobs run at
   * once bus-wide (and at most `options.concurrency` of this handler), the
   * rest wait in a FIFO queue of at most `capacity` jobs. A handler that
   * throws or rejects becomes a `HandlerError` on `errors$`; the bus and
   * other handlers go on. Unsubscribing (or aborting `options.signal`) stops
   * new deliveries and discards this handler's queued jobs; running ones finish.
   *
   * @example
   * ```ts
   * const sub = bus.on('order.created', async (order) => {
   *   await db.insert(order);
   * }, { concurrency: 4, key: (order) => order.customerId });
   * sub.unsubscribe();
   *
   * // Several patterns (the payload is the union); a per-job timeout that aborts `signal`:
   * using audit = bus.on(['order.created', 'order.cancelled'], (order, event, { signal }) => log.write(event.type, order.id, { signal }), {
   *   timeout: 5000,
   * });
   * ```
   */
  on<P extends string>(
    pattern: CheckedPattern<N, P> | readonly CheckedPattern<N, P>[],
    handler: (payload: PayloadMatching<N, P>, event: EventMatching<N, P>, context: HandlerContext) => unknown,
    options?: OnOptions<PayloadMatching<N, P>, EventMatching<N, P>>,
  ): BusSubscription;

  /**
   * Publishes with backpressure: waits until the handler queue has room for
   * all of this event's jobs, then publishes. Waiting producers are served
   * in FIFO order. Rejects with `QueueFullError` when `timeout` passes first
   * (or at once when the event's jobs can never fit), `signal.reason` on
   * abort, `BusClosedError` when the bus closes.
   *
   * @example
   * ```ts
   * for (const row of rows) await bus.emit('row.imported', row, { timeout: 10_000 });
   * ```
   */
  emit<K extends string>(type: CheckedType<N, K>, ...args: EmitArgs<N[K & EventType<N>]>): Promise<void>;

  /**
   * Publishes like `emit` (waits for room, FIFO), then waits until every
   * handler job of the event has finished, and resolves with what happened:
   * `{ event, handled, failed, dropped }`. Handler failures are returned
   * (and still reported on `errors$`), not thrown. Rejects as `emit` does
   * (`QueueFullError` on timeout, `signal.reason`, `BusClosedError`) only
   * while waiting for room; once the event is published it always resolves.
   * An event no handler matches resolves at once with `handled: 0`.
   *
   * It is what a transport acknowledges a broker message after, and what
   * emittery's `emit` / EventEmitter2's `emitAsync` users reach for.
   *
   * @example
   * ```ts
   * const { failed } = await bus.deliver('order.created', order, { timeout: 5000 });
   * if (failed.length > 0) console.warn(`${failed.length} handler(s) failed`, failed[0].cause);
   * ```
   */
  deliver<K extends string>(
    type: CheckedType<N, K>,
    ...args: EmitArgs<N[K & EventType<N>]>
  ): Promise<Delivery<EventOf<N, K & EventType<N>>>>;

  /**
   * Handler failures, as `HandlerError`s (`event`, `handler`, `cause`).
   * While nobody subscribes, failures go to the `onError` option instead.
   *
   * @example
   * ```ts
   * bus.errors$.subscribe((err) => log.error(err.message, err.cause));
   * ```
   */
  readonly errors$: Observable<HandlerError>;

  /**
   * Handler jobs discarded by an overflow policy, a close, or an unsubscribe.
   *
   * @example
   * ```ts
   * bus.dropped$.subscribe(({ event, reason }) => log.warn(`dropped ${event.type}: ${reason}`));
   * ```
   */
  readonly dropped$: Observable<DroppedJob>;

  /**
   * `stats()` now and after each change, at most once per `statsInterval`
   * ms (leading and trailing). Completes when the bus closes.
   *
   * @example
   * ```ts
   * bus.stats$.subscribe((s) => progress.update(s.queued, s.running));
   * ```
   */
  readonly stats$: Observable<BusStats>;

  /**
   * Reserves pending work so `settled()` waits for it. Call the returned
   * function exactly once (a second call throws). With a promise, tracks it
   * until it settles and returns a new promise that settles the same way:
   * await or catch that one, since the bus observes the one you passed, and
   * an ignored rejection is reported as unhandled through the returned one.
   *
   * @example
   * ```ts
   * const done = bus.track();
   * setTimeout(() => { bus.publish('tick', 1); done(); }, 10);
   * await bus.settled();
   * ```
   */
  track(): () => void;
  /** Tracks `promise` until it settles; returns a new promise that settles the same way (await or catch that one). */
  track<T>(promise: PromiseLike<T>): Promise<T>;

  /**
   * Resolves when no job is queued or running, no producer waits in `emit`
   * and no tracked work is pending — checked again after handlers that
   * publish more events. With `timeout`, rejects with `SettleTimeoutError`
   * listing what is still pending (queued/running/overdue jobs per handler,
   * waiting producers, tracked work, a paused pool) instead of hanging; with
   * `signal`, rejects with `signal.reason`.
   *
   * @example
   * ```ts
   * bus.publish('order.created', order);
   * await bus.settled(); // every handler (and what they published) is done
   * await bus.settled({ timeout: 5000 }); // in a test: fail with the list, not a hang
   * ```
   */
  settled(options?: SettledOptions): Promise<void>;

  /**
   * Stops giving pool slots to queued jobs, without closing: publishing
   * goes on queueing up to `capacity` (then the overflow policy applies,
   * and `emit` waits for room). Jobs already running finish. `stats().paused`
   * says so. `close()` resumes the pool so that it can drain, and `pause()`
   * does nothing once `close()` was called.
   *
   * @example
   * ```ts
   * bus.pause();
   * bus.publish('order.created', order); // queued, not started
   * bus.resume(); // starts it
   * ```
   */
  pause(): void;

  /**
   * Lets queued jobs start again after {@link Bus.pause}, oldest first.
   *
   * @example
   * ```ts
   * bus.resume();
   * ```
   */
  resume(): void;

  /**
   * Discards the queued handler jobs (of events whose type matches
   * `pattern`, or all), each reported on `dropped$` with reason `'cleared'`
   * and counted in `stats().dropped`. Jobs already holding a slot are not
   * touched. Returns how many were discarded. Waiting producers may then
   * find room.
   *
   * @example
   * ```ts
   * bus.pause();
   * const discarded = bus.clear('thumbnail.*'); // the backlog of one kind of work
   * bus.resume();
   * ```
   */
  clear(pattern?: string | readonly string[]): number;

  /**
   * Registers the one responder for request type `type`: it runs on the
   * handler pool (its limits apply) with `(payload, { signal })`, and what it
   * returns (or resolves to) is the reply; what it throws (or rejects with)
   * rejects the request as is. `signal` aborts when the request times out, is
   * aborted, or the bus closes. A second responder for the same type throws
   * `DuplicateResponderError`; unsubscribe the first to replace it.
   *
   * @example
   * ```ts
   * const sub = bus.handle('user.get', async ({ id }, { signal }) => users.load(id, { signal }));
   * ```
   */
  handle<K extends RequestType<E>>(
    type: K,
    responder: (payload: RequestOf<E, K>, context: HandlerContext) => ReplyOf<E, K> | PromiseLike<ReplyOf<E, K>>,
    options?: HandleOptions,
  ): BusSubscription;

  /**
   * Sends a request and resolves with its own reply (correlated by the
   * request event's id). Rejects with `NoResponderError` when no responder
   * is registered, `RequestTimeoutError` after `timeout` ms (default
   * `defaultTimeout`), the responder's error, `signal.reason` on abort,
   * `BusClosedError` on close, or `QueueFullError` when the responder's job
   * does not fit the handler queue (thrown under `'error'`, or its job
   * dropped under a drop policy).
   *
   * @example
   * ```ts
   * const user = await bus.request('user.get', { id: '7' }, { timeout: 2000, signal });
   * ```
   */
  request<K extends RequestType<E>>(type: K, payload: RequestOf<E, K>, options?: RequestOptions): Promise<ReplyOf<E, K>>;

  /**
   * A cursor at the newest event, for `waitFor(..., { since: cursor })`.
   *
   * @example
   * ```ts
   * const mark = bus.cursor();
   * ```
   */
  cursor(): Cursor;

  /**
   * A snapshot of the bus's counters.
   *
   * @example
   * ```ts
   * const { waiters, published } = bus.stats();
   * ```
   */
  stats(): BusStats;

  /** True once `close()` was called. */
  readonly closed: boolean;

  /**
   * Stops accepting events (`publish`/`emit` throw `BusClosedError`), rejects
   * pending waiters and emitters with `BusClosedError`, lets queued and
   * running jobs finish (`drain: true`, default) or drops and aborts them,
   * then completes every stream. Resolves when all is done. Safe to call twice.
   *
   * @example
   * ```ts
   * await bus.close();
   * ```
   */
  close(options?: CloseOptions): Promise<void>;

  /** `await using bus = createBus()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The rest arguments of `emit`/`deliver` after the type: the payload (which
 * may be left out when its type accepts `undefined`, e.g. `void`), then the
 * options.
 */
export type EmitArgs<P> = undefined extends P ? [payload?: P, options?: EmitOptions] : [payload: P, options?: EmitOptions];

/** The event map of a bus created without one: any type, unknown payloads. */
export type AnyEvents = Record<string, unknown>;
