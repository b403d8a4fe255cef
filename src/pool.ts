/**
 * The bounded handler pool: at most `concurrency` handler jobs run at once,
 * at most `capacity` wait for a slot, and a job starts as soon as a slot is
 * free — never an unbounded promise chain per handler per event.
 *
 * Scheduling: each handler has lanes of queued jobs — one lane for a plain
 * handler, one per key for a keyed handler (a key's jobs run one at a time,
 * in publish order). Handlers that have a job allowed to start (below their
 * own `concurrency`, lane idle for keys) sit in a heap ordered by the
 * sequence number of that job, so a free slot goes to the oldest job that is
 * allowed to run: FIFO across the bus, without one handler's cap blocking the
 * others (no head-of-line blocking). Every step is O(log handlers) or
 * O(log lanes), whatever the backlog.
 *
 * A list of queued jobs in arrival order (linked-list.ts) gives the
 * `'drop-oldest'` policy its victim in O(1).
 *
 * Starting a job has two steps, so that user code never sees the pool half
 * changed (see "Re-entrancy" in docs/events.md):
 * 1. *assign*: the job leaves the queue and takes a slot (`queued`,
 *    `running` and the lanes are updated together, no user code runs);
 * 2. *call*: the handler function is called. Calls are made in assignment
 *    order by one loop, and not while the pool is *held* (a publish is
 *    delivering its event to streams and waiters): a handler start that
 *    publishes, or a stream subscriber that publishes, only assigns; the
 *    loop already running calls those jobs after the current one.
 * A job that was assigned but not yet called is still "not started" for the
 * user: unsubscribing its handler or closing without drain drops it.
 */
import type { SchedulerLike } from 'rxjs';
import { deadlinesOf, type DeadlineQueue, type DeadlineTarget } from './deadlines.js';
import { HandlerError, JobTimeoutError } from './errors.js';
import type { BusEvent } from './event-map.js';
import { IndexedHeap, type HeapEntry } from './indexed-heap.js';
import { LinkedList } from './linked-list.js';
import { thenOf, type ThenMethod } from './thenable.js';

/** Why a job was dropped. */
export type DropReason = 'drop-newest' | 'drop-oldest' | 'closed' | 'unsubscribed' | 'cleared';

/** A captured async context (see async-context.ts): runs a function inside it. */
export interface ContextScope {
  runInAsyncScope<R>(fn: (...args: never[]) => R, thisArg: unknown, ...args: unknown[]): R;
}

/** The per-job context a handler receives as its third argument. */
export interface HandlerContext {
  /**
   * Aborted when the job is cancelled: `close({ drain: false })`, a drain
   * timeout, the handler's own `timeout` passing (reason: a `JobTimeoutError`),
   * or (for responders) the request timing out or being aborted.
   */
  readonly signal: AbortSignal;
}

/** A handler function as the pool calls it. */
export type HandlerFn = (payload: unknown, event: BusEvent, context: HandlerContext) => unknown;

/**
 * What the pool reads of a handler: the registry's `HandlerEntry` is one.
 * Declared here, so that the pool depends on no registry: the entry holds
 * its {@link HandlerSchedule}, and the pool reaches the handler back through it.
 */
export interface PooledHandler {
  readonly fn: HandlerFn;
  /** A name for error messages: the function's name, if any. */
  readonly name: string | undefined;
  /** Max jobs of this handler running at once. */
  readonly concurrency: number;
  /** Per-job timeout in ms; 0 = none. */
  readonly timeout: number;
  /** False once unsubscribed: its jobs are no longer given a slot. */
  readonly active: boolean;
  /** True for request responders: the bus answers the request of a dropped job. */
  readonly responder: boolean;
  /** The pool's scheduling state for this handler. */
  readonly schedule: HandlerSchedule;
}

