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
 * A global doubly linked list of queued jobs in arrival order gives the
 * `'drop-oldest'` policy its victim in O(1).
 */
import type { BusEvent } from './event-map.js';
import type { HandlerContext, HandlerEntry } from './handler-registry.js';
import { IndexedHeap, type HeapEntry } from './indexed-heap.js';

/** Why a job was dropped. */
export type DropReason = 'drop-newest' | 'drop-oldest' | 'closed' | 'unsubscribed';

/** The jobs of one handler (or of one key of a keyed handler) that run in order. */
export class Lane implements HeapEntry {
  due = 0;
  seq = 0;
  slot = -1;
  head: Job | undefined;
  tail: Job | undefined;
  size = 0;
  running = 0;

  constructor(
    readonly handler: HandlerEntry,
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

/** One handler call for one event. */
export class Job {
  nextInLane: Job | undefined;
  // While queued: the arrival-order list of all queued jobs. While running:
  // the list of running jobs (a job is in one list at a time, so the links
  // are shared; a Set of running jobs cost a hash insert and delete per job).
  prev: Job | undefined;
  next: Job | undefined;
  /** Set while the job runs, cleared when it finishes. */
  context: JobContext | undefined;

  constructor(
    readonly seq: number,
    readonly event: BusEvent,
    readonly lane: Lane,
  ) {}

  /** The handler to call (a getter, not a field: the lane knows it, and 8 bytes per queued job add up). */
  get handler(): HandlerEntry {
    return this.lane.handler;
  }

  /** Aborts the signal the handler received. */
  cancel(reason: unknown): void {
    this.context?.cancel(reason);
  }
}

/** What the pool tells its bus. */
export interface PoolEvents {
  /** A job finished: `failed` with `error` when it threw or rejected. */
  settled(job: Job, failed: boolean, error: unknown): void;
  /** A queued job was discarded. */
  dropped(job: Job, reason: DropReason): void;
  /** Queue room was freed (emitters may be waiting for it). */
  roomFreed(): void;
}

/**
 * The bounded pool. The bus decides admission (overflow policy); the pool
 * queues, schedules and runs.
 *
 * @example
 * ```ts
 * const pool = new HandlerPool(8, 1024, events);
 * if (pool.queueSlotsNeeded(handlers) <= pool.room) pool.admit(event, handlers, keys);
 * ```
 */
export class HandlerPool {
  readonly concurrency: number;
  readonly capacity: number;
  /** Jobs waiting for a slot. */
  queued = 0;
  /** Jobs running. */
  running = 0;

  readonly #events: PoolEvents;
  /** Handlers with a job allowed to start, by that job's sequence number. */
  readonly #ready = new IndexedHeap<HandlerEntry>();
  /** Most recently started running job (running jobs form a list through prev/next). */
  #lastStarted: Job | undefined;
  #oldest: Job | undefined;
  #newest: Job | undefined;
  #seq = 0;
  #pumping = false;

  constructor(concurrency: number, capacity: number, events: PoolEvents) {
    this.concurrency = concurrency;
    this.capacity = capacity;
    this.#events = events;
  }

  /** Queue slots left. */
  get room(): number {
    return this.capacity - this.queued;
  }

  /**
   * How many of the given handlers' jobs for one event would have to wait
   * in the queue (the others would start at once). Keys, when the handler
   * is keyed, are in `keys` at the same index.
   */
  queueSlotsNeeded(handlers: readonly HandlerEntry[], keys: ReadonlyArray<string | number | undefined> | undefined): number {
    // Queued jobs that may start go first (FIFO); when any is waiting, there
    // is no free slot for a newcomer.
    let free = this.#ready.size > 0 ? 0 : this.concurrency - this.running;
    let needed = 0;
    for (let i = 0; i < handlers.length; i++) {
      const h = handlers[i]!;
      let startsNow = free > 0 && h.running < h.concurrency;
      if (startsNow && h.keyLanes !== undefined) {
        const lane = h.keyLanes.get(keys![i]!);
        startsNow = lane === undefined || (lane.size === 0 && lane.running === 0);
      } else if (startsNow && h.lane !== undefined) {
        startsNow = h.lane.size === 0;
      }
      if (startsNow) free--;
      else needed++;
    }
    return needed;
  }

  /** Queues one job per handler for the event and starts what may start. */
  admit(event: BusEvent, handlers: readonly HandlerEntry[], keys: ReadonlyArray<string | number | undefined> | undefined): void {
    for (let i = 0; i < handlers.length; i++) this.#enqueue(event, handlers[i]!, keys?.[i]);
    this.pump();
  }

  /** Drops the `count` oldest queued jobs (the `'drop-oldest'` policy). */
  evictOldest(count: number): void {
    for (let i = 0; i < count && this.#oldest !== undefined; i++) {
      const job = this.#oldest;
      this.#removeQueued(job);
      this.#events.dropped(job, 'drop-oldest');
    }
  }

  /** Discards every queued job of a handler (it was unsubscribed). */
  discard(handler: HandlerEntry, reason: DropReason): void {
    this.#ready.remove(handler);
    const lanes = handler.keyLanes !== undefined ? [...handler.keyLanes.values()] : handler.lane ? [handler.lane] : [];
    let freed = false;
    for (const lane of lanes) {
      while (lane.size > 0) {
        const job = lane.head!;
        this.#removeQueued(job);
        this.#events.dropped(job, reason);
        freed = true;
      }
    }
    if (freed) this.#events.roomFreed();
  }

  /** Discards every queued job and aborts the signal of every running one. */
  cancelAll(reason: unknown): void {
    while (this.#oldest !== undefined) {
      const job = this.#oldest;
      this.#removeQueued(job);
      this.#events.dropped(job, 'closed');
    }
    // Aborting runs the handlers' abort listeners, but a job can only finish
    // on a later microtask, so the list does not change under this walk.
    for (let job = this.#lastStarted; job !== undefined; job = job.prev) job.cancel(reason);
  }

  /** Starts queued jobs while slots are free. Re-entrant calls fold into the running loop. */
  pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.running < this.concurrency) {
        const handler = this.#ready.peek();
        if (handler === undefined) break;
        this.#startNext(handler);
      }
    } finally {
      this.#pumping = false;
    }
    // A started job frees a queue slot, a finished one a pool slot: either
    // may let a waiting producer in (a no-op when none waits).
    this.#events.roomFreed();
  }

