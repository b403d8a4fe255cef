/**
 * How a pull consumer (NATS JetStream, Redis Streams) paces its reads by the
 * local bus: ask for at most as many messages as the bus and `maxInFlight`
 * have room for, and when there is none, wait until a delivery settles
 * (`nudge`) or a short while (room may be held by other producers on the
 * bus, who do not tell the bridge when they leave). Timers go through the
 * bus's scheduler.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import type { BridgeCounters } from './bridge-counters.js';
import type { TransportPort } from './port.js';

/** How long a reader without room waits before looking again, when no delivery of its own settles first (ms). */
const RECHECK = 50;

/**
 * The pacing of one pull loop.
 *
 * @example
 * ```ts
 * const pacer = new PullPacer(port, counters, maxInFlight, batch);
 * while (!stopped) {
 *   const room = pacer.room();
 *   if (room <= 0) { await pacer.waitForRoom(); continue; }
 *   // fetch up to `room` messages; call pacer.nudge() when one settles
 * }
 * ```
 */
export class PullPacer {
  #wake: (() => void) | undefined;
  #timer: Subscription | undefined;
  readonly #scheduler: SchedulerLike;

  constructor(
    readonly port: TransportPort,
    readonly counters: BridgeCounters,
    readonly maxInFlight: number,
    readonly batch: number,
  ) {
    this.#scheduler = port.scheduler;
  }

  /**
   * Messages to ask for now: at most `batch`, what `maxInFlight` leaves, and
   * what the bus can take — but 0 while less room is free than is taken by
   * this bridge's deliveries in flight. Without that low-water mark, a reader
   * woken by the first settled delivery would ask for one message per round
   * trip; with it, it asks again once half of what it could hold is free.
   */
  room(): number {
    const inFlight = this.counters.inFlight;
    const room = Math.min(this.batch, this.maxInFlight - inFlight, this.port.room());
    return room < inFlight ? 0 : room;
  }

  /** Resolves when a delivery settles ({@link nudge}) or after a short while. */
  waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#scheduler.schedule(() => this.nudge(), RECHECK);
    });
  }

  /** A delivery settled (or the loop stops): the waiting reader looks again. */
  nudge(): void {
    const resume = this.#wake;
    this.#wake = undefined;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    resume?.();
  }

  /** Resolves after `ms` (a failed read waits before the next). */
  pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => this.#scheduler.schedule(() => resolve(), ms));
  }
}
