/**
 * Moving a {@link VirtualScheduler}'s clock while async code reacts to it.
 *
 * `scheduler.advance(ms)` runs every due action at once, synchronously: a
 * handler that awaits between two timers gets no chance to schedule its
 * second timer at the right virtual time. Here the clock moves one due time
 * at a time, and between two steps one macrotask turn lets every pending
 * promise continuation run — the way `@sinonjs/fake-timers`' `tickAsync`
 * (behind `vi.advanceTimersByTimeAsync`) does it.
 *
 * The turn uses `setImmediate` (a `MessageChannel` where there is none),
 * captured when this module loads, so `vi.useFakeTimers()` later in a test
 * cannot stall it. It is not a timer: it never delays anything in virtual
 * time, it only lets the microtask queue drain.
 */
import type { VirtualScheduler } from './virtual-scheduler.js';

const realSetImmediate: ((callback: () => void) => unknown) | undefined =
  typeof globalThis.setImmediate === 'function' ? globalThis.setImmediate : undefined;

/** Most clock steps one drive may take: an interval that is never cancelled would otherwise spin forever. */
const STEP_LIMIT = 100_000;

/**
 * Resolves on the next macrotask turn, after every queued microtask has run.
 *
 * @example
 * ```ts
 * void handlerThatAwaitsThreeTimes();
 * await nextMacrotask(); // its continuations have run
 * ```
 */
export function nextMacrotask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (realSetImmediate !== undefined) {
      realSetImmediate(resolve);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/**
 * What {@link driveClock} should wait for besides timers (flush mode).
 *
 * @example
 * ```ts
 * const idle: IdleCheck = { idle: () => bus.stats().running === 0, settled: () => bus.settled() };
 * ```
 */
export interface IdleCheck {
  /** True when the bus has nothing queued, running, emitting or tracked. */
  idle(): boolean;
  /** Resolves when it becomes idle. */
  settled(): Promise<void>;
}

/**
 * Moves the clock to `until`, one due time at a time, letting promise
 * continuations run between steps; returns early once `stop()` is true. With
 * `until = Infinity` it runs until no action is scheduled (and, with `idle`,
 * until the bus is idle too) and leaves the clock at the last action's time.
 *
 * @throws Error after 100 000 steps (a periodic timer that never ends).
 * @example
 * ```ts
 * await driveClock(scheduler, scheduler.now() + 1000);           // advance 1 s, async-aware
 * await driveClock(scheduler, Infinity, undefined, busIdleCheck); // flush
 * ```
 */
export async function driveClock(scheduler: VirtualScheduler, until: number, stop?: () => boolean, idle?: IdleCheck): Promise<void> {
  for (let steps = 0; ;) {
    await nextMacrotask();
    if (stop?.()) return;
    const next = scheduler.nextDue;
    if (next !== undefined && next <= until) {
      if (++steps > STEP_LIMIT) {
        throw new Error(
          `The virtual clock took ${STEP_LIMIT} steps and timers are still due: is a periodic timer (interval, repeat) never cancelled? ` +
            `Unsubscribe it, or move the clock with advance(ms) instead.`,
        );
      }
      scheduler.advance(Math.max(0, next - scheduler.now()));
      continue;
    }
    if (idle !== undefined && !idle.idle()) {
      // Nothing is scheduled, yet work is pending: it waits on something
      // outside virtual time (I/O, tracked work); only it can end the wait.
      await idle.settled();
      continue;
    }
    if (until !== Infinity && until > scheduler.now()) scheduler.advance(until - scheduler.now());
    return;
  }
}
