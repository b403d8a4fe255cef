/**
 * `bus.waitFor` / `bus.waitFor$`: wait for the first event of a pattern that
 * matches, with a timeout and an AbortSignal, leaving nothing behind.
 *
 * A waiter is the `waitFor` operator's pipeline — `filter(matcher) → take(1)
 * → timeout({ first })` with `takeUntil(abort$)`, fused in {@link FirstMatchWait}
 * — fed by the bus's {@link WaiterIndex} instead of the shared Subject, so it
 * is offered only candidate events. Settling, timing out, aborting and
 * unsubscribing all remove it from the index, the deadline queue and the
 * abort listener.
 */
import { Observable, type SchedulerLike } from 'rxjs';
import { describeValue } from './render-value.js';
import { BusClosedError, HistoryGapError, WaitTimeoutError, type NearMiss } from './errors.js';
import type { BusEvent } from './event-map.js';
import { compileMatcher, type CompiledMatcher, type Matcher, type PinnedField } from './matcher.js';
import type { CompiledPattern } from './pattern.js';
import { compilePatterns, firstPartMatching, partsOf } from './pattern-list.js';
import { FirstMatchWait, type WaitSink, type WaitTiming } from './first-match-wait.js';
import { RingBuffer } from './ring-buffer.js';
import { assertSignal, assertTimeout } from './validate.js';
import type { IndexedWaiter, WaiterIndex } from './waiter-index.js';

/**
 * A position in the bus's event sequence, from `bus.cursor()`: "everything
 * published after this point". Opaque; compare only through the bus. Only
 * the bus that handed it out accepts it.
 */
export type Cursor = number & { readonly __rxbusCursor: true };

/**
 * The cursors one bus handed out, so that `since` can refuse a number it
 * never did (another bus's cursor, or a made-up one) with a `RangeError`.
 *
 * A cursor stays a plain number (the id of the newest event), which keeps
 * `bus.cursor()` allocation-free and cursors comparable and printable.
 * The price: it carries no identity, so the bus remembers the values it
 * returned. Only the newest `history + 1` distinct values can matter — an
 * older one is before the oldest event the history keeps, a gap either way
 * — so they live in a ring of that size, ascending, searched by bisection.
 * Two buses that both handed out the same number cannot tell their cursors
 * apart; any other foreign cursor the history still reaches is refused (an
 * older one cannot be placed, and is reported as a gap).
 *
 * @example
 * ```ts
 * const cursors = new CursorBook(64);
 * const mark = cursors.issue(7); // 7, remembered
 * cursors.issued(7); // true
 * cursors.issued(6); // false: this bus never returned 6
 * ```
 */
export class CursorBook {
  readonly #issued: RingBuffer<number>;

  /** `history`: the bus's history capacity (how far back a cursor can reach). */
  constructor(history: number) {
    this.#issued = new RingBuffer(history + 1);
  }

  /** Hands out a cursor at event id `id` (the newest); repeated calls at one id cost a comparison. */
  issue(id: number): Cursor {
    const issued = this.#issued;
    if (issued.size === 0 || issued.at(issued.size - 1) !== id) issued.pushEvicting(id);
    return id as Cursor;
  }

