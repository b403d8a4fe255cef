/**
 * Every error rxbus hands to a user is one of these classes. Each message says
 * what happened, to which event type or pattern, and what to do next; the
 * same facts are also fields, for programs.
 *
 * Messages are built with the `safeText` tag: the types, names and causes
 * they quote come from users, and building the error that reports a bad
 * value must never throw (a Symbol or a revoked Proxy where a string was
 * expected is rendered, not interpolated).
 */
import { describeCause, safeText } from './render-value.js';

/** What a diagnostic message shows of an event that arrived but did not match. */
export interface NearMiss {
  /** The event type that arrived. */
  readonly type: string;
  /** A short, truncated rendering of its payload. */
  readonly summary: string;
  /** Scheduler time at which it was published. */
  readonly time: number;
}

/**
 * Base class of every rxbus error, so `err instanceof RxBusError` catches them all.
 *
 * @example
 * ```ts
 * try { bus.publish('order.created', order); }
 * catch (err) { if (err instanceof RxBusError) log.warn(err.message); else throw err; }
 * ```
 */
export class RxBusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // A user's subclass is named after itself; rxbus's own classes spell
    // their names out as fields, because a minifier may rename classes and
    // `name` is public API.
    this.name = new.target === RxBusError ? 'RxBusError' : new.target.name;
  }
}

/**
 * A waiter (`bus.waitFor`, the `waitFor` operator) saw no matching event in time.
 *
 * `name` is `'TimeoutError'`, like the DOM's and Node's timeout errors, so code
 * that checks `err.name === 'TimeoutError'` keeps working. The message names
 * the pattern and matcher, how long it waited and the recent events of that
 * pattern that arrived but did not match (`nearMisses`).
 *
 * @example
 * ```ts
 * try {
 *   await bus.waitFor('page.response', { status: 200 }, { timeout: 5000 });
 * } catch (err) {
 *   if (err instanceof WaitTimeoutError) console.log(err.nearMisses.map((m) => m.summary));
 * }
 * ```
 */
export class WaitTimeoutError extends RxBusError {
  override name = 'TimeoutError';
  /** The pattern waited on, when the waiter had one. */
  readonly pattern: string | undefined;
  /** A readable rendering of the matcher. */
  readonly matcher: string;
  /** How long the waiter waited, in ms. */
  readonly timeout: number;
  /** Recent events of the pattern that arrived while waiting and did not match, oldest first. */
  readonly nearMisses: readonly NearMiss[];

  constructor(details: { pattern?: string | undefined; matcher: string; timeout: number; nearMisses?: readonly NearMiss[] }) {
    const { pattern, matcher, timeout } = details;
    const nearMisses = details.nearMisses ?? [];
    const what = pattern === undefined ? safeText`a value matching ${matcher}` : safeText`'${pattern}' matching ${matcher}`;
    let message = safeText`Timed out after ${timeout} ms waiting for ${what}.`;
    if (pattern !== undefined) {
      message +=
        nearMisses.length === 0
          ? safeText` No '${pattern}' event arrived while waiting.`
          : safeText` ${nearMisses.length} recent '${pattern}' event(s) did not match:\n` +
            nearMisses.map((m) => safeText`  - ${m.type} ${m.summary}`).join('\n');
    }
    message += `\nCheck the matcher against what was published, or raise the timeout if the event is just slow.`;
    super(message);
    this.pattern = pattern;
    this.matcher = matcher;
    this.timeout = timeout;
    this.nearMisses = nearMisses;
  }
}

/**
 * The bus (or coordinator) is closed: it no longer accepts events, and pending
 * waiters, requests and emitters are rejected with this error.
 *
 * @example
 * ```ts
 * await bus.close();
 * bus.publish('order.created', order); // throws BusClosedError
 * ```
 */
export class BusClosedError extends RxBusError {
  override name = 'BusClosedError';
  /** What was attempted, e.g. `publish('order.created')`. */
  readonly operation: string;
  /**
   * @param operation what was attempted, e.g. `publish('order.created')`.
   * @param advice what to do, when the caller knows better than the generic
   *   advice (e.g. emitters that were still waiting when the bus closed).
   */
  constructor(operation: string, advice?: string) {
    super(
      safeText`Cannot ${operation}: the bus is closed. ` +
        (advice ?? 'Create a new bus, or make sure close() runs only after the last producer is done.'),
    );
    this.operation = operation;
  }
}

