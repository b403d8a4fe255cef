/**
 * `bus.stats$`: the current stats on subscription, then after changes at
 * most once per interval on the bus scheduler (the first change at once,
 * the latest at the end of each interval). Nothing is scheduled while
 * nobody listens, so an unobserved bus pays one size check per change.
 */
import { Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import type { BusStats } from './bus-api.js';
import { scheduleAfter } from './long-delay.js';

/**
 * The throttled stats stream of one bus.
 *
 * @example
 * ```ts
 * const feed = new StatsFeed(scheduler, 100, () => bus.stats());
 * feed.stats$.subscribe(console.log);
 * feed.changed(); // after any counted change
 * ```
 */
export class StatsFeed {
  readonly #scheduler: SchedulerLike;
  readonly #interval: number;
  readonly #read: () => BusStats;
  readonly #subscribers = new Set<Subscriber<BusStats>>();
  #timer: Subscription | undefined;
  #dirty = false;
  #completed = false;

  constructor(scheduler: SchedulerLike, interval: number, read: () => BusStats) {
    this.#scheduler = scheduler;
    this.#interval = interval;
    this.#read = read;
  }

  readonly stats$: Observable<BusStats> = new Observable<BusStats>((subscriber) => {
    subscriber.next(this.#read());
    if (this.#completed) {
      subscriber.complete();
      return undefined;
    }
    this.#subscribers.add(subscriber);
    return () => {
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0) this.#stop();
    };
  });

  /** Something counted by stats() changed. */
  changed(): void {
    if (this.#subscribers.size === 0) return;
    if (this.#timer !== undefined) {
      this.#dirty = true;
      return;
    }
    this.#emit();
    this.#timer = scheduleAfter(this.#scheduler, this.#interval, () => this.#tick());
  }

  /** Emits the final stats and completes every subscriber (the bus closed). */
  complete(): void {
    this.#completed = true;
    this.#stop();
    const final = this.#read();
    const subscribers = [...this.#subscribers];
    this.#subscribers.clear();
    for (const subscriber of subscribers) {
      subscriber.next(final);
      subscriber.complete();
    }
  }

  #tick(): void {
    this.#timer = undefined;
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#emit();
    this.#timer = scheduleAfter(this.#scheduler, this.#interval, () => this.#tick());
  }

  #emit(): void {
    const snapshot = this.#read();
    for (const subscriber of [...this.#subscribers]) subscriber.next(snapshot);
  }

  #stop(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#dirty = false;
  }
}
