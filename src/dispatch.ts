/**
 * Admission and delivery of one published event: which handlers get a job,
 * whether the jobs fit, the event's id, and the order in which streams,
 * waiters and handlers see it.
 *
 * The re-entrancy model (docs/events.md, "Re-entrancy"):
 * 1. *Keys*: key functions run first (user code). Whatever they do — publish,
 *    unsubscribe, close — happens before this event exists.
 * 2. *Admission*, with no user code: the bus is re-checked for close, the
 *    handlers for unsubscription, the room is checked under the overflow
 *    policy, the id is taken, the event goes into the history and its jobs
 *    into the pool (jobs that find a free slot take it now). So the room
 *    check, the id and the admitted jobs belong to one state, `queued` never
 *    exceeds `capacity`, and ids increase in the order events are seen.
 * 3. *Delivery*, with the pool held: `events$` subscribers, then waiters,
 *    then `dropped$`/`errors$` reports of this admission. A publish made here
 *    (or by a handler start) is a nested publish: it runs steps 1–3 at once,
 *    depth first, as an RxJS Subject would.
 * 4. *Handler starts*: when the outermost hold is released, the jobs that got
 *    a slot are called, oldest first — before the outermost `publish`
 *    returns.
 */
import { BusClosedError, HandlerError, QueueFullError } from './errors.js';
import type { EventClock } from './event-clock.js';
import type { BusEvent } from './event-map.js';
import type { EventStreams } from './event-streams.js';
import type { HandlerEntry, HandlerRegistry } from './handler-registry.js';
import type { OverflowPolicy } from './overflow.js';
import type { ContextScope, DropReason, HandlerPool, PooledHandler } from './pool.js';
import type { RingBuffer } from './ring-buffer.js';
import { describeArgument } from './validate.js';
import type { WaiterIndex } from './waiter-index.js';

/** What the dispatcher needs of its bus. */
export interface DispatchHost {
  readonly handlers: HandlerRegistry;
  readonly pool: HandlerPool;
  readonly streams: EventStreams;
  readonly waiters: WaiterIndex;
  readonly history: RingBuffer<BusEvent>;
  /** Stamps `event.time` (src/event-clock.ts). */
  readonly clock: EventClock;
  readonly capacity: number;
  /** Captures the current async context; undefined when there is none to carry (or the bus opted out). */
  readonly captureContext: (() => ContextScope) | undefined;
  /** A job of `handler` for `event` was dropped: count and report it. */
  dropped(event: BusEvent, handler: PooledHandler, reason: DropReason): void;
  /** Reports a failure that belongs to no job (a key function threw). */
  fail(error: HandlerError): void;
  /** Something counted by stats() changed. */
  changed(): void;
}

const NO_HANDLERS: readonly HandlerEntry[] = [];

/** Called when an event is admitted, before any of its jobs runs. */
export type Admitted = (event: BusEvent, jobs: number) => void;

/** Handlers that get a job for one event, with their keys (same index) when any handler is keyed. */
interface Selection {
  readonly handlers: readonly HandlerEntry[];
  readonly keys: Array<string | number | undefined> | undefined;
  readonly errors: HandlerError[] | undefined;
}

// Most publishes select no handler or only unkeyed ones: no object per publish then.
const NOBODY: Selection = { handlers: NO_HANDLERS, keys: undefined, errors: undefined };

/**
 * The publish path of one bus.
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher(host);
 * dispatcher.publish('order.created', order, 'error'); // true: published
 * dispatcher.publish('order.created', order, 'wait');  // false when the jobs do not fit now
 * ```
 */
export class Dispatcher {
  /** Id of the newest published event (0 before the first). */
  lastId = 0;
  /** Events published. */
  published = 0;
  /** Set by `close()`: admission stops (a plain field: it is read on every publish). */
  closed = false;

  readonly #host: DispatchHost;

  constructor(host: DispatchHost) {
    this.#host = host;
  }