  #enqueue(event: BusEvent, handler: HandlerEntry, key: string | number | undefined): void {
    let lane: Lane;
    if (handler.keyLanes !== undefined) {
      let keyed = handler.keyLanes.get(key!);
      if (keyed === undefined) {
        keyed = new Lane(handler, 1, key);
        handler.keyLanes.set(key!, keyed);
      }
      lane = keyed;
    } else {
      lane = handler.lane ??= new Lane(handler, Infinity, undefined);
    }
    const job = new Job(this.#seq++, event, lane);
    lane.push(job);
    this.queued++;
    job.prev = this.#newest;
    if (this.#newest === undefined) this.#oldest = job;
    else this.#newest.next = job;
    this.#newest = job;
    // A newer job never becomes a lane's head unless the lane was empty.
    if (lane.size === 1 && lane.running < lane.limit) {
      lane.due = job.seq;
      handler.lanes.push(lane);
      this.#refresh(handler);
    }
  }

  /** Takes a queued job out of its lane and the arrival list, keeping the heaps right. */
  #removeQueued(job: Job): void {
    const lane = job.lane;
    const handler = job.handler;
    // Queued jobs leave in lane order except for discard/evict, which also take the head.
    if (lane.head !== job) throw new Error('rxbus internal error: a queued job left its lane out of order.');
    lane.shift();
    this.queued--;
    this.#unlink(job);
    if (lane.slot >= 0) {
      handler.lanes.remove(lane);
      if (lane.size > 0) {
        lane.due = lane.head!.seq;
        handler.lanes.push(lane);
      }
    }
    this.#releaseLane(lane);
    this.#refresh(handler);
  }

  #unlink(job: Job): void {
    if (job.prev === undefined) this.#oldest = job.next;
    else job.prev.next = job.next;
    if (job.next === undefined) this.#newest = job.prev;
    else job.next.prev = job.prev;
    job.prev = job.next = undefined;
  }

  /** A key's bookkeeping is freed when its last job ends. */
  #releaseLane(lane: Lane): void {
    if (lane.key !== undefined && lane.size === 0 && lane.running === 0) lane.handler.keyLanes!.delete(lane.key);
  }

  /** Puts the handler in the ready heap at the right place, or takes it out. */
  #refresh(handler: HandlerEntry): void {
    const top = handler.lanes.peek();
    if (top === undefined || handler.running >= handler.concurrency || !handler.active) {
      this.#ready.remove(handler);
      return;
    }
    if (handler.slot >= 0) {
      if (handler.due !== top.due) {
        handler.due = top.due;
        this.#ready.update(handler);
      }
      return;
    }
    handler.due = top.due;
    this.#ready.push(handler);
  }

  #startNext(handler: HandlerEntry): void {
    const lane = handler.lanes.peek()!;
    const job = lane.shift();
    this.queued--;
    this.#unlink(job);
    lane.running++;
    handler.running++;
    this.running++;
    // Job sequence numbers are unique, so lanes (and handlers) never tie on
    // `due` and re-sifting in place orders them as a remove + push would.
    if (lane.size > 0 && lane.running < lane.limit) {
      lane.due = lane.head!.seq;
      handler.lanes.update(lane);
    } else {
      handler.lanes.remove(lane);
    }
    this.#refresh(handler);
    this.#run(job);
  }

  #run(job: Job): void {
    const context = new JobContext();
    job.context = context;
    job.prev = this.#lastStarted;
    if (this.#lastStarted !== undefined) this.#lastStarted.next = job;
    this.#lastStarted = job;
    let result: unknown;
    try {
      result = job.handler.fn(job.event.payload, job.event, context);
    } catch (error) {
      this.#finish(job, true, error);
      return;
    }
    try {
      // Read once, inside the try: reading `then` of a returned Proxy (or a
      // revoked one) throws, and that is the job's failure, not the publisher's.
      const then = result !== null && typeof result === 'object' ? (result as PromiseLike<unknown>).then : undefined;
      if (typeof then === 'function') {
        then.call(
          result,
          () => this.#finish(job, false, undefined),
          (error: unknown) => this.#finish(job, true, error),
        );
        return;
      }
    } catch (error) {
      // A thenable whose `then` throws: treat like a rejection.
      this.#finish(job, true, error);
      return;
    }
    this.#finish(job, false, undefined);
  }

  #finish(job: Job, failed: boolean, error: unknown): void {
    if (job.context === undefined) return; // settled twice by a misbehaving thenable
    job.context = undefined;
    if (job.next === undefined) this.#lastStarted = job.prev;
    else job.next.prev = job.prev;
    if (job.prev !== undefined) job.prev.next = job.next;
    job.prev = job.next = undefined;
    const lane = job.lane;
    const handler = job.handler;
    lane.running--;
    handler.running--;
    this.running--;
    if (lane.size > 0 && lane.slot < 0 && lane.running < lane.limit) {
      lane.due = lane.head!.seq;
      handler.lanes.push(lane);
    }
    this.#releaseLane(lane);
    this.#refresh(handler);
    this.#events.settled(job, failed, error);
    this.pump();
  }
}