/**
 * The handler queue had no room for an event's handler jobs: thrown by
 * `publish` under the `'error'` overflow policy, and by `emit` when its
 * `timeout` passes before room frees up.
 *
 * @example
 * ```ts
 * try { bus.publish('tick', n); }
 * catch (err) { if (err instanceof QueueFullError) await bus.emit('tick', n); }
 * ```
 */
export class QueueFullError extends RxBusError {
  override name = 'QueueFullError';
  /** The event type whose jobs did not fit. */
  readonly type: string;
  /** The queue capacity (waiting jobs). */
  readonly capacity: number;
  /** For `emit`: how long it waited for room, in ms. */
  readonly waited: number | undefined;
  constructor(details: { type: string; capacity: number; needed: number; waited?: number; concurrency?: number }) {
    const { type, capacity, needed, waited, concurrency } = details;
    super(
      concurrency !== undefined
        ? safeText`'${type}' needs ${needed} handler jobs per event, more than the queue (capacity ${capacity}) and the pool ` +
            safeText`(concurrency ${concurrency}) can ever hold, so emit() would wait forever. Raise 'capacity' or 'concurrency'.`
        : waited === undefined
          ? safeText`Handler queue is full (${capacity} jobs waiting): '${type}' needs ${needed} more. ` +
            `Use 'await bus.emit()' to wait for room, raise 'capacity', or pick a drop overflow policy.`
          : safeText`Handler queue stayed full for ${waited} ms: '${type}' needed room for ${needed} job(s) (capacity ${capacity}). ` +
            `Handlers are slower than producers: raise 'concurrency', speed the handlers up, or allow a longer timeout.`,
    );
    this.type = type;
    this.capacity = capacity;
    this.waited = waited;
  }
}

/**
 * A handler threw or its promise rejected. Reported on `bus.errors$` (or to
 * the `onError` option); the bus and the other handlers go on.
 *
 * @example
 * ```ts
 * bus.errors$.subscribe((err) => log.error(err.message, err.cause));
 * ```
 */
export class HandlerError extends RxBusError {
  override name = 'HandlerError';
  /** The event the handler was running for. */
  readonly event: { readonly type: string; readonly id: number };
  /** The handler's name (the function's `name`), when it has one. */
  readonly handler: string | undefined;
  constructor(details: { event: { readonly type: string; readonly id: number }; handler?: string | undefined; cause: unknown }) {
    const { event, handler, cause } = details;
    const who = handler ? safeText`Handler '${handler}'` : 'A handler';
    // Any value can be thrown, including ones String() and instanceof throw on
    // (null-prototype objects, revoked Proxies): describeCause never throws.
    const why = describeCause(cause);
    super(safeText`${who} failed on '${event.type}' (event #${event.id}): ${why}`, { cause });
    this.event = event;
    this.handler = handler;
  }
}

/**
 * A handler job ran longer than its handler's `timeout` (`bus.on(pattern,
 * handler, { timeout })`). It is the `cause` of the {@link HandlerError} the
 * job fails with, and the `reason` its `signal` is aborted with. `name` is
 * `'TimeoutError'`, like the DOM's and p-queue's.
 *
 * The job keeps its pool slot until the handler returns: a handler that
 * ignores its signal stays visible as `stats().overdue`.
 *
 * @example
 * ```ts
 * bus.errors$.subscribe((err) => {
 *   if (err.cause instanceof JobTimeoutError) log.warn(`${err.cause.handler} took over ${err.cause.timeout} ms`);
 * });
 * ```
 */