  /**
   * Publishes one event. `policy` is the overflow policy, or `'wait'` for
   * emit: then nothing happens and it returns false when the jobs do not fit
   * now (and throws `QueueFullError` when they never could).
   * Throws `QueueFullError` (policy `'error'`) or `BusClosedError` (the bus
   * closed while key functions ran) with nothing delivered. `admitted` is
   * called once the event is admitted, with the number of its jobs.
   */
  publish(type: string, payload: unknown, policy: OverflowPolicy | 'wait', admitted?: Admitted): boolean {
    const host = this.#host;
    const pool = host.pool;
    // The clock is read first: a scheduler is user code too, and whatever its
    // now() does (publish, unsubscribe) must happen before the room is counted.
    const time = host.clock.now();
    const registry = host.handlers;
    const matched = registry.size === 0 ? NO_HANDLERS : registry.for(type);
    // Queue slots the jobs need, when known without running key functions.
    let known = -1;
    // A waiting producer is retried after every pool step: when no key
    // function is involved, find out cheaply (no envelope, no selection)
    // whether it can fit yet. Until admission only key functions run user
    // code, so without them `known` still holds there.
    if (policy === 'wait' && matched.length > 0 && (registry.keyed === 0 || !matched.some(isKeyed))) {
      known = pool.queueSlotsNeeded(matched, undefined);
      if (known > pool.room && matched.length <= host.capacity + pool.concurrency) return false;
    }
    let event = envelope(type, payload, this.lastId + 1, time);
    const selection = this.#select(matched, event);

    // Admission: from here until delivery no user code runs.
    if (this.closed) throw new BusClosedError(`publish('${type}')`);
    // A key function that published took this id: the event comes after it.
    if (event.id !== this.lastId + 1) event = envelope(type, payload, this.lastId + 1, time);
    const { handlers, keys, errors } = activeOnly(selection);
    // Handlers a key function unsubscribed: the event matched them, so their
    // missing job is reported as dropped ('unsubscribed'), as for a queued job.
    const gone = handlers.length === selection.handlers.length ? undefined : selection.handlers.filter((h) => !h.active);
    let admit = handlers.length > 0;
    let needed = 0;
    let evicted: ReturnType<HandlerPool['evictOldest']> | undefined;
    if (admit) {
      // Without keys no user code ran since `known` was counted: it still holds.
      needed = known >= 0 && handlers === matched ? known : pool.queueSlotsNeeded(handlers, keys);
      const room = pool.room;
      if (needed > room) {
        switch (policy) {
          case 'wait':
            // Waiting helps only if an idle pool and an empty queue could hold them.
            if (handlers.length > host.capacity + pool.concurrency) {
              throw new QueueFullError({ type, capacity: host.capacity, needed: handlers.length, concurrency: pool.concurrency });
            }
            return false;
          case 'error':
            throw new QueueFullError({ type, capacity: host.capacity, needed });
          case 'drop-newest':
            admit = false;
            break;
          case 'drop-oldest':
            if (needed <= host.capacity) evicted = pool.evictOldest(needed - room);
            else admit = false;
            break;
        }
      }
    }
    this.lastId = event.id;
    this.published++;
    if (host.history.capacity > 0) host.history.pushEvicting(event);
    if (admit) {
      // A job that will be called later than inside this very call (it
      // waits in the queue, or a caller up the stack is already calling
      // jobs) keeps this publish's async context.
      const capture = host.captureContext;
      const scope = capture !== undefined && (needed > 0 || pool.deferring) ? capture() : undefined;
      pool.admit(event, handlers, keys, scope);
    }
    // Told before any job of the event can start or end (bus.deliver tracks them from here).
    admitted?.(event, admit ? handlers.length : 0);

    // Delivery: user code again, with the pool held (see the header).
    pool.hold();
    try {
      if (host.streams.size > 0) host.streams.next(event);
      host.waiters.dispatch(event);
      if (evicted !== undefined) for (const job of evicted) host.dropped(job.event, job.handler, 'drop-oldest');
      if (!admit) for (const handler of handlers) host.dropped(event, handler, 'drop-newest');
      if (gone !== undefined) for (const handler of gone) host.dropped(event, handler, 'unsubscribed');
      if (errors !== undefined) for (const error of errors) host.fail(error);
    } finally {
      pool.release();
    }
    host.changed();
    return true;
  }

  /** At most how many queue slots an event's jobs would need now (for messages; runs no key function). */
  slotsNeeded(type: string): number {
    const { handlers, pool } = this.#host;
    return handlers.size === 0 ? 0 : pool.queueSlotsNeeded(handlers.for(type), undefined);
  }

  /**
   * Whether an event of `type` can ever fit, by the plain count of its
   * handlers: one job each, at most an idle pool plus an empty queue. (A
   * handler whose key function throws gets no job: that is found out by
   * publishing, which throws when the jobs it selected can never fit.)
   */
  mayEverFit(type: string): boolean {
    const { handlers, pool, capacity } = this.#host;
    const most = capacity + pool.concurrency;
    return handlers.size <= most || handlers.keyed > 0 || handlers.for(type).length <= most;
  }

  /** The handlers of the type and, when any is keyed, their keys; a key function that throws drops its handler. */
  #select(handlers: readonly HandlerEntry[], event: BusEvent): Selection {
    if (handlers.length === 0) return NOBODY;
    if (this.#host.handlers.keyed === 0) return { handlers, keys: undefined, errors: undefined };
    const kept: HandlerEntry[] = [];
    const keys: Array<string | number | undefined> = [];
    let errors: HandlerError[] | undefined;
    for (const handler of handlers) {
      let key: string | number | undefined;
      if (handler.key !== undefined) {
        try {
          key = checkKey(handler.key(event.payload, event));
        } catch (cause) {
          (errors ??= []).push(new HandlerError({ event, handler: handler.name, cause }));
          continue;
        }
      }
      kept.push(handler);
      keys.push(key);
    }
    return { handlers: kept, keys, errors };
  }
}

/** An event envelope: read-only, so no consumer can change what the next one (or the history) sees. */
function envelope(type: string, payload: unknown, id: number, time: number): BusEvent {
  return Object.freeze({ type, payload, id, time });
}

function isKeyed(handler: HandlerEntry): boolean {
  return handler.key !== undefined;
}

/** Drops the handlers unsubscribed meanwhile (by a key function); the common case allocates nothing. */
function activeOnly(selection: Selection): Selection {
  const { handlers, keys } = selection;
  let i = 0;
  while (i < handlers.length && handlers[i]!.active) i++;
  if (i === handlers.length) return selection;
  const kept: HandlerEntry[] = [];
  const keptKeys: Array<string | number | undefined> | undefined = keys === undefined ? undefined : [];
  for (let j = 0; j < handlers.length; j++) {
    if (!handlers[j]!.active) continue;
    kept.push(handlers[j]!);
    keptKeys?.push(keys![j]);
  }
  return { handlers: kept, keys: keptKeys, errors: selection.errors };
}

function checkKey(key: unknown): string | number {
  if (typeof key === 'string' || (typeof key === 'number' && !Number.isNaN(key))) return key;
  throw new TypeError(`A handler's key function must return a string or a number, got ${describeArgument(key)}.`);
}
