/**
 * What a bus still holds or has to do — the facts behind the leak checks and
 * the `toBeSettled` / `toHaveNoWaiters` / `toHaveNoPendingWork` matchers,
 * each with the words and the hint their messages use.
 */
import type { BusStats } from '../bus-api.js';
import { testBusOf } from './test-bus.js';

/**
 * A kind of pending work: a `stats()` gauge, or `'timers'` (actions pending
 * on a test bus's virtual scheduler).
 *
 * @example
 * ```ts
 * const kinds: PendingWorkKind[] = ['waiters', 'timers'];
 * ```
 */
export type PendingWorkKind = 'waiters' | 'subscriptions' | 'queued' | 'running' | 'emitters' | 'tracked' | 'pendingRequests' | 'timers';

/**
 * How much of each kind of work a bus holds now.
 *
 * @example
 * ```ts
 * const work: PendingWork = pendingWorkOf(bus);
 * work.waiters; // pending waitFor calls
 * ```
 */
export type PendingWork = Readonly<Record<PendingWorkKind, number>>;

/**
 * Anything with `stats()`: every bus. Test buses also report their scheduler's timers.
 *
 * @example
 * ```ts
 * const target: InspectableBus = createBus();
 * ```
 */
export interface InspectableBus {
  /** The counters the leak checks read (`waiters`, `subscriptions`, `queued`, …). */
  stats(): BusStats;
}

/** Singular, plural and what to do about it, per kind. */
const WORDS: Readonly<Record<PendingWorkKind, readonly [one: string, many: string, hint: string]>> = {
  waiters: ['pending waiter', 'pending waiters', 'await every waitFor() or unsubscribe every waitFor$()'],
  subscriptions: [
    'live subscription (events$ stream, handler or recorder)',
    'live subscriptions (events$ streams, handlers or recorders)',
    'unsubscribe what events$/on/handle/record returned, or close the bus',
  ],
  queued: ['queued handler job', 'queued handler jobs', 'await bus.settled() (or bus.flush() on a test bus)'],
  running: ['running handler job', 'running handler jobs', 'await bus.settled() (or bus.flush() on a test bus)'],
  emitters: ['producer waiting in emit()', 'producers waiting in emit()', 'await every emit()'],
  tracked: ['tracked work item', 'tracked work items', 'call the function bus.track() returned'],
  pendingRequests: ['pending request', 'pending requests', 'await every request()'],
  timers: ['scheduler timer', 'scheduler timers', 'cancel the timers, or run them with bus.flush()'],
};

/**
 * Every kind, in the order messages list them.
 *
 * @example
 * ```ts
 * for (const kind of PENDING_WORK_KINDS) console.log(kind, pendingWorkOf(bus)[kind]);
 * ```
 */
export const PENDING_WORK_KINDS = Object.keys(WORDS) as readonly PendingWorkKind[];

/**
 * Reads a bus's pending work now. `timers` is the number of actions pending
 * on a test bus's virtual scheduler (shared by every bus on that scheduler),
 * and 0 for other buses, whose clock cannot be inspected.
 *
 * @example
 * ```ts
 * pendingWorkOf(bus); // { waiters: 0, subscriptions: 1, queued: 0, running: 0, …, timers: 0 }
 * ```
 */
export function pendingWorkOf(bus: InspectableBus): PendingWork {
  const { waiters, subscriptions, queued, running, emitters, tracked, pendingRequests } = bus.stats();
  const timers = testBusOf(bus)?.scheduler.pending ?? 0;
  return { waiters, subscriptions, queued, running, emitters, tracked, pendingRequests, timers };
}

/**
 * `'1 pending waiter'`, `'3 queued handler jobs'`.
 *
 * @example
 * ```ts
 * describeWork('timers', 2); // '2 scheduler timers'
 * ```
 */
export function describeWork(kind: PendingWorkKind, count: number): string {
  const [one, many] = WORDS[kind];
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * What a user should do about leftover work of that kind.
 *
 * @example
 * ```ts
 * hintFor('tracked'); // 'call the function bus.track() returned'
 * ```
 */
export function hintFor(kind: PendingWorkKind): string {
  return WORDS[kind][2];
}

/**
 * The kinds among `kinds` with a non-zero count, described, e.g.
 * `'2 queued handler jobs, 1 running handler job'` — or `'nothing'`.
 *
 * @example
 * ```ts
 * describePending(pendingWorkOf(bus), ['queued', 'running']); // 'nothing'
 * ```
 */
export function describePending(work: PendingWork, kinds: readonly PendingWorkKind[]): string {
  const parts = kinds.filter((kind) => work[kind] > 0).map((kind) => describeWork(kind, work[kind]));
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}