/**
 * The pool's scheduling record of one handler: its place among handlers
 * with a runnable job (a heap entry ranked by the sequence number of that
 * job), its running count and its lanes. Created with the handler, once, so
 * that admitting a job allocates nothing for it.
 *
 * @example
 * ```ts
 * const schedule = new HandlerSchedule(handler, handler.key !== undefined);
 * schedule.lanes.peek(); // the lane whose oldest job may start first
 * ```
 */
export class HandlerSchedule implements HeapEntry {
  rank = 0;
  seq = 0;
  slot = -1;
  /** Jobs of this handler holding a slot now. */
  running = 0;
  #lanes: IndexedHeap<Lane> | undefined;
  /** Lanes with a job that may start, ordered by their oldest job (made on first use: most handlers are registered long before, or without, a job). */
  get lanes(): IndexedHeap<Lane> {
    return (this.#lanes ??= new IndexedHeap<Lane>());
  }
  /** For keyed handlers: the lane of each key with queued or running jobs. */
  readonly keyLanes: Map<string | number, Lane> | undefined;
  /** For unkeyed handlers: the one lane, made on its first job. */
  lane: Lane | undefined;

  constructor(
    readonly handler: PooledHandler,
    keyed: boolean,
  ) {
    this.keyLanes = keyed ? new Map() : undefined;
  }
}

/** The jobs of one handler (or of one key of a keyed handler) that run in order. */
export class Lane implements HeapEntry {
  rank = 0;
  seq = 0;
  slot = -1;
  head: Job | undefined;
  tail: Job | undefined;
  size = 0;
  running = 0;

  constructor(
    readonly handler: PooledHandler,
    /** How many of this lane's jobs may run at once: 1 for a key, the handler's cap otherwise. */
    readonly limit: number,
    readonly key: string | number | undefined,
  ) {}

  push(job: Job): void {
    if (this.tail === undefined) this.head = job;
    else this.tail.nextInLane = job;
    this.tail = job;
    this.size++;
  }

  shift(): Job {
    const job = this.head!;
    this.head = job.nextInLane;
    if (this.head === undefined) this.tail = undefined;
    job.nextInLane = undefined;
    this.size--;
    return job;
  }
}

/** A handler context the bus can cancel (request timeouts abort their responder). */
export interface CancellableContext extends HandlerContext {
  cancel(reason: unknown): void;
}

/**
 * The per-job context; its AbortController is created only if the handler
 * reads `signal`, since most handlers never do and a controller per job
 * would double the cost of a trivial job.
 */
class JobContext implements CancellableContext {
  /** Set only for a handler with a `timeout` whose job returned a promise. */
  deadline: JobDeadline | undefined;
  #controller: AbortController | undefined;
  #reason: unknown;
  #cancelled = false;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#cancelled) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  cancel(reason: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/**
 * The deadline of one running job of a handler with a `timeout`. Created
 * only for such jobs, so a handler without one pays nothing for the feature.
 */
class JobDeadline implements DeadlineTarget {
  rank = 0;
  seq = 0;
  slot = -1;
  /** Set when the deadline passed: the failure the job ends with, whatever it returns later. */
  failure: HandlerError | undefined;

  constructor(
    readonly job: Job,
    readonly onDeadline: () => void,
  ) {}
}

/** One handler call for one event. */
export class Job {
  nextInLane: Job | undefined;
  // While queued: the arrival-order list of all queued jobs. While assigned
  // a slot but not yet called: the pool's starting list. While running: the
  // list of running jobs. A job is in one list at a time, so the links are
  // shared (a Set of running jobs cost a hash insert and delete per job).
  prev: Job | undefined;
  next: Job | undefined;
  /** Set while the job runs, cleared when it finishes. */
  context: JobContext | undefined;
  /** True from slot assignment until the job finishes or is dropped before its call. */
  assigned = false;

  constructor(
    readonly seq: number,
    readonly event: BusEvent,
    readonly lane: Lane,
    /** The async context of the publish that created the job, when it runs later in another one. */
    readonly scope: ContextScope | undefined,
  ) {}

  /** The handler to call (a getter, not a field: the lane knows it, and 8 bytes per queued job add up). */
  get handler(): PooledHandler {
    return this.lane.handler;
  }