export class JobTimeoutError extends RxBusError {
  override name = 'TimeoutError';
  /** The handler's name, when it has one. */
  readonly handler: string | undefined;
  /** The event the job was running for. */
  readonly event: { readonly type: string; readonly id: number };
  /** The handler's timeout, in ms. */
  readonly timeout: number;
  constructor(details: { handler: string | undefined; event: { readonly type: string; readonly id: number }; timeout: number }) {
    const { handler, event, timeout } = details;
    const who = handler ? safeText`Handler '${handler}'` : 'A handler';
    super(
      safeText`${who} ran longer than its ${timeout} ms timeout on '${event.type}' (event #${event.id}): its signal was aborted ` +
        `and the job counts as failed. It keeps its slot until it returns: make it honour context.signal, or raise 'timeout'.`,
    );
    this.handler = handler;
    this.event = event;
    this.timeout = timeout;
  }
}

/** What a bus still had pending when `settled({ timeout })` gave up. */
export interface UnsettledWork {
  /** Queued, running and overdue (past their `timeout`) jobs per handler name (`'(anonymous)'` for unnamed ones). */
  readonly handlers: ReadonlyArray<{
    readonly handler: string;
    readonly queued: number;
    readonly running: number;
    readonly overdue: number;
  }>;
  /** Producers waiting in `emit`/`deliver` for queue room. */
  readonly emitters: number;
  /** Tracked work (`bus.track()`) not yet released. */
  readonly tracked: number;
  /** True when the pool was paused (`bus.pause()`): queued jobs cannot start. */
  readonly paused: boolean;
}

/**
 * `bus.settled({ timeout })` did not see the bus idle in time. The message
 * and `pending` list what was still queued or running (per handler), how
 * many producers were waiting in `emit`, how much tracked work was left, and
 * whether the pool was paused. `name` is `'TimeoutError'`.
 *
 * @example
 * ```ts
 * await bus.settled({ timeout: 5000 }).catch((err) => {
 *   if (err instanceof SettleTimeoutError) console.log(err.pending.handlers);
 *   throw err;
 * });
 * ```
 */
export class SettleTimeoutError extends RxBusError {
  override name = 'TimeoutError';
  /** How long settled() waited, in ms. */
  readonly timeout: number;
  /** What was still pending when it gave up. */
  readonly pending: UnsettledWork;
  constructor(details: { timeout: number; pending: UnsettledWork }) {
    const { timeout, pending } = details;
    const lines: string[] = [];
    for (const h of pending.handlers) {
      const overdue = h.overdue > 0 ? safeText`, ${h.overdue} past its timeout` : '';
      lines.push(safeText`  - handler '${h.handler}': ${h.queued} queued, ${h.running} running${overdue}`);
    }
    if (pending.emitters > 0) lines.push(`  - ${pending.emitters} producer(s) waiting in emit() for queue room`);
    if (pending.tracked > 0) lines.push(`  - ${pending.tracked} tracked work item(s) not released (bus.track())`);
    if (pending.paused) lines.push(`  - the pool is paused: queued jobs start only after bus.resume()`);
    super(
      safeText`settled() waited ${timeout} ms and the bus is still busy:\n` +
        lines.join('\n') +
        `\nFind the handler that does not end (give it a 'timeout' and honour its signal), release tracked work, or allow a longer timeout.`,
    );
    this.timeout = timeout;
    this.pending = pending;
  }
}

/**
 * `bus.request` got no reply within its timeout. `name` is `'TimeoutError'`.
 *
 * @example
 * ```ts
 * await bus.request('user.get', { id }, { timeout: 1000 }).catch((err) => {
 *   if (err instanceof RequestTimeoutError) return undefined;
 *   throw err;
 * });
 * ```
 */
export class RequestTimeoutError extends RxBusError {
  override name = 'TimeoutError';
  /** The request type. */
  readonly type: string;
  /** How long it waited, in ms. */
  readonly timeout: number;
  constructor(details: { type: string; timeout: number }) {
    super(
      safeText`No reply to request '${details.type}' within ${details.timeout} ms. ` +
        safeText`The responder is slow or stuck: raise the timeout, or check the handler registered with bus.handle('${details.type}').`,
    );
    this.type = details.type;
    this.timeout = details.timeout;
  }
}

