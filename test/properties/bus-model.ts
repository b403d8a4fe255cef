/**
 * The observed bus: a real `createBus()` on virtual time, driven through its
 * public API by the {@link Op}s of a property run, with every callback it
 * calls instrumented. What the bus does is recorded in one global sequence
 * (`seq`), and the invariants of the contract (CONTRACT.md: Core,
 * Re-entrancy and robustness, Lifetime) are checked against that record:
 * at every callback (probes), after every step, at quiescence (nothing
 * scheduled, nothing left to run) and after the final `close()`.
 *
 * The model does not re-implement the bus. It is an oracle over what was
 * observed: which events were published (a stream subscriber registered
 * first sees each one), which jobs started and ended, what was dropped, how
 * each waiter, emit, request, settled() and close() settled and when. Where
 * the contract leaves an order to the re-entrancy model (e.g. whether the
 * jobs of an event that is being published when `close()` is called were
 * admitted before it), the oracle accepts both answers; everything it flags
 * is wrong under any model.
 *
 * Broken invariants are collected as {@link Violation}s, each tagged with the
 * invariant family it belongs to, so each property fails only on its own
 * family and reports the first step that broke it.
 */
import type { Observable, Subscription } from 'rxjs';
import { createBus, type Bus, type BusEvent, type DroppedJob, type HandlerContext, type HandlerError } from 'rxbus';
import { VirtualScheduler } from 'rxbus/testing';
import { expectedMatch, describeResult, handlerMatches, patternMatches, type MatchResult } from './expected-matches.js';
import { failureValue, hostilePayload } from './hostile-values.js';
import { captureUnhandledErrors, type UnhandledErrorCapture } from '../support/unhandled-errors.js';
import type {
  BusConfig,
  EmitSpec,
  HandlerSpec,
  MatcherSpec,
  Op,
  PayloadSpec,
  Reaction,
  RequestSpec,
  ResponderSpec,
  SignalSpec,
  StreamSpec,
  UnsubscribeTarget,
  WaitSpec,
} from './operations.js';

/** The invariant families; each property checks some of them. */
export type Family =
  | 'capacity' // queued ≤ capacity and running ≤ concurrency everywhere; no drop or QueueFullError while the jobs fit
  | 'ids' // event ids unique and increasing
  | 'ordering' // same-key jobs one at a time in publish order; a handler's jobs in publish order; handler caps
  | 'accounting' // every (event, handler) job runs once or is dropped once; stats agree with dropped$/errors$
  | 'waiters' // every waiter settles once, with the right outcome
  | 'since' // `since` cursors: no skipped event, history gaps reject at once
  | 'leaks' // no waiter, timer or abort listener left behind
  | 'requests' // every request settles once, with its own reply; no responder error lost
  | 'emitters' // every emit settles once, with the right outcome; none hangs on an idle bus
  | 'fifo' // waiting emitters are served in call order
  | 'settled' // settled() never early, always resolves on an idle bus; no job stranded
  | 'close' // no job after close resolved / cancelled; close waits for admitted jobs; drain:false aborts
  | 'closed' // after close: all counters 0, everything pending rejected, streams completed, publish refused
  | 'robustness'; // hostile values never crash or get lost; envelopes read-only; no unexpected throw

export interface Violation {
  readonly family: Family;
  readonly message: string;
  readonly step: number;
}

/** Most nested reactions one run performs (a handler that publishes to itself would never end). */
const REACTION_BUDGET = 40;
const MAX_DEPTH = 3;

interface LoggedEvent {
  readonly id: number;
  readonly type: string;
  readonly payload: unknown;
  /** Serial of the payload (payloads of one run are unique objects), or undefined for `$reply` events. */
  readonly n: number | undefined;
  readonly seq: number;
  readonly time: number;
}

/** A publish, emit or request call made by the run, by payload serial. */
interface PublishCall {
  readonly callSeq: number;
  /** Set when the call returned with its event published: the whole publish happened inside [callSeq, endSeq]. */
  endSeq: number | undefined;
}

interface ControllerRecord {
  readonly index: number;
  readonly controller: AbortController;
  readonly reason: Error;
  /** Abort listeners the bus holds on this signal (added through the signal's methods, wrapped to count). */
  readonly listeners: Set<unknown>;
  abortSeq: number | undefined;
  abortTime: number | undefined;
}

interface HandlerRecord {
  readonly id: number;
  readonly name: string;
  readonly spec: HandlerSpec;
  readonly keyError: Error;
  readonly subscribeSeq: number;
  readonly subscribeDepth: number;
  readonly controller: ControllerRecord | undefined;
  subscription: Subscription | undefined;
  unsubscribeSeq: number | undefined;
  unsubscribeDepth: number;
  running: number;
  readonly runningByKey: Map<number, number>;
  readonly lastIdByKey: Map<number, number>;
  lastId: number;
  reacted: boolean;
  keyReacted: boolean;
  /** Key errors reported on errors$, by {@link eventKey}. */
  readonly keyErrorsSeen: Map<string, number>;
}

interface JobRecord {
  readonly handler: HandlerRecord;
  readonly event: LoggedEvent | undefined;
  readonly eventId: number;
  readonly eventKey: string;
  readonly startSeq: number;
  readonly startTime: number;
  readonly step: number;
  endSeq: number | undefined;
  endTime: number | undefined;
  abortSeq: number | undefined;
  abortTime: number | undefined;
  /** The value it threw or rejected with. */
  failure: { readonly value: unknown; readonly hostile: boolean } | undefined;
  /** HandlerErrors with this job's failure as cause (or, when it timed out, with its JobTimeoutError). */
  reported: number;
  /** Its handler's `timeout` passed while it ran: reported then, as a JobTimeoutError. */
  timedOut: boolean;
}

interface StreamRecord {
  readonly spec: StreamSpec;
  subscription: Subscription | undefined;
  unsubscribed: boolean;
  completed: boolean;
  reacted: boolean;
}

type Outcome =
  | { readonly kind: 'resolved'; readonly value: unknown; readonly seq: number; readonly time: number; readonly step: number }
  | { readonly kind: 'rejected'; readonly error: unknown; readonly seq: number; readonly time: number; readonly step: number };

interface WaiterRecord {
  readonly id: number;
  readonly spec: WaitSpec;
  readonly callSeq: number;
  readonly callTime: number;
  readonly step: number;
  readonly cursorAtCall: number;
  /** Events with a larger id may settle it. */
  readonly after: number;
  /** The `since` cursor is older than the history's oldest event: it must reject at once. */
  readonly gap: boolean;
  readonly deadline: number;
  readonly controller: ControllerRecord | undefined;
  readonly abortedBefore: boolean;
  readonly matcherError: Error;
  outcome: Outcome | undefined;
  nexts: number;
  errors: number;
  completes: number;
  subscription: Subscription | undefined;
  unsubscribeSeq: number | undefined;
  reacted: boolean;
  matcherReacted: boolean;
}

interface EmitRecord {
  readonly id: number;
  readonly spec: EmitSpec;
  readonly n: number;
  readonly callSeq: number;
  readonly callTime: number;
  readonly controller: ControllerRecord | undefined;
  /** Jobs the event needs (matching handlers, at the call). */
  readonly jobsAtCall: number;
  /** Events being published when emit was called (their callbacks were on the stack). */
  readonly within: ReadonlySet<number>;
  /** When the emit call returned. */
  returnSeq: number;
  outcome: Outcome | undefined;
}

interface RequestRecord {
  readonly id: number;
  readonly spec: RequestSpec;
  readonly n: number;
  readonly callSeq: number;
  readonly callTime: number;
  readonly controller: ControllerRecord | undefined;
  readonly responderAtCall: boolean;
  outcome: Outcome | undefined;
}

interface ResponderRecord {
  readonly id: number;
  readonly spec: ResponderSpec;
  subscription: Subscription | undefined;
  unsubscribeSeq: number | undefined;
  reacted: boolean;
}

interface ResponderFailure {
  readonly error: ResponderError;
  readonly n: number;
  reported: number;
}

interface TrackRecord {
  readonly release: (() => void) | undefined;
  readonly settle: ((reject: boolean) => void) | undefined;
  released: boolean;
}

interface SettledRecord {
  readonly callSeq: number;
  resolved: boolean;
}

interface CloseRecord {
  readonly seq: number;
  readonly time: number;
  readonly drain: boolean;
  readonly timeout: number;
  outcome: Outcome | undefined;
}

interface WatcherRecord {
  readonly channel: 'errors' | 'dropped';
  readonly reaction: Reaction;
  subscription: Subscription | undefined;
  reacted: boolean;
}

/** Jobs a publish needs and the room there was, taken just before the call. */
interface RoomSnapshot {
  readonly n: number;
  readonly jobs: number;
  readonly free: number;
  readonly room: number;
  /** Every job could use a free slot (no keyed or capped handler, nothing queued). */
  readonly slotsUsable: boolean;
  readonly callbacksAtCall: number;
}

/** A responder's failure, tagged with the request it answered. */
export class ResponderError extends Error {
  constructor(readonly n: number) {
    super(`responder failed for request #${n}`);
    this.name = 'ResponderError';
  }
}

/** A key function's failure. */
class KeyError extends Error {
  override name = 'KeyError';
}

/** A matcher's failure. */
class MatcherError extends Error {
  override name = 'MatcherError';
}

function describe(value: unknown): string {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === 'string') return JSON.stringify(value);
    return String(value);
  } catch {
    return '<unrenderable>';
  }
}

function nameOf(value: unknown): string | undefined {
  try {
    return value instanceof Error ? value.name : undefined;
  } catch {
    return undefined;
  }
}

/** The observed bus of one property run. */
export class BusModel {
  readonly scheduler = new VirtualScheduler();
  readonly bus: Bus<Record<string, unknown>>;
  readonly config: BusConfig;
  readonly violations: Violation[] = [];
  /** Situations this run reached (for the statistics of long runs). */
  readonly covered = new Set<string>();

  seq = 0;
  step = 0;
  #depth = 0;
  #budget = REACTION_BUDGET;
  /** User callbacks entered so far (a publish's room snapshot is void once user code ran). */
  #callbacks = 0;
  #serial = 0;
  /** Serials of the events whose callbacks are running now (innermost last). */
  readonly #within: number[] = [];