  /** Aborts the signal the handler received. */
  cancel(reason: unknown): void {
    this.context?.cancel(reason);
  }
}

/** What the pool tells its bus. */
export interface PoolEvents {
  /**
   * A job finished: `failed` with `error` when it threw or rejected. When
   * `timedOut`, `error` is the HandlerError already passed to {@link timedOut}.
   */
  settled(job: Job, failed: boolean, error: unknown, timedOut: boolean): void;
  /** A job ran past its handler's `timeout`: count and report `failure` (the job still holds its slot). */
  timedOut(job: Job, failure: HandlerError): void;
  /** A job was discarded before it started (not called for evictions, which the caller reports). */
  dropped(job: Job, reason: DropReason): void;
  /** Queue room or a slot was freed (emitters may be waiting for it). */
  roomFreed(): void;
}

/**
 * The bounded pool. The dispatcher decides admission (overflow policy); the
 * pool queues, schedules and runs.
 *
 * @example
 * ```ts
 * const pool = new HandlerPool(8, 1024, events);
 * if (pool.queueSlotsNeeded(handlers, keys) <= pool.room) pool.admit(event, handlers, keys, undefined);
 * pool.pump(); // calls the jobs that got a slot
 * ```
 */
export class HandlerPool {
  readonly concurrency: number;
  readonly capacity: number;
  /** Jobs waiting for a slot. */
  queued = 0;
  /** Jobs holding a slot: running, or assigned and about to be called. */
  running = 0;
  /** True between pause() and resume(): no job is given a slot. */
  paused = false;
  /** Running jobs past their handler's `timeout` that have not returned yet (they keep their slot). */
  overdue = 0;

  readonly #events: PoolEvents;
  /** Handlers with a job allowed to start, by that job's sequence number. */
  readonly #ready = new IndexedHeap<HandlerSchedule>();
  /** Queued jobs in arrival order (the `'drop-oldest'` victim is the head). */
  readonly #queue = new LinkedList<Job>();
  /** Jobs running now, in the order they were called. */
  readonly #running = new LinkedList<Job>();
  #seq = 0;
  /** Jobs assigned a slot and not yet called, in assignment order. */
  readonly #starting = new LinkedList<Job>();
  #calling = false;
  #holds = 0;
  #afterDelivery: (() => void) | undefined;
  readonly #scheduler: SchedulerLike | undefined;
  #deadlines: DeadlineQueue | undefined;

  /** `scheduler` times per-job timeouts (handlers with a `timeout` need one). */
  constructor(concurrency: number, capacity: number, events: PoolEvents, scheduler?: SchedulerLike) {
    this.concurrency = concurrency;
    this.capacity = capacity;
    this.#events = events;
    this.#scheduler = scheduler;
  }

  /** Stops giving slots to queued jobs (jobs already holding one still run). */
  pause(): void {
    this.paused = true;
  }

  /** Gives slots again, and calls what gets one. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pump();
  }

  /** Queue slots left. */
  get room(): number {
    return this.capacity - this.queued;
  }

  /** True when a job given a slot now would be called later, not before the caller returns. */
  get deferring(): boolean {
    return this.#calling || this.#holds > 0;
  }

  /**
   * How many of the given handlers' jobs for one event would have to wait
   * in the queue (the others would take a free slot at once). Keys, when
   * the handler is keyed, are in `keys` at the same index; without `keys`
   * the answer is an upper bound.
   */
  queueSlotsNeeded(handlers: readonly PooledHandler[], keys: ReadonlyArray<string | number | undefined> | undefined): number {
    // Slots are assigned eagerly, so a ready job means no slot is free; the
    // check keeps a newcomer from overtaking it all the same.
    let free = this.#ready.size > 0 || this.paused ? 0 : this.concurrency - this.running;
    let needed = 0;
    for (let i = 0; i < handlers.length; i++) {
      const handler = handlers[i]!;
      const h = handler.schedule;
      let startsNow = free > 0 && h.running < handler.concurrency;
      if (startsNow && h.keyLanes !== undefined) {
        // Without keys (an upper bound, for a waiting producer: no key
        // function runs), a keyed job starts now only when no key is busy.
        const lane = keys === undefined ? undefined : h.keyLanes.get(keys[i]!);
        startsNow = keys === undefined ? h.keyLanes.size === 0 : lane === undefined || (lane.size === 0 && lane.running === 0);
      } else if (startsNow && h.lane !== undefined) {
        startsNow = h.lane.size === 0;
      }
      if (startsNow) free--;
      else needed++;
    }
    return needed;
  }