/**
 * `bus.request` was sent for a type that has no responder.
 *
 * @example
 * ```ts
 * bus.handle('user.get', ({ id }) => users.get(id)); // register before requesting
 * ```
 */
export class NoResponderError extends RxBusError {
  override name = 'NoResponderError';
  /** The request type. */
  readonly type: string;
  constructor(type: string) {
    super(safeText`No responder for request '${type}'. Register one with bus.handle('${type}', ...) before sending requests.`);
    this.type = type;
  }
}

/**
 * A coordinator command was called after `close()`, or was still waiting in
 * the queue when `close({ drain: false })` ran. A `BusClosedError`, so one
 * `instanceof BusClosedError` check covers buses and coordinators.
 *
 * @example
 * ```ts
 * await counter.close();
 * await counter.add(1).catch((err) => {
 *   if (err instanceof CoordinatorClosedError) console.log(err.command); // 'add'
 * });
 * ```
 */
export class CoordinatorClosedError extends BusClosedError {
  override name = 'CoordinatorClosedError';
  /** The command that was called. */
  readonly command: string;
  /** True when the call was waiting in the queue and never ran; false when it was made after `close()`. */
  readonly queued: boolean;
  constructor(details: { command: string; queued?: boolean }) {
    const { command, queued = false } = details;
    super(safeText`run command '${command}'`);
    // BusClosedError's message speaks of a bus; say what happened to this call instead.
    this.message = queued
      ? safeText`Command '${command}' never ran: it was still queued when close({ drain: false }) was called. ` +
        `Use close() (drain: true) to let queued commands finish, or stop calling commands before closing.`
      : safeText`Cannot run command '${command}': the coordinator is closed. ` +
        `Create a new coordinator, or make sure close() runs only after the last caller is done.`;
    this.command = command;
    this.queued = queued;
  }
}

/**
 * A coordinator's queue of waiting commands was full and its overflow policy
 * is `'error'`: the new call is rejected and never runs. A `QueueFullError`
 * whose `type` is the command name.
 *
 * @example
 * ```ts
 * const inventory = createCoordinator(stock, { reserve }, { capacity: 100, overflow: 'error' });
 * await inventory.reserve('sku-1', 2).catch((err) => {
 *   if (err instanceof QueueFullError) return retryLater();
 *   throw err;
 * });
 * ```
 */
export class CommandQueueFullError extends QueueFullError {
  override name = 'CommandQueueFullError';
  /** The command whose call was rejected. */
  readonly command: string;
  constructor(details: { command: string; capacity: number }) {
    const { command, capacity } = details;
    super({ type: command, capacity, needed: 1 });
    // QueueFullError's message gives bus advice (emit, concurrency); a coordinator has neither.
    this.message =
      safeText`Command '${command}' was rejected: ${capacity} call(s) are already waiting for the coordinator (capacity ${capacity}). ` +
      `Commands are slower than callers: make them faster, raise 'capacity', or pick a drop overflow policy.`;
    this.command = command;
  }
}

/**
 * A waiting coordinator command was dropped by the `'drop-newest'` (the new
 * call) or `'drop-oldest'` (the oldest waiting call) overflow policy; it never
 * ran and the state is untouched by it.
 *
 * @example
 * ```ts
 * const latest = createCoordinator(view, { render }, { capacity: 1, overflow: 'drop-oldest' });
 * latest.render(frame).catch((err) => {
 *   if (!(err instanceof CommandDroppedError)) throw err; // superseded by a newer frame: fine
 * });
 * ```
 */
export class CommandDroppedError extends RxBusError {
  override name = 'CommandDroppedError';
  /** The command whose call was dropped. */
  readonly command: string;
  /** The queue capacity (waiting calls). */
  readonly capacity: number;
  /** The policy that dropped it. */
  readonly overflow: 'drop-newest' | 'drop-oldest';
  constructor(details: { command: string; capacity: number; overflow: 'drop-newest' | 'drop-oldest' }) {
    const { command, capacity, overflow } = details;
    const which = overflow === 'drop-newest' ? 'it arrived' : 'a newer call arrived';
    super(
      safeText`Command '${command}' was dropped without running: ${which} while ${capacity} call(s) were waiting (capacity ${capacity}, overflow '${overflow}'). ` +
        `Raise 'capacity', or use overflow 'error' if every call must either run or fail loudly.`,
    );
    this.command = command;
    this.capacity = capacity;
    this.overflow = overflow;
  }
}