  /**
   * True when `id` was handed out and is still remembered. False also for a
   * cursor of this bus so old that it fell out of the ring: it is older than
   * the history, which the caller reports as a gap.
   */
  issued(id: number): boolean {
    const issued = this.#issued;
    let low = 0;
    let high = issued.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = issued.at(middle)!;
      if (value === id) return true;
      if (value < id) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

/** Options of `bus.waitFor` / `bus.waitFor$`. */
export interface WaitForOptions {
  /**
   * Reject with `WaitTimeoutError` after this many ms on the bus scheduler.
   * Default: the bus's `defaultTimeout` (30 000). `0` waits without a timeout.
   */
  readonly timeout?: number;
  /** Reject with `signal.reason` when it aborts (at once if it already has). */
  readonly signal?: AbortSignal;
  /**
   * Check events already in the history buffer first: those published after
   * this cursor (from `bus.cursor()`), or all of it with `'history'`. This is
   * how "mark → act → wait" cannot miss a fast event.
   */
  readonly since?: Cursor | 'history';
}

/** How many non-matching events a timeout message lists. */
const NEAR_MISS_LIMIT = 5;

/** What a waiter needs of its bus. */
export interface WaiterHost {
  readonly waiters: WaiterIndex;
  /**
   * The newest published events, oldest first. `since` relies on this:
   * every published event enters it as its id becomes `lastId`, and ids
   * follow each other by 1, so the event with id `n` is at `n - oldest.id`.
   */
  readonly history: RingBuffer<BusEvent>;
  /** The cursors `bus.cursor()` handed out (`cursor()` is `cursors.issue(lastId)`). */
  readonly cursors: CursorBook;
  readonly scheduler: SchedulerLike;
  readonly defaultTimeout: number;
  /** Id of the newest published event (0 before the first). */
  readonly lastId: number;
  readonly closed: boolean;
}

/**
 * What one `waitFor` call fixed, shared by every subscription of a
 * `waitFor$`; it is also the waiter's timing (one object, not two).
 */
interface WaitPlan extends WaitTiming {
  readonly host: WaiterHost;
  readonly pattern: CompiledPattern;
  readonly matcher: CompiledMatcher<unknown, BusEvent>;
  /** A checked cursor, `'history'` (from the oldest event kept at registration) or none. */
  readonly since: number | 'history' | undefined;
}

/**
 * A pending bus waiter: its own index entry, deadline entry and abort target.
 * Its plan is its timing (kept once, by FirstMatchWait), and what the index
 * reads of it are getters: thousands of these may be pending, and every
 * field is 8 bytes on each of them.
 */
class BusWaiter extends FirstMatchWait<BusEvent> implements IndexedWaiter {
  /** The newest event id it has been offered through the history, or that predates it; set as it enters the index. */
  after = 0;
  /** Its place in registration order, set by the index. */
  order = 0;

  private get plan(): WaitPlan {
    return this.timing as WaitPlan;
  }

  get pattern(): CompiledPattern {
    return this.plan.pattern;
  }

  get pinned(): PinnedField | undefined {
    return this.plan.matcher.pinned;
  }

  /**
   * Registers the waiter: history first (with `since`), then live events.
   * The events after the cursor are taken from the history at once (a gap
   * rejects with HistoryGapError), the waiter joins the index, and the
   * history events are offered, then what was published meanwhile: each
   * event after the cursor is offered exactly once, in order.
   */
  register(): void {
    if (!this.start()) return;
    const { host, since, pattern } = this.plan;
    if (since === undefined) {
      this.after = host.lastId;
      this.#enter();
      return;
    }
    const history = host.history;
    const from = since === 'history' ? (history.peek()?.id ?? host.lastId + 1) - 1 : since;
    // The events after the cursor, taken from the history now, before any
    // matcher runs: what a matcher publishes during the replay cannot evict
    // one of them, and is seen live instead (below).
    const last = host.lastId;
    const missed: BusEvent[] = [];
    for (let id = from + 1; id <= last; id++) {
      const oldest = history.peek();
      if (oldest === undefined || oldest.id > id) {
        this.fail(this.#gap(from, id, oldest));
        return;
      }
      const event = history.at(id - oldest.id)!;
      if (pattern.test(event.type)) missed.push(event);
    }
    // Live from here on: events a matcher publishes while the history is
    // replayed wait in a buffer and are offered after it, in order. History
    // events were published before anything a matcher does meanwhile: an
    // abort or close from a matcher applies only if none of them matches.
    this.after = last;
    const buffer: BusEvent[] = [];
    this.#buffer = buffer;
    this.#enter();
    this.hold();
    try {
      for (const event of missed) {
        super.offer(event);
        if (this.closed) return;
      }
      // The buffer may grow while it is drained (a matcher publishes again).
      for (let i = 0; i < buffer.length; i++) {
        super.offer(buffer[i]!);
        if (this.closed) return;
      }
    } finally {
      this.#buffer = undefined;
      this.release();
    }
  }

  /** Live events that arrive while the history is replayed (see register). */
  #buffer: BusEvent[] | undefined;

  override offer(event: BusEvent): void {
    if (this.#buffer !== undefined) this.#buffer.push(event);
    else super.offer(event);
  }

  #gap(from: number, id: number, oldest: BusEvent | undefined): HistoryGapError {
    const { host, pattern } = this.plan;
    const evictedUpTo = oldest === undefined ? host.lastId : oldest.id - 1;
    return new HistoryGapError({
      pattern: pattern.source,
      cursor: from,
      first: id,
      lost: evictedUpTo - id + 1,
      oldest: oldest?.id,
      history: host.history.capacity,
      needed: host.lastId - from,
    });
  }

  /**
   * The last events this indexed waiter was offered that did not match. The
   * index offers it only events with its pinned value (`url: '/api/7'`), so
   * these are the nearest misses there are (`/api/7` with status 503) — and
   * they outlive the shared history under heavy traffic. Kept for indexed
   * waiters only, where a miss is rare; a predicate waiter sees every event
   * of its pattern and relies on the history instead.
   */
  #misses: BusEvent[] | undefined;

  protected matches(event: BusEvent): boolean {
    const hit = this.plan.matcher.test(event.payload, event);
    if (!hit && this.pinned !== undefined) {
      const misses = (this.#misses ??= []);
      if (misses.length === NEAR_MISS_LIMIT) misses.shift(); // at most 5: shift is O(5)
      misses.push(event);
    }
    return hit;
  }

  /** The waiter's entries in the index for several patterns (one per pattern); undefined for one pattern. */
  #facets: WaiterFacet[] | undefined;

  #enter(): void {
    const waiters = this.plan.host.waiters;
    const parts = partsOf(this.plan.pattern);
    if (parts.length === 1) {
      waiters.add(this);
      return;
    }
    this.#facets = parts.map((part, i) => new WaiterFacet(this, part, parts, i));
    for (const facet of this.#facets) waiters.add(facet);
    waiters.facets += parts.length - 1;
  }

  protected detach(): void {
    const waiters = this.plan.host.waiters;
    const facets = this.#facets;
    if (facets === undefined) {
      waiters.delete(this);
      return;
    }
    this.#facets = undefined;
    for (const facet of facets) waiters.delete(facet);
    waiters.facets -= facets.length - 1;
  }

  protected timeoutError(): Error {
    const { host, pattern, matcher, since, timeout } = this.plan;
    const details = {
      pattern: pattern.source,
      matcher: matcher.description,
      timeout,
      nearMisses: nearMisses(host, pattern, typeof since === 'number' ? since : since === 'history' ? 0 : this.after, this.#misses),
    };
    return withoutStack(() => new WaitTimeoutError(details));
  }
}

/**
 * One pattern of a waiter on several: the index files it under that
 * pattern, and it passes on only the events no earlier pattern of the
 * waiter matches, so the waiter is offered each event once.
 */
class WaiterFacet implements IndexedWaiter {
  order = 0;

  constructor(
    readonly owner: BusWaiter,
    readonly pattern: CompiledPattern,
    readonly parts: readonly CompiledPattern[],
    readonly index: number,
  ) {}

  get pinned(): PinnedField | undefined {
    return this.owner.pinned;
  }

  get after(): number {
    return this.owner.after;
  }

  offer(event: BusEvent): void {
    if (firstPartMatching(this.parts, event.type) === this.index) this.owner.offer(event);
  }

  fail(error: Error): void {
    this.owner.fail(error);
  }
}

function plan(
  host: WaiterHost,
  pattern: string | readonly string[],
  matcher: Matcher<unknown, BusEvent> | undefined,
  options: WaitForOptions = {},
): WaitPlan {
  const compiled = compilePatterns(pattern);
  const { timeout = host.defaultTimeout, signal, since } = options;
  assertTimeout(timeout, 'timeout');
  if (signal !== undefined) assertSignal(signal);
  return {
    host,
    pattern: compiled,
    matcher: compileMatcher(matcher),
    timeout,
    signal,
    scheduler: host.scheduler,
    since: since === undefined || since === 'history' ? since : checkCursor(host, since),
  };
}

function start(plan: WaitPlan, sink: WaitSink<BusEvent>): BusWaiter | undefined {
  if (plan.host.closed) {
    sink.error(new BusClosedError(`waitFor('${plan.pattern.source}')`));
    return undefined;
  }
  const waiter = new BusWaiter(sink, plan);
  waiter.register();
  return waiter;
}

/**
 * Builds the cold observable behind `bus.waitFor$`. Arguments are checked
 * now (a bad one throws here, not at subscribe time).
 *
 * @example
 * ```ts
 * const response$ = createWaiter$(host, 'page.response', { status: 200 }, { timeout: 5000 });
 * ```
 */
export function createWaiter$(
  host: WaiterHost,
  pattern: string | readonly string[],
  matcher: Matcher<unknown, BusEvent> | undefined,
  options?: WaitForOptions,
): Observable<BusEvent> {
  const fixed = plan(host, pattern, matcher, options);
  return new Observable<BusEvent>((subscriber) => {
    const waiter = start(fixed, subscriber);
    return waiter === undefined ? undefined : () => waiter.dispose();
  });
}

/**
 * `bus.waitFor`: the promise form. Bad arguments reject the promise (they do
 * not throw synchronously). No Observable is built: the waiter settles the
 * promise directly, which keeps a pending waiter small.
 *
 * @example
 * ```ts
 * const event = await waitForEvent(host, 'order.created', { id: '42' }, {});
 * ```
 */
export function waitForEvent(
  host: WaiterHost,
  pattern: string | readonly string[],
  matcher: Matcher<unknown, BusEvent> | undefined,
  options?: WaitForOptions,
): Promise<BusEvent> {
  return new Promise<BusEvent>((resolve, reject) => {
    // A throw inside the executor rejects the promise: bad input rejects.
    start(plan(host, pattern, matcher, options), { next: resolve, error: reject });
  });
}

/**
 * Refuses what cannot be a cursor of this bus. A cursor too old for the
 * history is not refused here: whose it is cannot be told any more, and
 * registration reports it as a gap.
 */
function checkCursor(host: WaiterHost, cursor: unknown): number {
  if (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0 || cursor > host.lastId) {
    throw new RangeError(
      `Expected 'since' to be a cursor from bus.cursor() or 'history', got ${String(cursor)} ` +
        `(the newest event of this bus is #${host.lastId}).`,
    );
  }
  const oldestReachable = (host.history.peek()?.id ?? host.lastId + 1) - 1;
  if (cursor >= oldestReachable && !host.cursors.issued(cursor)) {
    throw new RangeError(
      `Expected 'since' to be a cursor from this bus's cursor() or 'history': #${cursor} is not a cursor this bus handed out. ` +
        `Cursors belong to the bus that made them: take the cursor from the bus you wait on.`,
    );
  }
  return cursor;
}

/**
 * The near misses of a timed-out waiter, oldest first: the events it was
 * offered with its pinned value (`own`), then the most recent other events
 * of its pattern in the history since it started (none of them matched, or
 * it would have settled), up to {@link NEAR_MISS_LIMIT} in all.
 */
function nearMisses(host: WaiterHost, pattern: CompiledPattern, after: number, own: readonly BusEvent[] | undefined): NearMiss[] {
  const events: BusEvent[] = own === undefined ? [] : [...own];
  const history = host.history;
  const recent: BusEvent[] = [];
  for (let i = history.size - 1; i >= 0 && events.length + recent.length < NEAR_MISS_LIMIT; i--) {
    const event = history.at(i)!;
    if (event.id <= after) break;
    if (pattern.test(event.type) && !events.includes(event)) recent.push(event);
  }
  return [...recent.reverse(), ...events].sort((a, b) => a.id - b.id).map(nearMiss);
}

/**
 * Near misses by event. When many waiters time out together (a burst of
 * 100 000), they list the same few recent events: rendering each payload
 * once instead of once per waiter took a third of the cost of a timeout.
 * Frozen, because the same object appears in many errors.
 */
const nearMissOf = new WeakMap<BusEvent, NearMiss>();

function nearMiss(event: BusEvent): NearMiss {
  let miss = nearMissOf.get(event);
  if (miss === undefined) {
    miss = Object.freeze({ type: event.type, summary: describeValue(event.payload, 100), time: event.time });
    nearMissOf.set(event, miss);
  }
  return miss;
}

/**
 * Builds an error without capturing a stack trace. A timeout error is
 * created by the deadline timer, so its stack could only show rxbus's and
 * the scheduler's frames, never the caller's; capturing those cost ~3 µs,
 * as much as the rest of a timeout. `err.stack` is then just the name and
 * message. Left as is where `Error.stackTraceLimit` cannot be set (frozen
 * intrinsics) or does not exist.
 */
function withoutStack<T>(create: () => T): T {
  const limit: unknown = (Error as { stackTraceLimit?: unknown }).stackTraceLimit;
  if (typeof limit !== 'number' || !Reflect.set(Error, 'stackTraceLimit', 0)) return create();
  try {
    return create();
  } finally {
    Reflect.set(Error, 'stackTraceLimit', limit);
  }
}