  /**
   * Queues one job per handler for the event and gives a slot to what may
   * start. No user code runs: the jobs are called by {@link pump}.
   */
  admit(
    event: BusEvent,
    handlers: readonly PooledHandler[],
    keys: ReadonlyArray<string | number | undefined> | undefined,
    scope: ContextScope | undefined,
  ): void {
    for (let i = 0; i < handlers.length; i++) this.#enqueue(event, handlers[i]!, keys?.[i], scope);
    this.#assign();
  }

  /** Takes the `count` oldest queued jobs out (the `'drop-oldest'` policy); the caller reports them. */
  evictOldest(count: number): Job[] {
    const evicted: Job[] = [];
    for (let i = 0; i < count && this.#queue.head !== undefined; i++) {
      const job = this.#queue.head;
      this.#removeQueued(job);
      evicted.push(job);
    }
    return evicted;
  }

  /** Discards every job of a handler that has not started (it was unsubscribed). */
  discard(handler: PooledHandler, reason: DropReason): void {
    const schedule = handler.schedule;
    this.#ready.remove(schedule);
    // Most handlers are unsubscribed with no job queued or assigned (an
    // assigned job counts as running): nothing to look through.
    const queued = schedule.keyLanes !== undefined ? schedule.keyLanes.size : (schedule.lane?.size ?? 0);
    if (queued === 0 && schedule.running === 0) return;
    const lanes = schedule.keyLanes !== undefined ? [...schedule.keyLanes.values()] : schedule.lane ? [schedule.lane] : [];
    const dropped: Job[] = [];
    for (const lane of lanes) {
      while (lane.size > 0) {
        const job = lane.head!;
        this.#removeQueued(job);
        dropped.push(job);
      }
    }
    for (let job = this.#starting.head; job !== undefined;) {
      const next = job.next;
      if (job.handler === handler) {
        this.#unassign(job);
        dropped.push(job);
      }
      job = next;
    }
    for (const job of dropped) this.#events.dropped(job, reason);
    if (dropped.length > 0) this.pump();
  }

  /**
   * Discards the queued jobs whose event type `matches` (all of them
   * without it), reported as `'cleared'`; jobs holding a slot are left
   * alone. Returns how many were discarded.
   */
  clear(matches: ((type: string) => boolean) | undefined): number {
    const victims = new Set<Job>();
    for (let job = this.#queue.head; job !== undefined; job = job.next) {
      if (matches === undefined || matches(job.event.type)) victims.add(job);
    }
    if (victims.size === 0) return 0;
    // Victims may sit anywhere in their lanes (a type filter), so each lane
    // is rebuilt without them in one pass, then put back where it belongs.
    const lanes = new Set<Lane>();
    for (const job of victims) {
      this.#queue.remove(job);
      lanes.add(job.lane);
    }
    this.queued -= victims.size;
    for (const lane of lanes) {
      let head: Job | undefined;
      let tail: Job | undefined;
      let size = 0;
      for (let job = lane.head; job !== undefined;) {
        const next: Job | undefined = job.nextInLane;
        job.nextInLane = undefined;
        if (!victims.has(job)) {
          if (tail === undefined) head = job;
          else tail.nextInLane = job;
          tail = job;
          size++;
        }
        job = next;
      }
      lane.head = head;
      lane.tail = tail;
      lane.size = size;
      const schedule = lane.handler.schedule;
      if (lane.slot >= 0) schedule.lanes.remove(lane);
      if (lane.size > 0 && lane.running < lane.limit) {
        lane.rank = lane.head!.seq;
        schedule.lanes.push(lane);
      }
      this.#releaseLane(lane);
      this.#refresh(schedule);
    }
    for (const job of victims) this.#events.dropped(job, 'cleared');
    this.pump();
    return victims.size;
  }

