/**
 * Leak checks: a scenario must leave a bus as it found it — no waiter,
 * subscription, handler job, waiting producer, tracked work, pending request
 * or virtual-scheduler timer more than before. Buses created inside the
 * scenario must end with none at all (close them: `await using bus = …`).
 */
import { LeakError, type Leak } from './errors.js';
import { describeWork, hintFor, pendingWorkOf, PENDING_WORK_KINDS, type InspectableBus, type PendingWork } from './pending-work.js';
import { onTestBusCreated } from './test-bus.js';

/**
 * An open leak check, from {@link leakGuard}.
 *
 * @example
 * ```ts
 * using guard = leakGuard(bus); // checked when the scope ends
 * ```
 */
export interface LeakGuard {
  /** What is left now that was not there when the guard opened (empty when nothing leaked). */
  leaks(): Leak[];
  /** Throws `LeakError` listing `leaks()`, if any. */
  check(): void;
  /** Stops watching for new test buses, then checks. */
  [Symbol.dispose](): void;
}

/** One watched bus and what it held when the guard opened. */
interface Watched {
  readonly bus: InspectableBus;
  readonly label: string;
  readonly before: PendingWork | undefined;
}

/**
 * Opens a leak check over `buses` (their pending work now is the baseline)
 * and over every test bus created while it is open (baseline: nothing). With
 * `using`, it checks when the scope ends. Timers are counted on test buses
 * only (the clock of another bus cannot be inspected); test buses sharing a
 * scheduler see each other's timers. With `test.concurrent`, test buses
 * created by concurrent tests are seen too: pass buses explicitly there.
 *
 * @example
 * ```ts
 * it('cleans up after a cancelled load', async () => {
 *   await using bus = createTestBus<AppEvents>();
 *   using guard = leakGuard(bus);
 *   const controller = new AbortController();
 *   const load = new PageService(bus).load('/users', controller.signal);
 *   controller.abort();
 *   await expect(load).rejects.toThrow();
 * }); // guard checks here: no waiter, timer or subscription left
 * ```
 */
export function leakGuard(...buses: InspectableBus[]): LeakGuard {
  return new Guard(buses);
}

class Guard implements LeakGuard {
  readonly #watched: Watched[];
  readonly #stopWatching: () => void;
  #created = 0;

  constructor(buses: readonly InspectableBus[]) {
    this.#watched = buses.map((bus, i) => ({ bus, label: `bus #${i + 1}`, before: pendingWorkOf(bus) }));
    this.#stopWatching = onTestBusCreated((bus) => {
      this.#watched.push({ bus, label: `test bus #${++this.#created} (created in the scenario)`, before: undefined });
    });
  }

  leaks(): Leak[] {
    const found: Leak[] = [];
    for (const { bus, label, before } of this.#watched) {
      const after = pendingWorkOf(bus);
      for (const kind of PENDING_WORK_KINDS) {
        const was = before?.[kind] ?? 0;
        if (after[kind] > was) found.push({ bus: label, kind, before: was, after: after[kind] });
      }
    }
    return found;
  }

  check(): void {
    const found = this.leaks();
    if (found.length > 0) throw new LeakError(describeLeaks(found), found);
  }

  /** Stops adding test buses created from now on. */
  stopWatching(): void {
    this.#stopWatching();
  }

  [Symbol.dispose](): void {
    this.stopWatching();
    this.check();
  }
}

/**
 * Runs `scenario` and rejects with `LeakError` when it left work behind on
 * `buses` or on test buses it created (see {@link leakGuard}); otherwise
 * resolves with what the scenario returned. A scenario that throws rejects
 * with its own error, unchecked. Nothing is waited for after the scenario:
 * work still running when it returns is a leak.
 *
 * @example
 * ```ts
 * await expectNoLeaks(bus, async () => {
 *   const wait = bus.waitFor('page.response', { url: '/users' }, { timeout: 1000 });
 *   bus.publish('page.response', { url: '/users', status: 200 });
 *   await wait;
 * });
 *
 * await expectNoLeaks(async () => {
 *   await using bus = createTestBus(); // created inside: must end with nothing pending
 *   bus.on('tick', () => undefined);
 * });
 * ```
 */
export function expectNoLeaks<T>(scenario: () => T | PromiseLike<T>): Promise<T>;
export function expectNoLeaks<T>(buses: InspectableBus | readonly InspectableBus[], scenario: () => T | PromiseLike<T>): Promise<T>;
export async function expectNoLeaks<T>(
  first: InspectableBus | readonly InspectableBus[] | (() => T | PromiseLike<T>),
  second?: () => T | PromiseLike<T>,
): Promise<T> {
  const scenario = typeof first === 'function' ? first : second;
  if (typeof scenario !== 'function') {
    throw new TypeError('expectNoLeaks needs a scenario: expectNoLeaks(async () => { … }) or expectNoLeaks(bus, async () => { … }).');
  }
  const buses = typeof first === 'function' ? [] : Array.isArray(first) ? (first as readonly InspectableBus[]) : [first as InspectableBus];
  const guard = new Guard(buses);
  let result: T;
  try {
    // A scenario that throws rejects with its own error: leaks are secondary to it.
    result = await scenario();
  } finally {
    guard.stopWatching();
  }
  guard.check();
  return result;
}

function describeLeaks(leaks: readonly Leak[]): string {
  const lines = leaks.map(
    ({ bus, kind, before, after }) =>
      `  - ${bus}: ${describeWork(kind, after - before)} left (${before} before, ${after} after): ${hintFor(kind)}`,
  );
  return `The scenario left work behind:\n${lines.join('\n')}`;
}
