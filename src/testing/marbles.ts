/**
 * `publishMarbles(bus, '-a-b|', { a: [...], b: [...] })`: describe bus
 * traffic as a marble diagram, the notation of RxJS's `TestScheduler`, and
 * have it published on the bus's virtual clock.
 */
import { Subscription, type SchedulerLike } from 'rxjs';
import type { AnyEvents, Bus } from '../bus-api.js';
import type { EventMap, EventType, PayloadArgs } from '../event-map.js';
import { assertPositiveNumber, assertScheduler } from '../validate.js';
import { testBusOf } from './test-bus.js';

/**
 * One event of a marble diagram: `[type, payload]` (the payload may be left
 * out where the event map allows `undefined`).
 *
 * @example
 * ```ts
 * const a: MarbleEvent<AppEvents> = ['page.request', { url: '/users' }];
 * ```
 */
export type MarbleEvent<N extends EventMap> = {
  [K in EventType<N>]: readonly [type: K, ...payload: PayloadArgs<N[K]>];
}[EventType<N>];

/**
 * Options of {@link publishMarbles}.
 *
 * @example
 * ```ts
 * publishMarbles(bus, '-a-b', values, { frame: 100 }); // a at 100 ms, b at 300 ms
 * ```
 */
export interface PublishMarblesOptions {
  /** Virtual ms per frame (per `-` or event character). Default 1. */
  readonly frame?: number;
  /** The clock to publish on. Default: the test bus's scheduler (required for other buses). */
  readonly scheduler?: SchedulerLike;
}

/**
 * The events of one frame of a parsed marble diagram.
 *
 * @example
 * ```ts
 * const step: MarbleStep = { time: 3, keys: ['b', 'c'] };
 * ```
 */
export interface MarbleStep {
  /** Virtual ms after the start. */
  readonly time: number;
  /** The value keys published then, in order. */
  readonly keys: readonly string[];
}

/**
 * Publishes the events of a marble diagram on the bus, each at its frame:
 *
 * - `-` one frame passes (1 virtual ms unless `frame` says otherwise);
 * - any other character is a key of `values`: that event is published, and a frame passes;
 * - `(ab)` publishes `a` then `b` in the same frame; then as many frames pass as the group has characters (as in RxJS);
 * - `100ms`, `2s`, `1m` let that much time pass (RxJS's time progression);
 * - spaces are ignored; `|` ends the diagram (optional). `#`, `^` and `!` have no meaning here and are refused.
 *
 * Frame 0 is now: its events are published before `publishMarbles` returns;
 * later ones when the clock reaches them (`advance`, `flush`, or an
 * `expectEvent` that moves the clock). The returned Subscription cancels what
 * is not published yet; it closes by itself after the last event. Errors
 * thrown by `publish` (e.g. `QueueFullError`) surface where the clock is moved.
 *
 * @throws SyntaxError for a malformed diagram; TypeError for a character without a value, or a bus without a scheduler.
 * @example
 * ```ts
 * const bus = createTestBus<AppEvents>();
 * publishMarbles(bus, 'a-b 98ms c|', {
 *   a: ['page.request', { url: '/a' }],
 *   b: ['page.request', { url: '/b' }],
 *   c: ['page.response', { url: '/a', status: 200 }],
 * });
 * bus.published.types; // ['page.request']: a, at 0 ms
 * bus.advance(100);    // b at 2 ms, c at 101 ms (2 + 1 + 98)
 * bus.published.types; // ['page.request', 'page.request']
 * ```
 */