  /**
   * What is queued and running, per handler name (`'(anonymous)'` for
   * unnamed ones), for the message of a `settled()` that timed out.
   */
  pending(): Map<string, { queued: number; running: number; overdue: number }> {
    const byHandler = new Map<string, { queued: number; running: number; overdue: number }>();
    const entry = (job: Job) => {
      const name = job.handler.name ?? '(anonymous)';
      let counts = byHandler.get(name);
      if (counts === undefined) byHandler.set(name, (counts = { queued: 0, running: 0, overdue: 0 }));
      return counts;
    };
    for (let job = this.#queue.head; job !== undefined; job = job.next) entry(job).queued++;
    for (let job = this.#starting.head; job !== undefined; job = job.next) entry(job).running++;
    for (let job = this.#running.head; job !== undefined; job = job.next) {
      const counts = entry(job);
      counts.running++;
      if (job.context?.deadline?.failure !== undefined) counts.overdue++;
    }
    return byHandler;
  }

  /** Discards every job that has not started and aborts the signal of every running one. */
  cancelAll(reason: unknown): void {
    const dropped: Job[] = [];
    while (this.#queue.head !== undefined) {
      const job = this.#queue.head;
      this.#removeQueued(job);
      dropped.push(job);
    }
    while (this.#starting.head !== undefined) {
      const job = this.#starting.head;
      this.#unassign(job);
      dropped.push(job);
    }
    for (const job of dropped) this.#events.dropped(job, 'closed');
    // Aborting runs the handlers' abort listeners, which may make a job end
    // (and leave the list) at once: walk a copy.
    const running: Job[] = [];
    for (let job = this.#running.head; job !== undefined; job = job.next) running.push(job);
    for (const job of running) job.cancel(reason);
  }

  /** The names of the handlers with a job running now (for close timeout messages). */
  runningHandlers(): Array<string | undefined> {
    const names: Array<string | undefined> = [];
    for (let job = this.#running.head; job !== undefined; job = job.next) names.push(job.handler.name);
    return names;
  }

  /**
   * Keeps job calls from starting until {@link release}: a publish holds the
   * pool while its subscribers and waiters see the event.
   */
  hold(): void {
    this.#holds++;
  }

  /** Ends a {@link hold}; the last one calls what got a slot meanwhile. */
  release(): void {
    if (--this.#holds > 0) return;
    // Most publishes give no job a slot: then there is nothing to call.
    if (this.#starting.head !== undefined || this.#ready.size > 0) this.pump();
    if (this.#afterDelivery !== undefined && this.#holds === 0) {
      const then = this.#afterDelivery;
      this.#afterDelivery = undefined;
      then();
    }
  }

  /**
   * Runs `fn` once no publish is delivering any more: at once when none is,
   * else when the outermost one releases the pool. (A close finished by a
   * subscriber of a publish must not end the report streams before that
   * publish has reported its drops.)
   */
  afterDelivery(fn: () => void): void {
    if (this.#holds === 0) fn();
    else this.#afterDelivery = fn;
  }

  /**
   * Gives free slots to queued jobs and calls every job that got one, in
   * order. Re-entrant calls (from a handler, or while held) only assign:
   * the loop that is already calling, or the last release, calls the rest.
   */
  pump(): void {
    this.#assign();
    if (this.#calling || this.#holds > 0) {
      this.#events.roomFreed();
      return;
    }
    this.#calling = true;
    try {
      // Waiting producers go first: their events were emitted before any
      // event a handler called below publishes.
      this.#events.roomFreed();
      for (let job = this.#starting.head; job !== undefined; job = this.#starting.head) {
        this.#starting.remove(job);
        this.#call(job);
      }
    } finally {
      this.#calling = false;
    }
  }

  /** Moves queued jobs into free slots, oldest first. No user code runs. */
  #assign(): void {
    while (this.running < this.concurrency && !this.paused) {
      const schedule = this.#ready.peek();
      if (schedule === undefined) break;
      this.#assignNext(schedule);
    }
  }

  #enqueue(event: BusEvent, handler: PooledHandler, key: string | number | undefined, scope: ContextScope | undefined): void {
    const schedule = handler.schedule;
    let lane: Lane;
    if (schedule.keyLanes !== undefined) {
      let keyed = schedule.keyLanes.get(key!);
      if (keyed === undefined) {
        keyed = new Lane(handler, 1, key);
        schedule.keyLanes.set(key!, keyed);
      }
      lane = keyed;
    } else {
      lane = schedule.lane ??= new Lane(handler, Infinity, undefined);
    }
    const job = new Job(this.#seq++, event, lane, scope);
    // The common case: nothing is waiting to start, the pool is not paused, a
    // slot is free, and neither the handler's cap nor the lane holds this job back. It would
    // pass through the lane, the arrival list and both heaps only to be taken
    // out by the next `#assign`; give it its slot now (same order: every job
    // that could start before it already has one).
    if (
      this.#ready.size === 0 &&
      !this.paused &&
      this.running < this.concurrency &&
      schedule.running < handler.concurrency &&
      lane.size === 0 &&
      lane.running < lane.limit
    ) {
      lane.running++;
      schedule.running++;
      this.running++;
      job.assigned = true;
      this.#starting.push(job);
      return;
    }
    lane.push(job);
    this.queued++;
    this.#queue.push(job);
    // A newer job never becomes a lane's head unless the lane was empty.
    if (lane.size === 1 && lane.running < lane.limit) {
      lane.rank = job.seq;
      schedule.lanes.push(lane);
      this.#refresh(schedule);
    }
  }

  /** Takes a queued job out of its lane and the arrival list, keeping the heaps right. */
  #removeQueued(job: Job): void {
    const lane = job.lane;
    const schedule = lane.handler.schedule;
    // Queued jobs leave in lane order except for discard/evict, which also take the head.
    if (lane.head !== job) throw new Error('rxbus internal error: a queued job left its lane out of order.');
    lane.shift();
    this.queued--;
    this.#queue.remove(job);
    if (lane.slot >= 0) {
      schedule.lanes.remove(lane);
      if (lane.size > 0) {
        lane.rank = lane.head!.seq;
        schedule.lanes.push(lane);
      }
    }
    this.#releaseLane(lane);
    this.#refresh(schedule);
  }

  /** A key's bookkeeping is freed when its last job ends. */
  #releaseLane(lane: Lane): void {
    if (lane.key !== undefined && lane.size === 0 && lane.running === 0) lane.handler.schedule.keyLanes!.delete(lane.key);
  }

  /** Puts the handler in the ready heap at the right place, or takes it out. */
  #refresh(schedule: HandlerSchedule): void {
    const top = schedule.lanes.peek();
    const handler = schedule.handler;
    if (top === undefined || schedule.running >= handler.concurrency || !handler.active) {
      this.#ready.remove(schedule);
      return;
    }
    if (schedule.slot >= 0) {
      if (schedule.rank !== top.rank) {
        schedule.rank = top.rank;
        this.#ready.update(schedule);
      }
      return;
    }
    schedule.rank = top.rank;
    this.#ready.push(schedule);
  }

  #assignNext(schedule: HandlerSchedule): void {
    const lane = schedule.lanes.peek()!;
    const job = lane.shift();
    this.queued--;
    this.#queue.remove(job);
    lane.running++;
    schedule.running++;
    this.running++;
    job.assigned = true;
    // Job sequence numbers are unique, so lanes (and handlers) never tie on
    // `rank` and re-sifting in place orders them as a remove + push would.
    if (lane.size > 0 && lane.running < lane.limit) {
      lane.rank = lane.head!.seq;
      schedule.lanes.update(lane);
    } else {
      schedule.lanes.remove(lane);
    }
    this.#refresh(schedule);
    this.#starting.push(job);
  }

  /** Gives back the slot of an assigned job that will not be called (dropped before its start). */
  #unassign(job: Job): void {
    this.#starting.remove(job);
    job.assigned = false;
    this.#freeSlot(job);
  }

  #freeSlot(job: Job): void {
    const lane = job.lane;
    const schedule = lane.handler.schedule;
    lane.running--;
    schedule.running--;
    this.running--;
    if (lane.size > 0 && lane.slot < 0 && lane.running < lane.limit) {
      lane.rank = lane.head!.seq;
      schedule.lanes.push(lane);
    }
    this.#releaseLane(lane);
    this.#refresh(schedule);
  }