/**
 * An operator's bounded buffer had no room for another value: `boundedMerge`
 * under `overflow: 'error'`. It is a {@link QueueFullError} (so one `catch`
 * handles every "full" failure), with `type` set to the operator's name.
 *
 * @example
 * ```ts
 * source$.pipe(boundedMerge(save, { concurrency: 4, capacity: 100 })).subscribe({
 *   error: (err) => { if (err instanceof BufferFullError) log.warn(err.message); },
 * });
 * ```
 */
export class BufferFullError extends QueueFullError {
  override name = 'BufferFullError';
  /** The operator whose buffer was full, e.g. `'boundedMerge'`. */
  readonly operator: string;
  /** How many inner subscriptions were running (the operator's `concurrency`). */
  readonly concurrency: number;
  constructor(details: { operator: string; capacity: number; concurrency: number }) {
    const { operator, capacity, concurrency } = details;
    super({ type: operator, capacity, needed: 1 });
    // QueueFullError's message speaks of bus handlers; say what happened here instead.
    this.message =
      safeText`${operator} buffer is full: ${concurrency} inner subscription(s) running and ${capacity} value(s) waiting. ` +
      `The source is faster than the projected work: raise 'capacity' or 'concurrency', ` +
      `pick overflow 'drop-newest' or 'drop-oldest', or slow the source down.`;
    this.operator = operator;
    this.concurrency = concurrency;
  }
}

/**
 * The buffer of a `bus.iterate()` loop was full under `overflow: 'error'`:
 * the loop takes events more slowly than they are published. The iterator
 * stopped listening; its buffered events are still delivered, then `next()`
 * rejects with this. It is a {@link QueueFullError}, with `type` the event
 * that did not fit.
 *
 * @example
 * ```ts
 * try {
 *   for await (const event of bus.iterate('tick', { capacity: 100 })) await slowWork(event);
 * } catch (err) {
 *   if (err instanceof IteratorFullError) console.warn(err.message); // raise capacity or drop
 * }
 * ```
 */
export class IteratorFullError extends QueueFullError {
  override name = 'IteratorFullError';
  /** The iterated pattern(s); undefined for every event. */
  readonly pattern: string | undefined;
  constructor(details: { pattern: string | undefined; capacity: number; type: string; id: number }) {
    const { pattern, capacity, type, id } = details;
    super({ type, capacity, needed: 1 });
    // QueueFullError's message speaks of bus handlers; say what happened here instead.
    const what = pattern === undefined ? 'bus.iterate()' : safeText`bus.iterate('${pattern}')`;
    this.message =
      safeText`${what} buffer is full: ${capacity} event(s) not yet taken by the loop when '${type}' (event #${id}) arrived, ` +
      `so the iteration ends after them. The loop is slower than the events: raise 'capacity', ` +
      `pick overflow 'drop-newest' or 'drop-oldest', or do less per event.`;
    this.pattern = pattern;
  }
}

/**
 * `bus.handle` was called for a request type that already has a responder:
 * each request type has exactly one.
 *
 * @example
 * ```ts
 * const first = bus.handle('user.get', load);
 * first.unsubscribe(); // then register the replacement
 * bus.handle('user.get', loadFromCache);
 * ```
 */
export class DuplicateResponderError extends RxBusError {
  override name = 'DuplicateResponderError';
  /** The request type. */
  readonly type: string;
  constructor(type: string) {
    super(
      safeText`Request type '${type}' already has a responder: each request type has exactly one. ` +
        `Unsubscribe the existing one (the Subscription bus.handle returned) before registering another.`,
    );
    this.type = type;
  }
}

/**
 * `bus.close({ timeout })` gave up waiting for handler jobs: their signals
 * were aborted, the bus is closed all the same, and this names the handlers
 * that were still running.
 *
 * @example
 * ```ts
 * await bus.close({ timeout: 5000 }).catch((err) => {
 *   if (err instanceof CloseTimeoutError) log.warn(`stuck handlers: ${err.handlers.join(', ')}`);
 * });
 * ```
 */
