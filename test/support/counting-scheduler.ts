/**
 * A virtual-time scheduler that records every delay it is asked to schedule,
 * for tests that prove how many timers a long wait costs and that no delay
 * above 2^31−1 ms ever reaches a real timer.
 */
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { VirtualScheduler } from '../../src/testing/virtual-scheduler.js';

/** The largest delay `setTimeout` / `setInterval` honour (2^31−1 ms, about 24.8 days). */
export const TIMER_LIMIT = 2 ** 31 - 1;

/** A {@link VirtualScheduler} that keeps the delay of each `schedule` call in `delays`. */
export class CountingScheduler extends VirtualScheduler {
  readonly delays: number[] = [];

  override schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    this.delays.push(delay);
    return super.schedule(work, delay, state);
  }
}