  readonly #events: LoggedEvent[] = [];
  readonly #eventsById = new Map<number, LoggedEvent>();
  readonly #eventsByN = new Map<number, LoggedEvent>();
  readonly #calls = new Map<number, PublishCall>();
  /** Payload serials whose publish threw QueueFullError: none of their jobs may run or be dropped. */
  readonly #refused = new Set<number>();
  readonly #controllers: ControllerRecord[] = [];
  readonly #handlers: HandlerRecord[] = [];
  readonly #handlersByName = new Map<string, HandlerRecord>();
  readonly #jobs = new Map<string, JobRecord>();
  readonly #drops = new Map<string, DroppedJob>();
  readonly #streams: StreamRecord[] = [];
  readonly #waiters: WaiterRecord[] = [];
  readonly #emits: EmitRecord[] = [];
  readonly #requests: RequestRecord[] = [];
  readonly #responders: ResponderRecord[] = [];
  readonly #responderFailures: ResponderFailure[] = [];
  readonly #cursors: number[] = [];
  readonly #tracks: TrackRecord[] = [];
  readonly #settledCalls: SettledRecord[] = [];
  readonly #closes: CloseRecord[] = [];
  readonly #watchers: WatcherRecord[] = [];
  readonly #snapshots: RoomSnapshot[] = [];
  readonly #unexpectedErrors: HandlerError[] = [];
  #droppedSeen = 0;
  #running = 0;
  #responderRunning = 0;
  #ownTimers = 0;
  #logCompleted = false;
  /** The final close() of {@link BusModel.finish} is not part of the run's own coverage. */
  #finishing = false;
  #closeSeq: number | undefined;
  #closeResolved = false;
  /** Between a pause() and the next resume() or close(). */
  #paused = false;
  /** Seq of a pause() made by a step (no publish in progress, so no job holds a slot it has not started in). */
  #pausedAtTop: number | undefined;
  /** Seq of the first clear(): no job is dropped as 'cleared' before it. */
  #firstClearSeq: number | undefined;
  #clearedSeen = 0;
  readonly #unhandled: UnhandledErrorCapture;
  readonly #subscriptions: Subscription[] = [];

  constructor(
    config: BusConfig,
    /** The families this run checks ({@link BusModel.assertKept}). */
    readonly families: readonly Family[],
  ) {
    this.config = config;
    this.#unhandled = captureUnhandledErrors((error) =>
      this.#violate('robustness', `an error reached RxJS's unhandled-error hook: ${describe(error)}`),
    );
    this.bus = createBus({
      ...config,
      scheduler: this.scheduler,
      defaultTimeout: 0,
      onError: (error) => this.#onHandlerError(error),
    });
    // Registered first, so each event is logged before any other user code sees it.
    this.#subscriptions.push(
      this.bus.events$().subscribe({ next: (e) => this.#logEvent(e), complete: () => (this.#logCompleted = true) }),
      this.bus.errors$.subscribe((e) => this.#onHandlerError(e)),
      this.bus.dropped$.subscribe((d) => this.#onDropped(d)),
    );
  }

  /** Restores the global hook; call once the run is over. */
  dispose(): void {
    this.#unhandled.restore();
  }

  /** Throws, listing them, when invariants of the checked families were broken. */
  assertKept(): void {
    const broken = this.violations.filter((v) => this.families.includes(v.family));
    if (broken.length === 0) return;
    const shown = broken.slice(0, 6).map((v) => `  - [${v.family}] ${v.message}`);
    if (broken.length > shown.length) shown.push(`  … and ${broken.length - shown.length} more`);
    throw new Error(`Broken invariants, bus ${JSON.stringify(this.config)}:\n${shown.join('\n')}`);
  }

  readonly #seen = new Set<string>();

  #violate(family: Family, message: string): void {
    // The same broken rule is often seen again by a later check: report it once.
    if (this.#seen.has(`${family}:${message}`)) return;
    this.#seen.add(`${family}:${message}`);
    this.violations.push({ family, message: `step ${this.step}: ${message}`, step: this.step });
  }

  // ------------------------------------------------------------------ steps

  /** Performs one step, then lets every promise continuation run and checks the step invariants. */
  async apply(op: Op): Promise<void> {
    this.step++;
    switch (op.kind) {
      case 'advance':
        await this.advance(op.ms);
        break;
      case 'mark':
        this.#cursors.push(this.bus.cursor() as number);
        break;
      case 'track':
        this.#track(op.promise);
        break;
      case 'release':
        this.#release(op.index, op.reject);
        break;
      case 'settled':
        this.#settled();
        break;
      case 'watch':
        this.#watch(op.channel, op.reaction);
        break;
      case 'handle':
        this.#handle(op.responder);
        break;
      default:
        this.#perform(op);
    }
    await drain();
    this.checkStep();
  }

  /** Moves virtual time one due timer at a time, letting continuations run between. */
  async advance(ms: number): Promise<void> {
    const until = this.scheduler.now() + ms;
    for (let ticks = 0; ; ticks++) {
      const next = this.scheduler.nextDue;
      if (next === undefined || next > until) break;
      if (ticks > 1000) {
        this.#violate('settled', 'more than 1000 timer ticks in one advance: a timer re-arms forever');
        return;
      }
      this.scheduler.advance(Math.max(0, next - this.scheduler.now()));
      await drain();
    }
    this.scheduler.advance(until - this.scheduler.now());
  }

  /** Runs every timer and continuation until nothing is scheduled. */
  async quiesce(): Promise<void> {
    for (let ticks = 0; ; ticks++) {
      await drain();
      const next = this.scheduler.nextDue;
      if (next === undefined) return;
      if (ticks > 2000) {
        this.#violate('settled', `timers never stop (${this.scheduler.pending} pending after 2000 ticks)`);
        return;
      }
      this.scheduler.advance(Math.max(0, next - this.scheduler.now()));
    }
  }

  /**
   * The end of a run: quiescence and its invariants, then releasing tracked
   * work, a final `settled()`, a draining `close()`, and the invariants of a
   * closed bus.
   */
  async finish(): Promise<void> {
    this.step++;
    // A paused pool holds its queued jobs on purpose; the end of a run lets them go
    // (again after a job that ends meanwhile pauses it; reactions are bounded).
    await this.quiesce();
    for (let rounds = 0; this.#paused && rounds < REACTION_BUDGET; rounds++) {
      this.#resume();
      await this.quiesce();
    }
    this.checkStep();
    this.#checkQuiescent();
    for (const track of this.#tracks) {
      if (track.released) continue;
      track.released = true;
      track.release?.();
      track.settle?.(false);
    }
    await this.quiesce();
    // Checked before calling settled() again: a new call re-checks, and would resolve the stuck ones.
    for (const call of this.#settledCalls) {
      if (!call.resolved && this.#closeSeq === undefined && this.#idle()) {
        this.#violate('settled', `settled() called at seq ${call.callSeq} never resolved, though the bus is idle`);
      }
    }
    const finalSettled = this.#settled();
    await this.quiesce();
    if (this.#closeSeq === undefined && !finalSettled.resolved) {
      const s = this.bus.stats();
      this.#violate(
        'settled',
        `settled() did not resolve on an idle bus (queued ${s.queued}, running ${s.running}, emitters ${s.emitters}, tracked ${s.tracked})`,
      );
    }
    this.step++;
    this.#finishing = true;
    this.#close(true, 0);
    await this.quiesce();
    this.checkStep();
    this.#checkClosed();
    for (const sub of this.#subscriptions) sub.unsubscribe();
  }

  #idle(): boolean {
    const s = this.bus.stats();
    return s.queued === 0 && s.running === 0 && s.emitters === 0 && s.tracked === 0;
  }

  /** Performs an op, from a step or from inside a callback. */
  #perform(op: Op | Reaction): void {
    switch (op.kind) {
      case 'on':
        this.#on(op.handler);
        break;
      case 'stream':
        this.#stream(op.stream);
        break;
      case 'publish':
        this.#publish(op.type, op.payload);
        break;
      case 'emit':
        this.#emit('emit' in op ? op.emit : { type: op.type, payload: op.payload, timeout: op.timeout, signal: 'none' });
        break;
      case 'waitFor':
        this.#waitFor(op.wait);
        break;
      case 'unsubscribe':
        this.#unsubscribe(op.target, op.index);
        break;
      case 'abort':
        this.#abort(op.index);
        break;
      case 'close':
        this.#close(op.drain, op.timeout);
        break;
      case 'request':
        this.#request(op.request);
        break;
      case 'pause':
        this.#pause();
        break;
      case 'resume':
        this.#resume();
        break;
      case 'clear':
        this.#clear(op.pattern);
        break;
      default:
        throw new Error(`not a performable op: ${(op as Op).kind}`);
    }
  }

  /**
   * User code inside a callback does `reaction` (bounded in depth and
   * number). `during` is the payload of the event whose callback it is, if
   * any: what is done while that event is being published is "within" it.
   */
  #react(reaction: Reaction | undefined, during?: unknown): void {
    if (reaction === undefined || this.#depth >= MAX_DEPTH || this.#budget <= 0) return;
    this.#budget--;
    this.covered.add(`a callback did ${reaction.kind}`);
    this.#depth++;
    const n = serialOf(during);
    if (n !== undefined) this.#within.push(n);
    try {
      this.#perform(reaction);
    } finally {
      this.#depth--;
      if (n !== undefined) this.#within.pop();
    }
  }