export function publishMarbles<E extends EventMap, N extends EventMap>(
  bus: Bus<E, N>,
  marbles: string,
  values: Readonly<Record<string, MarbleEvent<N>>>,
  options?: PublishMarblesOptions,
): Subscription;
export function publishMarbles(
  bus: Bus<AnyEvents>,
  marbles: string,
  values: Readonly<Record<string, readonly [string, unknown?]>>,
  options: PublishMarblesOptions = {},
): Subscription {
  const { frame = 1, scheduler = testBusOf(bus)?.scheduler } = options;
  assertPositiveNumber(frame, 'frame');
  if (scheduler === undefined) {
    throw new TypeError('publishMarbles needs a clock: pass a test bus (createTestBus), or { scheduler } for another bus.');
  }
  assertScheduler(scheduler);
  const steps = parseMarbles(marbles, frame);
  for (const { keys } of steps) {
    for (const key of keys) {
      const value = values[key];
      if (!Object.hasOwn(values, key) || !Array.isArray(value) || typeof value[0] !== 'string') {
        throw new TypeError(`Marble '${key}' in '${marbles}' has no value: give it one as { ${key}: [type, payload] }.`);
      }
    }
  }

  const start = scheduler.now();
  let next = 0;
  let timer: Subscription | undefined;
  const subscription = new Subscription(() => timer?.unsubscribe());
  const run = (): void => {
    timer = undefined;
    const elapsed = scheduler.now() - start;
    while (next < steps.length && steps[next]!.time <= elapsed) {
      for (const key of steps[next++]!.keys) {
        if (subscription.closed) return;
        const [type, payload] = values[key]!;
        bus.publish(type, payload);
      }
    }
    if (next < steps.length) timer = scheduler.schedule(run, steps[next]!.time - elapsed);
    else subscription.unsubscribe();
  };
  run();
  return subscription;
}

/**
 * Parses a marble diagram into the frames that carry events, timed in ms
 * with `frame` ms per frame (time progressions such as `100ms` are ms).
 *
 * @throws SyntaxError naming the position of the problem.
 * @example
 * ```ts
 * parseMarbles('-a-(bc)|'); // [{ time: 1, keys: ['a'] }, { time: 3, keys: ['b', 'c'] }]
 * ```
 */
export function parseMarbles(marbles: string, frame = 1): MarbleStep[] {
  if (typeof marbles !== 'string') throw new TypeError(`Expected a marble diagram string such as '-a-b|', got ${typeof marbles}.`);
  const steps: MarbleStep[] = [];
  let time = 0;
  let group: string[] | undefined;
  let groupStart = 0;
  const fail = (at: number, why: string): never => {
    throw new SyntaxError(`Bad marble diagram '${marbles}' at position ${at}: ${why}`);
  };
  for (let i = 0; i < marbles.length; i++) {
    const c = marbles[i]!;
    if (c === ' ') continue;
    if (group === undefined && /\d/.test(c)) {
      const progression = /^(\d+(?:\.\d+)?)(ms|s|m)(?![a-zA-Z])/.exec(marbles.slice(i));
      if (progression !== null) {
        const amount = Number(progression[1]) * (progression[2] === 'ms' ? 1 : progression[2] === 's' ? 1000 : 60_000);
        time += amount;
        i += progression[0].length - 1;
        continue;
      }
    }
    switch (c) {
      case '-':
        if (group !== undefined) fail(i, "'-' inside a group");
        time += frame;
        break;
      case '(':
        if (group !== undefined) fail(i, 'groups cannot nest');
        group = [];
        groupStart = i;
        break;
      case ')':
        if (group === undefined) fail(i, "')' without '('");
        if (group!.length > 0) steps.push({ time, keys: group! });
        time += (i - groupStart + 1) * frame;
        group = undefined;
        break;
      case '|':
        if (group !== undefined) fail(i, "'|' inside a group");
        if (marbles.slice(i + 1).trim() !== '') fail(i + 1, "nothing may follow '|'");
        return steps;
      case '#':
      case '^':
      case '!':
        fail(i, `'${c}' has no meaning when publishing events (errors and subscriptions are not bus traffic)`);
        break;
      default:
        if (group !== undefined) group.push(c);
        else {
          steps.push({ time, keys: [c] });
          time += frame;
        }
    }
  }
  if (group !== undefined) fail(groupStart, "'(' is never closed");
  return steps;
}