  #call(job: Job): void {
    const context = new JobContext();
    job.context = context;
    this.#running.push(job);
    const scope = job.scope;
    let result: unknown;
    try {
      const fn = job.handler.fn;
      const event = job.event;
      result =
        scope === undefined ? fn(event.payload, event, context) : scope.runInAsyncScope(fn, undefined, event.payload, event, context);
    } catch (error) {
      this.#finish(job, true, error);
      return;
    }
    let then: ThenMethod | undefined;
    try {
      then = thenOf(result);
    } catch (error) {
      // A `then` getter that throws (a revoked Proxy): the job failed with that error.
      this.#finish(job, true, error);
      return;
    }
    if (then === undefined) {
      this.#finish(job, false, undefined);
      return;
    }
    // A synchronous handler cannot be interrupted: only a job that returned
    // a promise gets a deadline.
    if (job.handler.timeout > 0) this.#arm(job, context);
    try {
      then.call(
        result,
        () => this.#finish(job, false, undefined),
        (error: unknown) => this.#finish(job, true, error),
      );
    } catch (error) {
      // A thenable whose `then` throws: treat like a rejection.
      this.#finish(job, true, error);
    }
  }

  #finish(job: Job, failed: boolean, error: unknown): void {
    const context = job.context;
    if (context === undefined || !job.assigned) return; // settled twice by a misbehaving thenable
    job.context = undefined;
    job.assigned = false;
    this.#running.remove(job);
    this.#freeSlot(job);
    const deadline = context.deadline;
    let timedOut = false;
    if (deadline !== undefined) {
      this.#deadlines!.remove(deadline);
      if (deadline.failure !== undefined) {
        // The outcome was decided at the deadline; what it returned now does not change it.
        this.overdue--;
        timedOut = true;
        failed = true;
        error = deadline.failure;
      }
    }
    this.#events.settled(job, failed, error, timedOut);
    this.pump();
  }

  /** Starts the deadline of a job whose handler has a `timeout`. */
  #arm(job: Job, context: JobContext): void {
    if (this.#scheduler === undefined) throw new Error('rxbus internal error: a handler with a timeout on a pool without a scheduler.');
    const deadline = new JobDeadline(job, () => this.#expire(deadline, context));
    context.deadline = deadline;
    (this.#deadlines ??= deadlinesOf(this.#scheduler)).add(deadline, job.handler.timeout);
  }

  /**
   * The job ran past its timeout. Its outcome is settled now (failed, with
   * a TimeoutError as cause) and counted before any user code runs; then
   * the failure is reported and the job's signal aborted. The job keeps its
   * slot until it returns: a handler cannot be stopped from outside.
   */
  #expire(deadline: JobDeadline, context: JobContext): void {
    const job = deadline.job;
    if (job.context !== context) return; // it finished meanwhile
    const timeout = job.handler.timeout;
    const cause = new JobTimeoutError({ handler: job.handler.name, event: job.event, timeout });
    deadline.failure = new HandlerError({ event: job.event, handler: job.handler.name, cause });
    this.overdue++;
    this.#events.timedOut(job, deadline.failure);
    context.cancel(cause);
  }
}
