/**
 * Scheduler timers of any length.
 *
 * Node and browsers keep a timer's delay in a signed 32-bit integer: a delay
 * above 2^31−1 ms (about 24.8 days) is turned into 1 ms — in Node with a
 * `TimeoutOverflowWarning` each time — so a month-long timeout would become a
 * timer that fires, re-arms and warns a thousand times a second. RxJS's
 * `asyncScheduler` passes delays through unchanged, so every rxbus timer goes
 * through {@link scheduleAfter}: a long delay is armed in chunks of at most
 * {@link MAX_TIMER_DELAY}, each chunk re-reading the scheduler's clock, and
 * `Infinity` arms nothing. Short delays, the common case, cost exactly one
 * `scheduler.schedule` call and no extra allocation.
 */
import { Subscription, type SchedulerLike } from 'rxjs';

/**
 * The longest delay a timer honours, 2^31−1 ms: {@link scheduleAfter} never
 * asks a scheduler for more.
 *
 * @example
 * ```ts
 * Math.ceil(1e12 / MAX_TIMER_DELAY); // 466 timers for a wait of 1e12 ms
 * ```
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Runs `work` once, `delay` ms from now on `scheduler`'s clock, however large
 * `delay` is: delays above {@link MAX_TIMER_DELAY} are armed in chunks (a
 * wait of 1e12 ms costs 466 timers in 31 years), `Infinity` schedules nothing
 * and never runs `work`. Unsubscribing the result cancels whatever chunk is
 * armed; it is closed once `work` has run.
 *
 * @example
 * ```ts
 * const timer = scheduleAfter(asyncScheduler, 40 * 24 * 3600 * 1000, () => expire()); // 40 days
 * timer.unsubscribe(); // cancelled: no timer is left
 * ```
 */
export function scheduleAfter(scheduler: SchedulerLike, delay: number, work: () => void): Subscription {
  // Negated so that NaN, too, goes to the scheduler as it did before.
  if (!(delay > MAX_TIMER_DELAY)) return scheduler.schedule(work, delay);
  const timer = new Subscription();
  if (delay === Infinity) return timer;
  const due = scheduler.now() + delay;
  const step = (): void => {
    const left = due - scheduler.now();
    if (left > 0) {
      chunk = scheduler.schedule(step, Math.min(left, MAX_TIMER_DELAY));
      return;
    }
    timer.unsubscribe();
    work();
  };
  let chunk = scheduler.schedule(step, MAX_TIMER_DELAY);
  timer.add(() => chunk.unsubscribe());
  return timer;
}
