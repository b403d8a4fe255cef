/**
 * The default scheduler of a bus provided to a zone.js app: RxJS's
 * `asyncScheduler`, with its timers started outside the Angular zone.
 *
 * Waiter and request timeouts are long timers (30 s by default). Started
 * inside the zone, each one keeps the app "unstable" until it fires or is
 * cancelled, and `ApplicationRef.isStable`, `fixture.whenStable()`,
 * hydration and `registerWhenStable` service workers all wait for them. Out
 * of the zone they do not; a timeout that fires still rejects a promise
 * whose continuation runs in the zone it was awaited in, so change
 * detection follows as usual. In zoneless apps `runOutsideAngular` just runs.
 */
import type { NgZone } from '@angular/core';
import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * `asyncScheduler` whose timers start outside `zone` (`asyncScheduler`
 * itself without one: an injector with no application above it).
 *
 * @example
 * ```ts
 * const bus = createBus({ scheduler: outsideZoneScheduler(inject(NgZone)) });
 * ```
 */
export function outsideZoneScheduler(zone: NgZone | null): SchedulerLike {
  if (zone === null) return asyncScheduler;
  return {
    now: () => asyncScheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      return zone.runOutsideAngular(() => asyncScheduler.schedule(work, delay, state));
    },
  };
}