export class CloseTimeoutError extends RxBusError {
  override name = 'CloseTimeoutError';
  /** How long close() waited, in ms. */
  readonly timeout: number;
  /** The names of the handlers still running when it gave up (`'(anonymous)'` for unnamed ones). */
  readonly handlers: readonly string[];
  constructor(details: { timeout: number; handlers: ReadonlyArray<string | undefined> }) {
    const handlers = details.handlers.map((name) => name ?? '(anonymous)');
    const list = handlers.length === 0 ? 'none' : handlers.map((name) => `'${name}'`).join(', ');
    super(
      `close() waited ${details.timeout} ms for handler jobs to finish; ${handlers.length} still running (${list}) ` +
        `had their signal aborted and the bus is closed. Make long handlers honour their 'signal', or allow a longer timeout.`,
    );
    this.timeout = details.timeout;
    this.handlers = handlers;
  }
}

/**
 * `waitFor(..., { since: cursor })` cannot look at every event published
 * after the cursor: some were already evicted from the bus's bounded history
 * (the `history` option of `createBus`). Rejects at once rather than wait for
 * an event that may have come and gone. The message says how many events
 * were lost and how large `history` would have had to be.
 *
 * @example
 * ```ts
 * const mark = bus.cursor();
 * await burst(); // publishes more events than the history keeps
 * await bus.waitFor('page.response', { url: '/api/save' }, { since: mark }).catch((err) => {
 *   if (err instanceof HistoryGapError) console.log(err.lost, err.history); // raise createBus({ history })
 * });
 * ```
 */
export class HistoryGapError extends RxBusError {
  override name = 'HistoryGapError';
  /** The pattern waited on. */
  readonly pattern: string;
  /** The cursor the wait started from (`since`). */
  readonly cursor: number;
  /** How many events after the cursor were evicted before the waiter could see them. */
  readonly lost: number;
  /** Id of the oldest event the history still holds, `undefined` when it holds none. */
  readonly oldest: number | undefined;
  /** The history's capacity: the bus's `history` option. */
  readonly history: number;
  constructor(details: {
    pattern: string;
    cursor: number;
    /** Id of the first lost event: after the cursor, unless the waiter saw some before the rest were evicted. */
    first?: number;
    lost: number;
    oldest: number | undefined;
    history: number;
    /** The history that would have held every event since the cursor. */
    needed: number;
  }) {
    const { pattern, cursor, first = cursor + 1, lost, oldest, history, needed } = details;
    const kept = history === 0 ? 'keeps no events (history: 0)' : `keeps the last ${history} events`;
    super(
      `waitFor('${pattern}') cannot see every event since its cursor: ${lost} event(s) published after cursor #${cursor} ` +
        `(#${first} to #${first + lost - 1}) were evicted from the bus history, which ${kept}. ` +
        `Create the bus with a 'history' of at least ${needed} (the events published since that cursor), or take the cursor closer to the wait.`,
    );
    this.pattern = pattern;
    this.cursor = cursor;
    this.lost = lost;
    this.oldest = oldest;
    this.history = history;
  }
}

/**
 * Why a bridge reported a {@link BridgeError}:
 * - `'invalid-message'`: an incoming message is not a valid rxbus envelope
 *   (not JSON, too large, wrong version, a reserved `$` type, a `__proto__`
 *   key, a type that does not belong to its subject);
 * - `'schema'`: the payload failed the Standard Schema given for its type;
 * - `'handler-failed'`: a handler kept failing and the message was given up
 *   after its last attempt (at-least-once modes);
 * - `'undeliverable'`: the local bus refused the event (closed, or its jobs
 *   can never fit the queue);
 * - `'send-failed'`: an outgoing event could not be encoded or sent;
 * - `'dropped'`: a bounded buffer of the bridge was full and an event was dropped;
 * - `'connection'`: the connection closed, or the consumer failed.
 */