  /** Checked inside every callback: the bus's gauges stay within its limits at every moment. */
  #probe(where: string, user = true): void {
    if (user) this.#callbacks++;
    const s = this.bus.stats();
    if (s.queued > this.config.capacity) this.#violate('capacity', `queued ${s.queued} > capacity ${this.config.capacity} inside ${where}`);
    if (s.running > this.config.concurrency) {
      this.#violate('capacity', `running ${s.running} > concurrency ${this.config.concurrency} inside ${where}`);
    }
  }

  // ------------------------------------------------------------------ signals and payloads

  #signal(spec: SignalSpec): ControllerRecord | undefined {
    if (spec === 'none') return undefined;
    const controller = new AbortController();
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    const record: ControllerRecord = {
      index: this.#controllers.length,
      controller,
      reason: new Error(`abort #${this.#controllers.length}`),
      listeners: new Set(),
      abortSeq: undefined,
      abortTime: undefined,
    };
    if (spec === 'stopped') add('abort', (e: Event) => e.stopImmediatePropagation());
    // Counting the bus's abort listeners: every listener added through the
    // signal's own methods from here on is the bus's.
    signal.addEventListener = ((
      type: string,
      listener: EventListenerOrEventListenerObject,
      options?: boolean | AddEventListenerOptions,
    ) => {
      if (type === 'abort') record.listeners.add(listener);
      add(type, listener, options);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((
      type: string,
      listener: EventListenerOrEventListenerObject,
      options?: boolean | EventListenerOptions,
    ) => {
      if (type === 'abort') record.listeners.delete(listener);
      remove(type, listener, options);
    }) as typeof signal.removeEventListener;
    this.#controllers.push(record);
    if (spec === 'aborted') this.#abortRecord(record);
    return record;
  }

  #abortRecord(record: ControllerRecord): void {
    if (record.abortSeq !== undefined) return;
    record.abortSeq = ++this.seq;
    record.abortTime = this.scheduler.now();
    // Aborting a handler's signal unsubscribes it; noted first, since the bus reacts inside abort().
    for (const h of this.#handlers) {
      if (h.controller !== record || h.unsubscribeSeq !== undefined) continue;
      h.unsubscribeSeq = record.abortSeq;
      h.unsubscribeDepth = this.#depth;
    }
    record.controller.abort(record.reason);
  }

  #abort(index: number): void {
    const live = this.#controllers.filter((c) => c.abortSeq === undefined);
    if (live.length === 0) return;
    this.#abortRecord(live[index % live.length]!);
  }

  #payload(spec: PayloadSpec): { n: number; payload: Record<string, unknown> } {
    const n = ++this.#serial;
    return { n, payload: spec.hostile === true ? hostilePayload(n, spec.k) : { n, k: spec.k, v: spec.v } };
  }

  // ------------------------------------------------------------------ publishing

  /** The logged event an envelope is (by its payload, which is unique, so duplicate ids do not confuse the accounting). */
  #logged(e: { readonly id: number; readonly payload?: unknown }): LoggedEvent | undefined {
    const n = serialOf(e.payload);
    return n === undefined ? this.#eventsById.get(e.id) : this.#eventsByN.get(n);
  }

  #logEvent(e: BusEvent): void {
    const seq = ++this.seq;
    const last = this.#events[this.#events.length - 1];
    if (this.#eventsById.has(e.id)) this.#violate('ids', `event id ${e.id} given twice (${this.#eventsById.get(e.id)!.type}, ${e.type})`);
    else if (last !== undefined && e.id <= last.id)
      this.#violate('ids', `event id ${e.id} (${e.type}) after id ${last.id}: not increasing`);
    const n = serialOf(e.payload);
    const logged: LoggedEvent = { id: e.id, type: e.type, payload: e.payload, n, seq, time: this.scheduler.now() };
    this.#events.push(logged);
    if (!this.#eventsById.has(e.id)) this.#eventsById.set(e.id, logged);
    if (n !== undefined) {
      if (this.#eventsByN.has(n)) this.#violate('accounting', `payload #${n} was published twice`);
      this.#eventsByN.set(n, logged);
    }
    if (this.#closeSeq !== undefined) this.#violate('closed', `event ${e.type}#${e.id} published after close() was called`);
    this.#probe(`a stream subscriber (event ${e.type}#${e.id})`, false);
  }

  /** Handlers of the run that would get a job for `type`, and whether they could all start on a free slot. */
  #jobsFor(type: string, payload: Record<string, unknown>): { jobs: number; slotsUsable: boolean } {
    let jobs = 0;
    let slotsUsable = true;
    for (const h of this.#handlers) {
      if (h.subscription === undefined || h.unsubscribeSeq !== undefined || !handlerMatches(h.spec.pattern, type)) continue;
      if (h.spec.keyed && h.spec.keyThrowsOn === payload.k) continue;
      jobs++;
      if (h.spec.keyed || h.spec.cap !== Infinity) slotsUsable = false;
    }
    if (type === 'req' && this.#responders.some((r) => r.subscription !== undefined && r.unsubscribeSeq === undefined)) jobs++;
    return { jobs, slotsUsable };
  }

  #snapshot(n: number, type: string, payload: Record<string, unknown>): RoomSnapshot {
    const s = this.bus.stats();
    const { jobs, slotsUsable } = this.#jobsFor(type, payload);
    return {
      n,
      jobs,
      free: s.paused ? 0 : this.config.concurrency - s.running,
      room: this.config.capacity - s.queued,
      slotsUsable: slotsUsable && s.queued === 0,
      callbacksAtCall: this.#callbacks,
    };
  }

  /** The jobs of the publish in `snapshot` fitted, yet it dropped or refused some: a violation. */
  #checkRoom(snapshot: RoomSnapshot | undefined, what: string): void {
    if (snapshot === undefined || snapshot.callbacksAtCall !== this.#callbacks) return; // user code ran since: the snapshot is stale
    const fits = snapshot.jobs <= snapshot.room || (snapshot.slotsUsable && snapshot.jobs <= snapshot.room + Math.max(0, snapshot.free));
    if (fits) {
      this.#violate(
        'capacity',
        `${what} for payload #${snapshot.n} although its ${snapshot.jobs} job(s) fitted (${snapshot.free} free slot(s), ${snapshot.room} queue room)`,
      );
    }
  }

  #publish(type: string, spec: PayloadSpec): void {
    const { n, payload } = this.#payload(spec);
    const call: PublishCall = { callSeq: ++this.seq, endSeq: undefined };
    this.#calls.set(n, call);
    const snapshot = this.#snapshot(n, type, payload);
    this.#snapshots.push(snapshot);
    const closedBefore = this.#closeSeq !== undefined;
    try {
      this.bus.publish(type, payload);
      if (closedBefore) this.#violate('closed', `publish('${type}') after close() did not throw BusClosedError`);
    } catch (error) {
      const name = nameOf(error);
      if (name === 'BusClosedError') {
        // A close() from a key function of this very publish stops its admission (contract: at the moment it is called).
        if (this.#closeSeq === undefined) this.#violate('closed', `publish('${type}') threw BusClosedError before close() was called`);
      } else if (name === 'QueueFullError' && this.config.overflow === 'error') {
        this.#refused.add(n);
        this.#checkRoom(snapshot, 'publish threw QueueFullError');
      } else {
        this.#violate('robustness', `publish('${type}') threw ${describe(error)}`);
      }
    } finally {
      this.#snapshots.pop();
    }
    if (this.#eventsByN.has(n)) call.endSeq = ++this.seq;
  }

  #emit(spec: EmitSpec): void {
    const { n, payload } = this.#payload(spec.payload);
    const controller = this.#signal(spec.signal);
    const record: EmitRecord = {
      id: this.#emits.length,
      spec,
      n,
      callSeq: ++this.seq,
      callTime: this.scheduler.now(),
      controller,
      jobsAtCall: this.#jobsFor(spec.type, payload).jobs,
      within: new Set(this.#within),
      returnSeq: Infinity,
      outcome: undefined,
    };
    this.#emits.push(record);
    const call: PublishCall = { callSeq: record.callSeq, endSeq: undefined };
    this.#calls.set(n, call);
    let promise: Promise<void>;
    try {
      promise = this.bus.emit(spec.type, payload, { timeout: spec.timeout, signal: controller?.controller.signal });
    } catch (error) {
      this.#violate('robustness', `emit('${spec.type}') threw synchronously: ${describe(error)}`);
      return;
    }
    if (this.#eventsByN.has(n)) call.endSeq = ++this.seq;
    record.returnSeq = ++this.seq;
    promise.then(
      (value) => (record.outcome = this.#outcome('resolved', value)),
      (error: unknown) => (record.outcome = this.#outcome('rejected', error)),
    );
  }

  #outcome(kind: 'resolved' | 'rejected', value: unknown): Outcome {
    const at = { seq: ++this.seq, time: this.scheduler.now(), step: this.step };
    return kind === 'resolved' ? { kind, value, ...at } : { kind, error: value, ...at };
  }

  // ------------------------------------------------------------------ handlers

  #on(spec: HandlerSpec): void {
    const id = this.#handlers.length;
    const controller = spec.signal === 'none' ? undefined : this.#signal(spec.signal === 'stopped' ? 'live' : spec.signal);
    const record: HandlerRecord = {
      id,
      name: `h${id}`,
      spec,
      keyError: new KeyError(`key of h${id}`),
      subscribeSeq: ++this.seq,
      subscribeDepth: this.#depth,
      controller,
      subscription: undefined,
      unsubscribeSeq: undefined,
      unsubscribeDepth: 0,
      running: 0,
      runningByKey: new Map(),
      lastIdByKey: new Map(),
      lastId: 0,
      reacted: false,
      keyReacted: false,
      keyErrorsSeen: new Map(),
    };
    const key = spec.keyed
      ? (payload: unknown): number => {
          this.#probe(`the key function of ${record.name}`);
          if (!record.keyReacted) {
            record.keyReacted = true;
            this.#react(spec.keyReaction, payload);
          }
          const k = (payload as { k: number }).k;
          if (k === spec.keyThrowsOn) throw record.keyError;
          return k;
        }
      : undefined;
    const closedBefore = this.#closeSeq !== undefined;
    try {
      record.subscription = this.bus.on(spec.pattern, (payload, event, context) => this.#job(record, event, context), {
        concurrency: spec.cap,
        key,
        signal: controller?.controller.signal,
        name: record.name,
        timeout: spec.timeout ?? 0,
      });
      if (controller?.abortSeq !== undefined) record.unsubscribeSeq = controller.abortSeq;
      if (closedBefore) this.#violate('closed', `on('${spec.pattern}') after close() did not throw BusClosedError`);
    } catch (error) {
      if (!(closedBefore && nameOf(error) === 'BusClosedError'))
        this.#violate('robustness', `on('${spec.pattern}') threw ${describe(error)}`);
      return;
    }
    this.#handlers.push(record);
    this.#handlersByName.set(record.name, record);
  }

  #job(h: HandlerRecord, event: BusEvent, context: HandlerContext): unknown {
    const startSeq = ++this.seq;
    this.#probe(`the start of a job of ${h.name}`);
    const logged = this.#logged(event);
    const job: JobRecord = {
      handler: h,
      event: logged,
      eventId: event.id,
      eventKey: eventKey(event),
      startSeq,
      startTime: this.scheduler.now(),
      step: this.step,
      endSeq: undefined,
      endTime: undefined,
      abortSeq: undefined,
      abortTime: undefined,
      failure: undefined,
      reported: 0,
      timedOut: false,
    };
    const jobKey = `${h.name}:${eventKey(event)}`;
    if (logged === undefined)
      this.#violate('accounting', `${h.name} got a job for event #${event.id} (${describe(event.type)}), which was never published`);
    else if (logged.type !== event.type || logged.payload !== event.payload) {
      this.#violate(
        'robustness',
        `${h.name} got event #${event.id} as ${describe(event.type)}, published as ${logged.type}: the envelope was changed by a consumer`,
      );
    }
    const n = logged?.n;
    if (n !== undefined && this.#refused.has(n))
      this.#violate('accounting', `${h.name} ran a job of payload #${n}, whose publish threw QueueFullError`);
    if (h.unsubscribeSeq !== undefined && h.unsubscribeSeq < startSeq) {
      this.#violate('accounting', `${h.name} started a job for #${event.id} after it was unsubscribed`);
    }
    if (logged !== undefined && !handlerMatches(h.spec.pattern, logged.type)) {
      this.#violate('accounting', `${h.name} ('${h.spec.pattern}') got a job for '${logged.type}'`);
    }
    if (this.#jobs.has(jobKey)) this.#violate('accounting', `${h.name} ran event #${event.id} twice`);
    if (this.#paused && this.#pausedAtTop !== undefined && this.#closeSeq === undefined) {
      this.#violate('ordering', `${h.name} started a job (#${event.id}) while the pool was paused (pause() at seq ${this.#pausedAtTop})`);
    }
    if (this.#drops.has(jobKey)) this.#violate('accounting', `${h.name} ran event #${event.id} after it was dropped`);
    if (h.running >= h.spec.cap)
      this.#violate('ordering', `${h.name} runs ${h.running + 1} jobs at once, over its concurrency ${h.spec.cap}`);
    if (h.spec.keyed && logged !== undefined) {
      const k = (logged.payload as { k: number }).k;
      if ((h.runningByKey.get(k) ?? 0) > 0) this.#violate('ordering', `${h.name} runs two jobs of key ${k} at once (#${event.id})`);
      const last = h.lastIdByKey.get(k) ?? 0;
      if (last > event.id) this.#violate('ordering', `${h.name} key ${k}: job #${event.id} started after #${last} (not in publish order)`);
      h.lastIdByKey.set(k, Math.max(last, event.id));
      h.runningByKey.set(k, (h.runningByKey.get(k) ?? 0) + 1);
    } else if (!h.spec.keyed) {
      if (h.lastId > event.id) this.#violate('ordering', `${h.name}: job #${event.id} started after #${h.lastId} (not in publish order)`);
    }
    h.lastId = Math.max(h.lastId, event.id);
    if (this.#closeResolved) this.#violate('close', `${h.name} started a job (#${event.id}) after close() resolved`);
    const cancel = this.#cancelledBy(startSeq, job.startTime);
    if (cancel !== undefined) this.#violate('close', `${h.name} started a job (#${event.id}) after ${cancel}`);
    this.#jobs.set(jobKey, job);
    h.running++;
    this.#running++;

    const signal = context.signal;
    let onAbort: (() => void) | undefined;
    const markAbort = (): void => {
      if (job.abortSeq !== undefined) return;
      job.abortSeq = ++this.seq;
      job.abortTime = this.scheduler.now();
      onAbort?.();
    };
    if (signal.aborted) markAbort();
    else signal.addEventListener('abort', markAbort, { once: true });

    const end = (failed: boolean, value?: unknown, hostile = false): void => {
      if (job.endSeq !== undefined) return;
      job.endSeq = ++this.seq;
      job.endTime = this.scheduler.now();
      if (failed) job.failure = { value, hostile };
      h.running--;
      this.#running--;
      if (h.spec.keyed && logged !== undefined) {
        const k = (logged.payload as { k: number }).k;
        h.runningByKey.set(k, (h.runningByKey.get(k) ?? 1) - 1);
      }
    };

    if (!h.reacted) {
      h.reacted = true;
      this.#react(h.spec.reaction, event.payload);
    }
    const { mode, delay, failure, late } = h.spec.behaviour;
    const fail = failureValue(failure, `${h.name}#${event.id}`);
    switch (mode) {
      case 'sync':
        end(false);
        return undefined;
      case 'throw':
        end(true, fail.value, fail.hostile);
        throw fail.value;
      default:
        return new Promise<void>((resolve, reject) => {
          this.#ownTimers++;
          let fired = false;
          const timer = this.scheduler.schedule(() => {
            fired = true;
            this.#ownTimers--;
            this.#react(late);
            if (mode === 'reject') {
              end(true, fail.value, fail.hostile);
              reject(fail.value);
            } else {
              end(false);
              resolve();
            }
          }, delay);
          if (mode === 'cooperative') {
            onAbort = () => {
              if (job.endSeq !== undefined) return;
              if (!fired) {
                timer.unsubscribe();
                this.#ownTimers--;
              }
              const reason: unknown = signal.reason;
              end(true, reason, false);
              reject(reason);
            };
            if (job.abortSeq !== undefined) onAbort();
          }
        });
    }
  }

  /** Which close() call, if any, forbids a job to start at (seq, time). */
  #cancelledBy(seq: number, time: number): string | undefined {
    for (const c of this.#closes) {
      if (c.seq >= seq) continue;
      if (!c.drain) return `close({ drain: false }) was called (seq ${c.seq})`;
      if (c.timeout > 0 && time > c.time + c.timeout) return `close({ timeout: ${c.timeout} }) timed out at ${c.time + c.timeout}`;
    }
    return undefined;
  }

  #onDropped(d: DroppedJob): void {
    this.#droppedSeen++;
    this.covered.add(`a job was dropped (${d.reason})`);
    this.#probe(`a dropped$ subscriber (${d.reason})`, false);
    const logged = this.#logged(d.event);
    if (logged === undefined) this.#violate('accounting', `dropped$ reported event #${d.event.id}, which was never published`);
    const n = logged?.n;
    if (n !== undefined && this.#refused.has(n))
      this.#violate('accounting', `dropped$ reported payload #${n}, whose publish threw QueueFullError`);
    const h = d.handler === undefined ? undefined : this.#handlersByName.get(d.handler);
    if (h !== undefined) {
      const jobKey = `${h.name}:${eventKey(d.event)}`;
      if (this.#jobs.has(jobKey)) this.#violate('accounting', `${h.name}'s job for #${d.event.id} was dropped (${d.reason}) after it ran`);
      if (this.#drops.has(jobKey)) this.#violate('accounting', `${h.name}'s job for #${d.event.id} was dropped twice`);
      this.#drops.set(jobKey, d);
      if (d.reason === 'unsubscribed' && h.unsubscribeSeq === undefined) {
        this.#violate('accounting', `${h.name}'s job for #${d.event.id} dropped as 'unsubscribed', but it is subscribed`);
      }
    }
    if (d.reason === 'closed' && this.#closeSeq === undefined) this.#violate('accounting', `a job was dropped as 'closed' before close()`);
    if (d.reason === 'cleared') {
      this.#clearedSeen++;
      if (this.#firstClearSeq === undefined) this.#violate('accounting', `a job was dropped as 'cleared' before any clear()`);
    }
    // Under 'drop-oldest', an event with more jobs than the whole queue holds can only drop its own.
    const allowed = this.config.overflow === 'drop-oldest' ? ['drop-oldest', 'drop-newest'] : [this.config.overflow];
    if ((d.reason === 'drop-newest' || d.reason === 'drop-oldest') && !allowed.includes(d.reason)) {
      this.#violate('accounting', `a job was dropped as '${d.reason}' under overflow '${this.config.overflow}'`);
    }
    if (d.reason === 'drop-newest' || d.reason === 'drop-oldest') {
      const snapshot = this.#snapshots[this.#snapshots.length - 1];
      if (d.reason === 'drop-oldest' || snapshot?.n === n) this.#checkRoom(snapshot, `a job was dropped (${d.reason})`);
    }
  }

  #onHandlerError(error: HandlerError): void {
    this.#probe('an errors$ subscriber', false);
    const cause: unknown = error.cause;
    const key = error.event === undefined ? undefined : eventKey(error.event as BusEvent);
    let known = false;
    for (const job of this.#jobs.values()) {
      // The handler too: two handlers may fail on one event with the same primitive (null, a string).
      if (job.failure !== undefined && job.failure.value === cause && job.eventKey === key && job.handler.name === error.handler) {
        job.reported++;
        known = true;
      }
    }
    for (const h of this.#handlers) {
      if (cause === h.keyError && key !== undefined) {
        h.keyErrorsSeen.set(key, (h.keyErrorsSeen.get(key) ?? 0) + 1);
        known = true;
      }
    }
    for (const f of this.#responderFailures) {
      if (f.error === cause) {
        f.reported++;
        known = true;
      }
    }
    if (!known && nameOf(cause) === 'TimeoutError' && key !== undefined) known = this.#onJobTimeout(error, key);
    if (!known) this.#unexpectedErrors.push(error);
  }

  /** A JobTimeoutError: it must be for a job of a handler with a timeout, still running, that long after its start. */
  #onJobTimeout(error: HandlerError, key: string): boolean {
    const cause = error.cause as { handler?: unknown; timeout?: unknown };
    const job = [...this.#jobs.values()].find((j) => j.eventKey === key && j.handler.name === error.handler);
    if (job === undefined) return false;
    const timeout = job.handler.spec.timeout ?? 0;
    const now = this.scheduler.now();
    if (timeout === 0 || cause.timeout !== timeout || cause.handler !== job.handler.name) {
      this.#violate(
        'accounting',
        `${job.handler.name}'s job for #${job.eventId} timed out, but its handler has timeout ${timeout} (${describe(cause)})`,
      );
    }
    // A job whose promise settled at this very virtual time may still be running for the bus (the
    // settlement reaches it a microtask later, and the deadline timer of the same time runs first).
    if (job.endSeq !== undefined && job.endTime !== now) {
      this.#violate('accounting', `${job.handler.name}'s job for #${job.eventId} timed out after it ended`);
    }
    if (now - job.startTime < timeout) {
      this.#violate(
        'accounting',
        `${job.handler.name}'s job for #${job.eventId} timed out after ${now - job.startTime} ms, before its ${timeout} ms`,
      );
    }
    job.timedOut = true;
    job.reported++;
    return true;
  }

  // ------------------------------------------------------------------ pool controls

  #pause(): void {
    this.bus.pause();
    if (this.#closeSeq !== undefined) {
      if (this.bus.stats().paused) this.#violate('close', 'pause() after close() paused the pool: the drain could never end');
      return;
    }
    this.covered.add(this.#depth > 0 ? 'a callback paused the pool' : 'a step paused the pool');
    this.#paused = true;
    this.#pausedAtTop ??= this.#depth === 0 ? ++this.seq : undefined;
    if (!this.bus.stats().paused) this.#violate('ordering', 'stats().paused is false right after pause()');
  }

  #resume(): void {
    this.#paused = false;
    this.#pausedAtTop = undefined;
    this.bus.resume();
  }

  #clear(pattern: string | undefined): void {
    this.#firstClearSeq ??= ++this.seq;
    const before = this.#clearedSeen;
    let cleared: number;
    try {
      cleared = this.bus.clear(pattern);
    } catch (error) {
      this.#violate('robustness', `clear(${pattern ?? ''}) threw ${describe(error)}`);
      return;
    }
    // Nested clears (from dropped$ subscribers) report theirs within this call too.
    if (this.#clearedSeen - before < cleared) {
      this.#violate(
        'accounting',
        `clear() returned ${cleared} but dropped$ reported ${this.#clearedSeen - before} 'cleared' job(s) meanwhile`,
      );
    }
    if (cleared > 0) this.covered.add(this.#depth > 0 ? 'a callback cleared queued jobs' : 'a step cleared queued jobs');
  }

  #watch(channel: 'errors' | 'dropped', reaction: Reaction): void {
    if (this.#closeSeq !== undefined) return;
    const record: WatcherRecord = { channel, reaction, subscription: undefined, reacted: false };
    this.#watchers.push(record);
    // Reacts to its first notification, and unsubscribes itself from inside the callback.
    const observer = (value: unknown): void => {
      this.#probe(`an ${channel}$ subscriber`);
      if (record.reacted) return;
      record.reacted = true;
      record.subscription?.unsubscribe();
      this.#react(reaction, (value as { event?: { payload?: unknown } }).event?.payload);
    };
    const source: Observable<unknown> = channel === 'errors' ? this.bus.errors$ : this.bus.dropped$;
    record.subscription = source.subscribe(observer);
  }

  // ------------------------------------------------------------------ streams

  #stream(spec: StreamSpec): void {
    const record: StreamRecord = { spec, subscription: undefined, unsubscribed: false, completed: false, reacted: false };
    this.#streams.push(record);
    record.subscription = this.bus.events$(spec.pattern as never).subscribe({
      next: (e) => {
        this.#probe(`a stream subscriber of '${spec.pattern}'`);
        if (record.unsubscribed) this.#violate('closed', `a stream subscriber got #${e.id} after it unsubscribed`);
        if (spec.mutate) {
          try {
            (e as { type: string }).type = 'mutated';
          } catch {
            // read-only: as it should be
          }
        }
        if (!record.reacted) {
          record.reacted = true;
          this.#react(spec.reaction, e.payload);
        }
      },
      complete: () => (record.completed = true),
    });
  }

  // ------------------------------------------------------------------ waiting

  #matcher(spec: MatcherSpec, record: WaiterRecord): unknown {
    const reactOnce = (payload: unknown): void => {
      this.#probe('a matcher');
      if (record.matcherReacted) return;
      record.matcherReacted = true;
      this.#react(spec.reaction, payload);
    };
    switch (spec.kind) {
      case 'any':
        return undefined;
      case 'pin-v':
        return { v: spec.v };
      case 'pin-kv':
        return { k: spec.k, v: spec.v };
      case 'predicate':
        return (p: { v: number }) => {
          reactOnce(p);
          return p.v === spec.v;
        };
      case 'field-predicate':
        return {
          v: (v: number, _event: unknown) => {
            reactOnce(undefined);
            return v >= spec.v;
          },
        };
      case 'throws':
        return (p: { k: number; v: number }) => {
          reactOnce(p);
          if (p.v === spec.v) throw record.matcherError;
          return p.k === 0;
        };
      case 'thenable':
        return (p: unknown) => {
          reactOnce(p);
          return Promise.resolve(true);
        };
    }
  }

  #waitFor(spec: WaitSpec): void {
    const callSeq = ++this.seq;
    const cursorAtCall = this.bus.cursor() as number;
    const controller = this.#signal(spec.signal);
    let since: number | 'history' | undefined;
    let after = cursorAtCall;
    let gap = false;
    if (spec.since === 'history') {
      since = 'history';
      after = Math.max(0, cursorAtCall - this.config.history);
    } else if (spec.since !== 'none') {
      since = this.#cursors.length === 0 ? 'history' : this.#cursors[spec.since.cursor % this.#cursors.length]!;
      if (since === 'history') after = Math.max(0, cursorAtCall - this.config.history);
      else {
        after = since;
        // Events after the cursor that the history no longer holds: the wait cannot be answered.
        gap = since < cursorAtCall - this.config.history;
      }
    }
    const record: WaiterRecord = {
      id: this.#waiters.length,
      spec,
      callSeq,
      callTime: this.scheduler.now(),
      step: this.step,
      cursorAtCall,
      after,
      gap,
      deadline: spec.timeout > 0 ? this.scheduler.now() + spec.timeout : Infinity,
      controller,
      abortedBefore: controller?.abortSeq !== undefined,
      matcherError: new MatcherError(`matcher of waiter #${this.#waiters.length}`),
      outcome: undefined,
      nexts: 0,
      errors: 0,
      completes: 0,
      subscription: undefined,
      unsubscribeSeq: undefined,
      reacted: false,
      matcherReacted: false,
    };
    this.#waiters.push(record);
    if (gap) this.covered.add('a since cursor was older than the history');
    const matcher = this.#matcher(spec.matcher, record) as never;
    const options = { timeout: spec.timeout, signal: controller?.controller.signal, since: since as never };
    try {
      if (spec.form === 'promise') {
        this.bus.waitFor(spec.pattern as never, matcher, options).then(
          (event) => (record.outcome = this.#outcome('resolved', event)),
          (error: unknown) => (record.outcome = this.#outcome('rejected', error)),
        );
      } else {
        record.subscription = this.bus.waitFor$(spec.pattern as never, matcher, options).subscribe({
          next: (event) => {
            record.nexts++;
            if (record.unsubscribeSeq !== undefined) this.#violate('waiters', `waitFor$ #${record.id} emitted after it was unsubscribed`);
            record.outcome ??= this.#outcome('resolved', event);
            if (!record.reacted) {
              record.reacted = true;
              this.#react(spec.reaction, event.payload);
            }
          },
          error: (error: unknown) => {
            record.errors++;
            if (record.unsubscribeSeq !== undefined) this.#violate('waiters', `waitFor$ #${record.id} errored after it was unsubscribed`);
            record.outcome ??= this.#outcome('rejected', error);
          },
          complete: () => {
            record.completes++;
            if (record.nexts === 0) this.#violate('waiters', `waitFor$ #${record.id} completed without a value`);
          },
        });
      }
    } catch (error) {
      this.#violate('robustness', `waitFor threw synchronously: ${describe(error)}`);
    }
  }

  // ------------------------------------------------------------------ request / reply

  #handle(spec: ResponderSpec): void {
    if (this.#responders.some((r) => r.subscription !== undefined && r.unsubscribeSeq === undefined)) return;
    const record: ResponderRecord = {
      id: this.#responders.length,
      spec,
      subscription: undefined,
      unsubscribeSeq: undefined,
      reacted: false,
    };
    const responder = (payload: unknown, context: HandlerContext): unknown => {
      this.#probe('a responder');
      const n = (payload as { n: number }).n;
      this.#responderRunning++;
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        this.#responderRunning--;
      };
      if (!record.reacted) {
        record.reacted = true;
        this.#react(spec.reaction, payload);
      }
      const failure = (): ResponderError => {
        const error = new ResponderError(n);
        this.#responderFailures.push({ error, n, reported: 0 });
        return error;
      };
      switch (spec.mode) {
        case 'reply':
          end();
          return { re: n };
        case 'throw':
          end();
          throw failure();
        default:
          return new Promise((resolve, reject) => {
            this.#ownTimers++;
            let fired = false;
            const timer = this.scheduler.schedule(() => {
              fired = true;
              this.#ownTimers--;
              end();
              if (spec.mode === 'async-reject') reject(failure());
              else resolve({ re: n });
            }, spec.delay);
            if (spec.mode === 'cooperative') {
              const stop = (): void => {
                if (ended || fired) return;
                timer.unsubscribe();
                this.#ownTimers--;
                end();
                reject(context.signal.reason);
              };
              if (context.signal.aborted) stop();
              else context.signal.addEventListener('abort', stop, { once: true });
            }
          });
      }
    };
    Object.defineProperty(responder, 'name', { value: `r${record.id}` });
    try {
      record.subscription = this.bus.handle('req' as never, responder as never);
    } catch (error) {
      if (!(this.#closeSeq !== undefined && nameOf(error) === 'BusClosedError'))
        this.#violate('robustness', `handle('req') threw ${describe(error)}`);
      return;
    }
    this.#responders.push(record);
  }

  #request(spec: RequestSpec): void {
    const { n, payload } = this.#payload(spec.payload);
    const controller = this.#signal(spec.signal);
    const record: RequestRecord = {
      id: this.#requests.length,
      spec,
      n,
      callSeq: ++this.seq,
      callTime: this.scheduler.now(),
      controller,
      responderAtCall: this.#responders.some((r) => r.unsubscribeSeq === undefined),
      outcome: undefined,
    };
    this.#requests.push(record);
    const call: PublishCall = { callSeq: record.callSeq, endSeq: undefined };
    this.#calls.set(n, call);
    let promise: Promise<unknown>;
    try {
      promise = this.bus.request('req' as never, payload as never, { timeout: spec.timeout, signal: controller?.controller.signal });
    } catch (error) {
      this.#violate('robustness', `request threw synchronously: ${describe(error)}`);
      return;
    }
    if (this.#eventsByN.has(n)) call.endSeq = ++this.seq;
    promise.then(
      (value) => (record.outcome = this.#outcome('resolved', value)),
      (error: unknown) => (record.outcome = this.#outcome('rejected', error)),
    );
  }

  // ------------------------------------------------------------------ unsubscribing

  #unsubscribe(target: UnsubscribeTarget, index: number): void {
    switch (target) {
      case 'handler': {
        const live = this.#handlers.filter((h) => h.unsubscribeSeq === undefined);
        const h = live[index % Math.max(1, live.length)];
        if (h === undefined) return;
        h.unsubscribeSeq = ++this.seq;
        h.unsubscribeDepth = this.#depth;
        h.subscription?.unsubscribe();
        return;
      }
      case 'stream': {
        const live = this.#streams.filter((s) => !s.unsubscribed);
        const s = live[index % Math.max(1, live.length)];
        if (s === undefined) return;
        s.unsubscribed = true;
        s.subscription?.unsubscribe();
        return;
      }
      case 'waiter': {
        const live = this.#waiters.filter((w) => w.subscription !== undefined && w.unsubscribeSeq === undefined && w.outcome === undefined);
        const w = live[index % Math.max(1, live.length)];
        if (w === undefined) return;
        w.unsubscribeSeq = ++this.seq;
        w.subscription!.unsubscribe();
        return;
      }
      case 'responder': {
        const r = this.#responders.find((x) => x.unsubscribeSeq === undefined);
        if (r === undefined) return;
        r.unsubscribeSeq = ++this.seq;
        r.subscription?.unsubscribe();
        return;
      }
    }
  }

  // ------------------------------------------------------------------ lifetime

  #track(promise: boolean): void {
    if (this.#closeSeq !== undefined) return;
    if (!promise) {
      this.#tracks.push({ release: this.bus.track(), settle: undefined, released: false });
      return;
    }
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const p = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // track(p) returns the promise to use from then on (p's rejection stays the caller's to handle).
    Promise.resolve(this.bus.track(p)).catch(() => undefined);
    this.#tracks.push({ release: undefined, settle: (r) => (r ? reject(new Error('tracked work failed')) : resolve()), released: false });
  }

  #release(index: number, reject: boolean): void {
    if (this.#tracks.length === 0) return;
    const track = this.#tracks[index % this.#tracks.length]!;
    if (!track.released) {
      track.released = true;
      track.release?.();
      track.settle?.(reject);
      return;
    }
    if (track.release !== undefined) {
      let threw = false;
      try {
        track.release();
      } catch {
        threw = true;
      }
      if (!threw) this.#violate('settled', 'calling a track() release function a second time did not throw');
    }
  }

  #settled(): SettledRecord {
    const record: SettledRecord = { callSeq: ++this.seq, resolved: false };
    this.#settledCalls.push(record);
    this.bus.settled().then(() => {
      record.resolved = true;
      const s = this.bus.stats();
      const busy: string[] = [];
      if (s.queued > 0) busy.push(`queued ${s.queued}`);
      if (s.running > 0) busy.push(`running ${s.running}`);
      if (s.emitters > 0) busy.push(`emitters ${s.emitters}`);
      if (s.tracked > 0) busy.push(`tracked ${s.tracked}`);
      if (this.#running > 0) busy.push(`${this.#running} job(s) of the run not finished`);
      const unreleased = this.#tracks.filter((t) => !t.released).length;
      if (unreleased > 0) busy.push(`${unreleased} tracked work not released`);
      if (busy.length > 0) this.#violate('settled', `settled() resolved early: ${busy.join(', ')}`);
    });
    return record;
  }

  #close(drain: boolean, timeout: number): void {
    const record: CloseRecord = { seq: ++this.seq, time: this.scheduler.now(), drain, timeout, outcome: undefined };
    this.#closes.push(record);
    this.#closeSeq ??= record.seq;
    this.#paused = false; // close() resumes the pool so that it can drain
    this.#pausedAtTop = undefined;
    if (!this.#finishing)
      this.covered.add(
        this.#closes.length > 1 ? 'close() was called again' : this.#depth > 0 ? 'a callback closed the bus' : 'a step closed the bus',
      );
    let promise: Promise<void>;
    try {
      promise = this.bus.close(timeout > 0 ? { drain, timeout } : { drain });
    } catch (error) {
      this.#violate('robustness', `close() threw synchronously: ${describe(error)}`);
      return;
    }
    const settle = (outcome: Outcome): void => {
      record.outcome = outcome;
      this.#closeResolved = true;
      const timedOut = outcome.kind === 'rejected' && nameOf(outcome.error) === 'CloseTimeoutError';
      // A close that timed out rejects while the jobs it names still run; any other settles after them.
      if (this.#running > 0 && !timedOut) {
        const running = [...this.#jobs.values()].filter((j) => j.endSeq === undefined).map((j) => `${j.handler.name}#${j.eventId}`);
        this.#violate('close', `close() ${outcome.kind} while job(s) ${running.join(', ')} still ran`);
      }
      const s = this.bus.stats();
      const left = (['queued', 'running', 'waiters', 'pendingRequests', 'emitters'] as const).filter(
        (k) => s[k] > 0 && !(timedOut && k === 'running'),
      );
      if (left.length > 0) this.#violate('closed', `after close() ${outcome.kind}: ${left.map((k) => `${k} ${s[k]}`).join(', ')}`);
      if (outcome.kind === 'rejected') {
        const name = nameOf(outcome.error);
        // Every close() call shares one operation: a later call with a timeout escalates an earlier one.
        const bounded = this.#closes.some((c) => c.timeout > 0);
        if (name !== 'CloseTimeoutError' || !bounded)
          this.#violate('close', `close(${describeClose(record)}) rejected with ${describe(outcome.error)}`);
      }
    };
    promise.then(
      (value) => settle(this.#outcome('resolved', value)),
      (error: unknown) => settle(this.#outcome('rejected', error)),
    );
  }

  // ------------------------------------------------------------------ step invariants

  /** After every step (all continuations have run): the gauges agree with what was observed. */
  checkStep(): void {
    const s = this.bus.stats();
    if (s.emitters > 0) this.covered.add('an emit waited for room');
    if (s.queued > 0) this.covered.add('a job waited in the queue');
    if (s.running >= this.config.concurrency) this.covered.add('every slot was busy');
    if (s.running > 0) this.covered.add('a job ran across steps');
    if (s.queued > this.config.capacity) this.#violate('capacity', `queued ${s.queued} > capacity ${this.config.capacity} after the step`);
    if (s.dropped !== this.#droppedSeen)
      this.#violate('accounting', `stats().dropped is ${s.dropped} but dropped$ reported ${this.#droppedSeen}`);
    if (s.published !== this.#events.length)
      this.#violate('accounting', `stats().published is ${s.published} but ${this.#events.length} events were seen`);
    if (s.running !== this.#running + this.#responderRunning) {
      this.#violate('accounting', `stats().running is ${s.running} but ${this.#running + this.#responderRunning} job(s) run`);
    }
    const waiters = this.#waiters.filter((w) => w.outcome === undefined && w.unsubscribeSeq === undefined).length;
    if (s.waiters !== waiters) this.#violate('leaks', `stats().waiters is ${s.waiters} but ${waiters} waiter(s) are pending`);
    const emitters = this.#emits.filter((e) => e.outcome === undefined).length;
    if (s.emitters !== emitters) this.#violate('emitters', `stats().emitters is ${s.emitters} but ${emitters} emit(s) are pending`);
    const requests = this.#requests.filter((r) => r.outcome === undefined).length;
    if (s.pendingRequests !== requests)
      this.#violate('requests', `stats().pendingRequests is ${s.pendingRequests} but ${requests} request(s) are pending`);
    const failures = [...this.#jobs.values()].filter((j) => j.failure !== undefined || j.timedOut).length;
    if (s.paused !== this.#paused)
      this.#violate('ordering', `stats().paused is ${s.paused} but the pool is ${this.#paused ? '' : 'not '}paused`);
    const overdue = [...this.#jobs.values()].filter((j) => j.timedOut && j.endSeq === undefined).length;
    if (s.overdue !== overdue) this.#violate('accounting', `stats().overdue is ${s.overdue} but ${overdue} timed-out job(s) still run`);
    if (s.failed < failures || s.failed > failures + this.#responderFailures.length) {
      this.#violate(
        'accounting',
        `stats().failed is ${s.failed} but ${failures} job(s) failed (+ ${this.#responderFailures.length} responder failure(s))`,
      );
    }
    for (const e of this.#unexpectedErrors.splice(0))
      this.#violate('robustness', `unexpected HandlerError: ${describe(e)} (cause ${describe(e.cause)})`);
    this.#checkTimersAndListeners();
  }

  /** Nothing waits on a deadline: no timer but the run's own; no abort listener on a signal nobody waits on. */
  #checkTimersAndListeners(): void {
    const timed =
      this.#waiters.some((w) => w.outcome === undefined && w.unsubscribeSeq === undefined && w.spec.timeout > 0) ||
      this.#emits.some((e) => e.outcome === undefined && e.spec.timeout > 0) ||
      this.#requests.some((r) => r.outcome === undefined && r.spec.timeout > 0) ||
      this.#closes.some((c) => c.outcome === undefined && c.timeout > 0) ||
      [...this.#jobs.values()].some((j) => j.endSeq === undefined && !j.timedOut && (j.handler.spec.timeout ?? 0) > 0);
    if (!timed && this.scheduler.pending > this.#ownTimers) {
      this.#violate('leaks', `${this.scheduler.pending - this.#ownTimers} timer(s) left with no deadline pending`);
    }
    for (const c of this.#controllers) {
      if (c.listeners.size === 0) continue;
      const used =
        this.#waiters.some((w) => w.controller === c && w.outcome === undefined && w.unsubscribeSeq === undefined) ||
        this.#emits.some((e) => e.controller === c && e.outcome === undefined) ||
        this.#requests.some((r) => r.controller === c && r.outcome === undefined) ||
        this.#handlers.some((h) => h.controller === c && h.unsubscribeSeq === undefined && this.#closeResolved === false);
      if (!used && c.abortSeq === undefined)
        this.#violate('leaks', `${c.listeners.size} abort listener(s) left on signal #${c.index}, which nothing waits on`);
    }
  }

  // ------------------------------------------------------------------ quiescence

  /** Nothing is scheduled and every continuation ran: whatever is still pending is stuck. */
  #checkQuiescent(): void {
    const s = this.bus.stats();
    if (s.queued > 0 || s.running > 0) this.#violate('settled', `at quiescence: queued ${s.queued}, running ${s.running} (stranded jobs)`);
    for (const e of this.#emits) {
      if (e.outcome === undefined) this.#violate('emitters', `emit #${e.id} ('${e.spec.type}') never settled on an idle bus`);
    }
    for (const r of this.#requests) {
      if (r.outcome === undefined) this.#violate('requests', `request #${r.id} (payload #${r.n}) never settled`);
    }
    this.#checkWaiters(false);
  }

  /** Every (event, handler) pair a handler was subscribed throughout: one job run, or one drop. */
  #checkJobsAccounted(): void {
    for (const e of this.#events) {
      if (e.n === undefined) continue;
      const call = this.#calls.get(e.n);
      const start = call?.endSeq !== undefined ? call.callSeq : e.seq;
      const end = call?.endSeq;
      for (const h of this.#handlers) {
        if (!handlerMatches(h.spec.pattern, e.type)) continue;
        if (h.subscribeDepth > 0 || h.subscribeSeq > start) continue;
        if (h.unsubscribeSeq !== undefined) {
          const afterwards = end !== undefined ? h.unsubscribeSeq > end : h.unsubscribeDepth === 0 && h.unsubscribeSeq > e.seq;
          if (!afterwards) continue;
        }
        const key = `${h.name}:${eventKey(e)}`;
        const keyThrows = h.spec.keyed && (e.payload as { k: number }).k === h.spec.keyThrowsOn;
        if (keyThrows) {
          const seen = h.keyErrorsSeen.get(eventKey(e)) ?? 0;
          if (seen !== 1) this.#violate('accounting', `the key function error of ${h.name} for #${e.id} was reported ${seen} times`);
          if (this.#jobs.has(key)) this.#violate('accounting', `${h.name} ran #${e.id} though its key function threw`);
          continue;
        }
        if (!this.#jobs.has(key) && !this.#drops.has(key)) {
          this.#violate('accounting', `${h.name}'s job for ${e.type}#${e.id} neither ran nor was dropped`);
        }
      }
    }
    for (const job of this.#jobs.values()) {
      const timeout = job.handler.spec.timeout ?? 0;
      const async = job.handler.spec.behaviour.mode !== 'sync' && job.handler.spec.behaviour.mode !== 'throw';
      if (timeout > 0 && async && job.endTime !== undefined && job.endTime - job.startTime > timeout && !job.timedOut) {
        this.#violate(
          'accounting',
          `${job.handler.name}'s job for #${job.eventId} ran ${job.endTime - job.startTime} ms, over its ${timeout} ms timeout, and was never reported`,
        );
      }
      if (job.timedOut && job.endTime !== undefined && job.endTime - job.startTime < timeout) {
        this.#violate(
          'accounting',
          `${job.handler.name}'s job for #${job.eventId} ended in ${job.endTime - job.startTime} ms but was reported as timed out`,
        );
      }
      if (job.failure === undefined && !job.timedOut) continue;
      if (job.reported !== 1) {
        this.#violate(
          job.failure?.hostile ? 'robustness' : 'accounting',
          `${job.handler.name}'s ${job.timedOut ? 'timeout' : 'failure'} on #${job.eventId} (${describe(job.failure?.value)}) was reported ${job.reported} times on errors$`,
        );
      }
    }
  }

  /** The outcome of every waiter, against the events that were published. */
  #checkWaiters(closed: boolean): void {
    for (const w of this.#waiters) this.#checkWaiter(w, closed);
  }

  /** Events `w` could have settled on, in log order, with what its matcher does with them. */
  #candidates(w: WaiterRecord): Array<{ event: LoggedEvent; result: MatchResult; before: number }> {
    const out: Array<{ event: LoggedEvent; result: MatchResult; before: number }> = [];
    for (const e of this.#events) {
      if (e.id <= w.after || e.type.startsWith('$') || !patternMatches(w.spec.pattern, e.type)) continue;
      if (e.id > w.cursorAtCall && e.seq < w.callSeq) continue;
      const call = e.n === undefined ? undefined : this.#calls.get(e.n);
      // By when the waiter surely saw it: history events at the call, others when their publish returned.
      const before = e.id <= w.cursorAtCall ? w.callSeq : (call?.endSeq ?? Infinity);
      out.push({ event: e, result: expectedMatch(w.spec.matcher, w.matcherError, e.payload), before });
    }
    return out;
  }

  #checkWaiter(w: WaiterRecord, closed: boolean): void {
    const name = `waiter #${w.id} (${w.spec.form} '${w.spec.pattern}' ${w.spec.matcher.kind}${w.spec.since === 'none' ? '' : ' since'})`;
    if (w.nexts > 1 || w.errors > 1 || (w.nexts > 0 && w.errors > 0) || w.completes > 1) {
      this.#violate('waiters', `${name} settled more than once (next ${w.nexts}, error ${w.errors}, complete ${w.completes})`);
    }
    const abortSeq = w.controller?.abortSeq;
    const abortTime = w.controller?.abortTime;
    const candidates = w.gap ? [] : this.#candidates(w);
    const decisive = candidates.filter((c) => c.result !== 'nomatch' && !(typeof c.result === 'object' && 'either' in c.result));
    const family: Family = w.spec.since !== 'none' && (w.gap || this.#skipsHistory(w)) ? 'since' : 'waiters';
    const o = w.outcome;
    if (o === undefined) {
      if (w.unsubscribeSeq !== undefined) return;
      if (closed) this.#violate('closed', `${name} still pending after close()`);
      if (w.gap) this.#violate('since', `${name}: its since cursor is older than the history, yet it did not reject at once`);
      if (abortSeq !== undefined) this.#violate('waiters', `${name} is still pending though its signal aborted (${w.spec.signal})`);
      if (w.deadline <= this.scheduler.now()) this.#violate('waiters', `${name} is still pending after its deadline ${w.deadline}`);
      const missed = decisive.find((c) => c.before !== Infinity);
      if (missed !== undefined)
        this.#violate(family, `${name} is still pending though #${missed.event.id} (${describeResult(missed.result)}) was published`);
      return;
    }
    if (w.gap) {
      if (o.kind === 'resolved') this.#violate('since', `${name}: since cursor older than the history, yet it resolved`);
      else if (nameOf(o.error) === 'TimeoutError' || o.step !== w.step) {
        this.#violate(
          'since',
          `${name}: since cursor older than the history should reject at once, got ${describe(o.error)} at step ${o.step}`,
        );
      }
      return;
    }
    if (w.abortedBefore) {
      // On a closed bus, BusClosedError is as right as the reason.
      const closedFirst =
        this.#closeSeq !== undefined && this.#closeSeq < w.callSeq && o.kind === 'rejected' && nameOf(o.error) === 'BusClosedError';
      if (!closedFirst && (o.kind !== 'rejected' || o.error !== w.controller!.reason))
        this.#violate('waiters', `${name}: signal aborted before the call, got ${describeOutcome(o)}`);
      return;
    }
    if (o.kind === 'resolved') {
      const got = o.value as BusEvent;
      const logged = this.#logged(got);
      if (logged === undefined) {
        this.#violate('waiters', `${name} resolved with #${got.id}, never published`);
        return;
      }
      if (logged.type.startsWith('$') && patternMatches(w.spec.pattern, logged.type)) return;
      const mine = candidates.find((c) => c.event === logged);
      if (mine === undefined) {
        this.#violate(family, `${name} resolved with ${logged.type}#${logged.id}, not one it waits for (after #${w.after})`);
        return;
      }
      if (mine.result !== 'match')
        this.#violate('waiters', `${name} resolved with #${logged.id}, whose matcher result is ${describeResult(mine.result)}`);
      if (logged.time > w.deadline)
        this.#violate('waiters', `${name} resolved with #${logged.id} at ${logged.time}, after its deadline ${w.deadline}`);
      if (abortSeq !== undefined && abortSeq < logged.seq)
        this.#violate('waiters', `${name} resolved with #${logged.id} though its signal aborted first`);
      if (this.#closeSeq !== undefined && this.#closeSeq < logged.seq)
        this.#violate('closed', `${name} resolved with #${logged.id}, published after close()`);
      const skipped = decisive.find((c) => c.event.id < logged.id && c.before < logged.seq);
      if (skipped !== undefined)
        this.#violate(family, `${name} resolved with #${logged.id} but skipped #${skipped.event.id} (${describeResult(skipped.result)})`);
      return;
    }
    const error = o.error;
    const errName = nameOf(error);
    const firstBefore = (seq: number) => decisive.find((c) => c.before < seq);
    if (w.controller !== undefined && error === w.controller.reason) {
      if (abortSeq === undefined) this.#violate('waiters', `${name} rejected with the abort reason, but its signal never aborted`);
      else {
        const first = firstBefore(abortSeq);
        if (first !== undefined)
          this.#violate(family, `${name} rejected on abort, but #${first.event.id} (${describeResult(first.result)}) came first`);
        if (abortTime !== undefined && abortTime > w.deadline)
          this.#violate('waiters', `${name} rejected on abort at ${abortTime}, after its deadline ${w.deadline}`);
      }
    } else if (errName === 'BusClosedError') {
      if (this.#closeSeq === undefined) this.#violate('waiters', `${name} rejected with BusClosedError before close()`);
      else {
        const first = firstBefore(this.#closeSeq);
        if (first !== undefined)
          this.#violate(family, `${name} rejected on close, but #${first.event.id} (${describeResult(first.result)}) came first`);
      }
    } else if (errName === 'TimeoutError') {
      if (o.time < w.deadline) this.#violate('waiters', `${name} timed out at ${o.time}, before its deadline ${w.deadline}`);
      const first = decisive.find((c) => c.event.time < w.deadline);
      if (first !== undefined)
        this.#violate(
          family,
          `${name} timed out though #${first.event.id} (${describeResult(first.result)}) came at ${first.event.time} < ${w.deadline}`,
        );
      if (abortTime !== undefined && abortTime < w.deadline)
        this.#violate('waiters', `${name} timed out though its signal aborted at ${abortTime}`);
    } else {
      const thrower = candidates.find(
        (c) =>
          (typeof c.result === 'object' && ('throws' in c.result ? c.result.throws : c.result.either) === error) ||
          (c.result === 'type-error' && error instanceof TypeError),
      );
      if (thrower === undefined) this.#violate('waiters', `${name} rejected with ${describe(error)}, which no matcher call threw`);
      else {
        const first = decisive.find((c) => c.event.id < thrower.event.id && c.before < thrower.event.seq);
        if (first !== undefined) this.#violate(family, `${name} rejected on #${thrower.event.id}, but #${first.event.id} came first`);
      }
    }
  }

  /** Does `w` have a decisive history event it should have seen (to file its failures under 'since')? */
  #skipsHistory(w: WaiterRecord): boolean {
    return this.#events.some((e) => e.id > w.after && e.id <= w.cursorAtCall);
  }

  #checkEmits(): void {
    const resolved: EmitRecord[] = [];
    for (const e of this.#emits) {
      const o = e.outcome;
      if (o === undefined) continue;
      const name = `emit #${e.id} ('${e.spec.type}', payload #${e.n})`;
      const event = this.#eventsByN.get(e.n);
      if (o.kind === 'resolved') {
        if (event === undefined) this.#violate('emitters', `${name} resolved but its event was never published`);
        else {
          if (event.seq > e.returnSeq) this.covered.add('a waiting emit was served');
          resolved.push(e);
          if (this.#closeSeq !== undefined && event.seq > this.#closeSeq)
            this.#violate('emitters', `${name} was published after close() was called`);
        }
        continue;
      }
      if (event !== undefined)
        this.#violate('emitters', `${name} rejected with ${describe(o.error)} although its event #${event.id} was published`);
      const errName = nameOf(o.error);
      if (e.controller !== undefined && o.error === e.controller.reason) {
        if (e.controller.abortSeq === undefined) this.#violate('emitters', `${name} rejected with its abort reason, never aborted`);
        else if (e.spec.timeout > 0 && e.controller.abortTime! > e.callTime + e.spec.timeout) {
          this.#violate(
            'emitters',
            `${name} rejected on abort at ${e.controller.abortTime}, after its timeout at ${e.callTime + e.spec.timeout}`,
          );
        }
      } else if (errName === 'QueueFullError') {
        const never = e.jobsAtCall > this.config.capacity + this.config.concurrency;
        if (!never && (e.spec.timeout === 0 || o.time < e.callTime + e.spec.timeout)) {
          // At once is right only when the jobs can never fit (also once a handler was added while it waited).
          // Handlers subscribed at some point while it waited (the rejection is seen later, when its promise settles).
          const now = this.#handlers.filter(
            (h) =>
              h.subscribeSeq <= o.seq &&
              (h.unsubscribeSeq === undefined || h.unsubscribeSeq > e.callSeq) &&
              handlerMatches(h.spec.pattern, e.spec.type),
          ).length;
          if (now <= this.config.capacity + this.config.concurrency)
            this.#violate('emitters', `${name} rejected with QueueFullError at ${o.time} before its timeout`);
        }
      } else if (errName === 'BusClosedError') {
        if (this.#closeSeq === undefined || this.#closeSeq > o.seq)
          this.#violate('emitters', `${name} rejected with BusClosedError before close()`);
      } else {
        this.#violate('emitters', `${name} rejected with ${describe(o.error)}`);
      }
    }
    // FIFO: an emit called after an earlier one had returned (published, or
    // waiting in line) is published after it — unless it was called from a
    // callback of that earlier event's own publish, where the order is the
    // re-entrancy model's.
    for (const a of resolved) {
      for (const b of resolved) {
        if (b.callSeq <= a.returnSeq || b.within.has(a.n)) continue;
        if (this.#eventsByN.get(a.n)!.seq > this.#eventsByN.get(b.n)!.seq) {
          this.#violate('fifo', `emit #${a.id} was called (and returned) before emit #${b.id} but was published after it`);
        }
      }
    }
  }

  #checkRequests(): void {
    for (const r of this.#requests) {
      const o = r.outcome;
      if (o === undefined) continue;
      const name = `request #${r.id} (payload #${r.n})`;
      if (o.kind === 'resolved') {
        const reply = o.value as { re?: unknown } | undefined;
        if (reply?.re !== r.n) this.#violate('requests', `${name} got the reply for ${describe(reply?.re)}`);
        continue;
      }
      const error = o.error;
      const errName = nameOf(error);
      if (error instanceof ResponderError) {
        if (error.n !== r.n) this.#violate('requests', `${name} got the responder error of request #${error.n}`);
      } else if (r.controller !== undefined && error === r.controller.reason) {
        if (r.controller.abortSeq === undefined) this.#violate('requests', `${name} rejected with its abort reason, never aborted`);
      } else if (errName === 'TimeoutError') {
        if (r.spec.timeout === 0 || o.time < r.callTime + r.spec.timeout)
          this.#violate('requests', `${name} timed out at ${o.time}, before its timeout`);
      } else if (errName === 'BusClosedError') {
        if (this.#closeSeq === undefined) this.#violate('requests', `${name} rejected with BusClosedError before close()`);
      } else if (errName === 'NoResponderError') {
        if (r.responderAtCall && !this.#responders.some((x) => x.unsubscribeSeq !== undefined)) {
          this.#violate('requests', `${name} rejected with NoResponderError though a responder was registered`);
        }
      } else if (errName !== 'QueueFullError') {
        this.#violate('requests', `${name} rejected with ${describe(error)}`);
      }
    }
    for (const f of this.#responderFailures) {
      const toCaller = this.#requests.some((r) => r.outcome?.kind === 'rejected' && r.outcome.error === f.error);
      if (!toCaller && f.reported !== 1) {
        this.#violate(
          'requests',
          `the responder error of request #${f.n} reached neither its caller nor errors$ (reported ${f.reported} times)`,
        );
      }
      if (f.reported > 1) this.#violate('requests', `the responder error of request #${f.n} was reported ${f.reported} times`);
    }
  }

  /** close(): every job running after a cancelling close() call saw its signal abort in time. */
  #checkCloseJobs(): void {
    for (const c of this.#closes) {
      for (const job of this.#jobs.values()) {
        const endSeq = job.endSeq ?? Infinity;
        const endTime = job.endTime ?? Infinity;
        const name = `${job.handler.name}#${job.eventId}`;
        if (!c.drain && endSeq > c.seq) {
          if (job.abortSeq === undefined)
            this.#violate('close', `${name} ran on after close({ drain: false }) and its signal never aborted`);
        }
        if (c.timeout > 0 && job.startTime <= c.time + c.timeout && endTime > c.time + c.timeout && endSeq > c.seq) {
          if (job.abortTime === undefined || job.abortTime > c.time + c.timeout) {
            this.#violate(
              'close',
              `${name} ran past close({ timeout: ${c.timeout} })'s deadline ${c.time + c.timeout} without its signal aborting`,
            );
          }
          if (c.outcome?.kind === 'resolved') {
            this.#violate('close', `close({ timeout: ${c.timeout} }) resolved though ${name} outlived it (expected CloseTimeoutError)`);
          }
        }
      }
    }
  }

  /** After the final close(): nothing pending, everything settled, every stream completed. */
  #checkClosed(): void {
    for (const c of this.#closes)
      if (c.outcome === undefined) this.#violate('close', `close(${describeClose(c)}) called at seq ${c.seq} never settled`);
    const s = this.bus.stats();
    const left = (['queued', 'running', 'waiters', 'pendingRequests', 'emitters'] as const).filter((k) => s[k] > 0);
    if (left.length > 0) this.#violate('closed', `after close: ${left.map((k) => `${k} ${s[k]}`).join(', ')}`);
    for (const e of this.#emits) if (e.outcome === undefined) this.#violate('closed', `emit #${e.id} still pending after close`);
    for (const r of this.#requests) if (r.outcome === undefined) this.#violate('closed', `request #${r.id} still pending after close`);
    if (!this.#logCompleted) this.#violate('closed', 'events$() did not complete on close');
    for (const st of this.#streams)
      if (!st.unsubscribed && !st.completed) this.#violate('closed', `events$('${st.spec.pattern}') did not complete on close`);
    if (this.scheduler.pending > 0) this.#violate('leaks', `${this.scheduler.pending} timer(s) left after close`);
    for (const c of this.#controllers) {
      if (c.listeners.size > 0 && c.abortSeq === undefined)
        this.#violate('leaks', `${c.listeners.size} abort listener(s) left on signal #${c.index} after close`);
    }
    this.#checkJobsAccounted();
    this.#checkWaiters(true);
    this.#checkEmits();
    this.#checkRequests();
    this.#checkCloseJobs();
  }
}

/** The serial of a payload of the run, or undefined (a `$reply` payload). */
function serialOf(payload: unknown): number | undefined {
  const n = typeof payload === 'object' && payload !== null ? (payload as { n?: unknown }).n : undefined;
  return typeof n === 'number' ? n : undefined;
}

/** Identifies an event for the job accounting: by payload serial, else by id. */
function eventKey(e: { readonly id: number; readonly payload?: unknown }): string {
  const n = serialOf(e.payload);
  return n === undefined ? `#${e.id}` : `n${n}`;
}

function describeOutcome(o: Outcome): string {
  return o.kind === 'resolved' ? `resolved with #${(o.value as BusEvent | undefined)?.id}` : `rejected with ${describe(o.error)}`;
}

function describeClose(c: CloseRecord): string {
  return `{ drain: ${c.drain}${c.timeout > 0 ? `, timeout: ${c.timeout}` : ''} }`;
}

/** One macrotask turn: every queued promise continuation has run (not a timer: no time passes). */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