export type BridgeErrorReason =
  'invalid-message' | 'schema' | 'handler-failed' | 'undeliverable' | 'send-failed' | 'dropped' | 'connection';

const BRIDGE_ADVICE: Record<BridgeErrorReason, string> = {
  'invalid-message': 'The message was dropped; find its publisher and make it send rxbus envelopes (docs/distributed.md, "Wire format").',
  schema: 'The message was dropped; fix the publisher, or the schema given for this type in the bridge options.',
  'handler-failed': 'The message was given up; fix the handler, then replay the event if it still matters.',
  undeliverable: "The message was not delivered; make sure the bus is open and its 'capacity'/'concurrency' can hold the event's jobs.",
  'send-failed': 'The event did not leave this process; make the payload JSON-serialisable, or check the connection and permissions.',
  dropped: 'Raise the bridge\'s buffer limits, or slow the producers down (docs/distributed.md, "Backpressure").',
  connection: 'Check the broker; configure the client to reconnect forever (maxReconnectAttempts: -1) so the bridge never gives up.',
};

/**
 * A message broker bridge (`rxbus/nats`, `rxbus/redis`) could not take a
 * message in, or send an event out: reported on `bridge.errors$` and on
 * `bus.errors$` (it is a `HandlerError`, so existing error handling sees it),
 * counted in `bridge.stats()`, and the bridge goes on.
 *
 * @example
 * ```ts
 * bridge.errors$.subscribe((err) => {
 *   if (err.reason === 'schema') metrics.increment('invalid', { subject: err.subject });
 * });
 * ```
 */
export class BridgeError extends HandlerError {
  override name = 'BridgeError';
  /** Why, as a code for programs. */
  readonly reason: BridgeErrorReason;
  /** The broker's name, e.g. `'nats'`. */
  readonly transport: string;
  /** The subject, channel or stream the message came from or went to. */
  readonly subject: string | undefined;
  /** Delivery attempts made, when the broker counts them. */
  readonly attempts: number | undefined;
  constructor(details: {
    reason: BridgeErrorReason;
    transport: string;
    detail: string;
    subject?: string | undefined;
    event?: { readonly type: string; readonly id: number } | undefined;
    attempts?: number | undefined;
    cause?: unknown;
  }) {
    const { reason, transport, detail, subject, attempts } = details;
    const event = details.event ?? { type: subject ?? '(unknown)', id: 0 };
    super({ event, handler: `rxbus/${transport} bridge`, cause: details.cause });
    const where = subject === undefined ? '' : safeText` on '${subject}'`;
    const tries = attempts === undefined ? '' : safeText` after ${attempts} attempt(s)`;
    this.message = safeText`rxbus/${transport} bridge (${reason})${where}${tries}: ${detail}. ${BRIDGE_ADVICE[reason]}`;
    this.reason = reason;
    this.transport = transport;
    this.subject = subject;
    this.attempts = attempts;
  }
}

/**
 * A request answered by another process failed there: the remote responder
 * threw or rejected. Carries the remote error's `name` and `message` (not its
 * stack, which stays in the process that threw it).
 *
 * @example
 * ```ts
 * await bus.request('user.get', { id }).catch((err) => {
 *   if (err instanceof RemoteError && err.remoteName === 'NotFoundError') return undefined;
 *   throw err;
 * });
 * ```
 */
export class RemoteError extends RxBusError {
  override name = 'RemoteError';
  /** The request type. */
  readonly type: string;
  /** The `name` of the error thrown by the remote responder. */
  readonly remoteName: string;
  /** The `message` of the error thrown by the remote responder. */
  readonly remoteMessage: string;
  constructor(details: { type: string; remoteName: string; remoteMessage: string }) {
    const { type, remoteName, remoteMessage } = details;
    super(
      safeText`Request '${type}' failed in the process that answered it: ${remoteName}: ${remoteMessage}. ` +
        safeText`The error comes from its responder (bus.handle('${type}')); look there, or catch RemoteError and check 'remoteName'.`,
    );
    this.type = type;
    this.remoteName = remoteName;
    this.remoteMessage = remoteMessage;
  }
}
