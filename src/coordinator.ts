/**
 * `createCoordinator`: serialised shared state. One owner runs the commands
 * against the state strictly one at a time, in arrival order, and hands each
 * reply back to its own caller — the "one requests channel, one responses
 * channel" pattern of Go, without locks, lost updates or crossed replies.
 */
import { BehaviorSubject, Observable } from 'rxjs';
import { OVERFLOW_POLICIES, type OverflowPolicy } from './overflow.js';
import { CommandDroppedError, CommandQueueFullError, CoordinatorClosedError } from './errors.js';
import { Deque } from './deque.js';
import { adopt, thenOf } from './thenable.js';
import { assertBoolean, assertCount, assertOneOf, describeArgument, optionsOf } from './validate.js';

/**
 * A command: receives the current state and the caller's arguments, may
 * mutate the state in place, and returns (or resolves to) the caller's reply.
 * To swap the state for a new value, return {@link replaceState}.
 *
 * @example
 * ```ts
 * const add: Command<{ total: number }> = (state, by: number) => (state.total += by);
 * ```
 */
export type Command<S> = (state: S, ...args: never[]) => unknown;

/**
 * The commands object given to {@link createCoordinator}: one function per
 * method of the coordinator.
 *
 * @example
 * ```ts
 * const commands = {
 *   add: (s: { total: number }, by: number) => (s.total += by),
 *   reset: (s: { total: number }) => { s.total = 0; },
 * } satisfies Commands<{ total: number }>;
 * ```
 */
export type Commands<S> = { readonly [name: string]: Command<S> };

/**
 * Property names of a coordinator that commands cannot take: its own members,
 * and `then`, so `await coordinator` never mistakes it for a promise.
 *
 * @example
 * ```ts
 * createCoordinator(0, { close: () => 0 }); // compile error, and a TypeError at run time
 * ```
 */
export type ReservedCommandName = 'state' | 'state$' | 'close' | 'then';

/**
 * What a command returns to swap the state for a new value, with the reply for
 * its caller; built by {@link replaceState}. Nominal (a private class), so a
 * reply that happens to look like `{ state, reply }` is never mistaken for it.
 *
 * @example
 * ```ts
 * const inc = (n: number): StateReplacement<number, number> => replaceState(n + 1, n + 1);
 * ```
 */
export type StateReplacement<S, R = undefined> = Replacement<S, R>;

class Replacement<S, R> {
  // An ES private field makes the class nominal for TypeScript: only
  // replaceState can produce one.
  readonly #brand = true;
  constructor(
    readonly state: S,
    readonly reply: R,
  ) {}
}

/**
 * The reply a caller gets from a command's (awaited) return value: the
 * `reply` of a {@link StateReplacement}, or the value itself.
 *
 * @example
 * ```ts
 * type R = CommandReply<StateReplacement<number, string>>; // string
 * ```
 */
export type CommandReply<V> = V extends Replacement<unknown, infer R> ? R : V;

// Compile-time checks on the commands argument: reserved names are refused, and
// a replaceState(...) result must carry a state of the coordinator's type
// (replaceState infers its own type from its argument, so without this a
// wrong one would only show up at run time).
type CheckedReplacement<S, V> = V extends Replacement<unknown, infer R> ? Replacement<S, R> : V;
type CheckedResult<S, R> = R extends PromiseLike<infer V> ? PromiseLike<CheckedReplacement<S, V>> : CheckedReplacement<S, R>;
type CheckedCommands<S, C> = {
  readonly [K in keyof C]: K extends ReservedCommandName
    ? `'${K}' is reserved by the coordinator: rename this command`
    : C[K] extends (state: S, ...args: infer A) => infer R
      ? (state: S, ...args: A) => CheckedResult<S, R>
      : Command<S>;
};

/**
 * The coordinator method for a command: the command's parameters minus the
 * state, returning a promise of its reply.
 *
 * @example
 * ```ts
 * type Add = CommandMethod<(s: { total: number }, by: number) => number>; // (by: number) => Promise<number>
 * ```
 */
export type CommandMethod<F> = F extends (state: never, ...args: infer A) => infer R
  ? (...args: A) => Promise<CommandReply<Awaited<R>>>
  : never;

/**
 * Options of {@link createCoordinator}; all optional.
 *
 * @example
 * ```ts
 * createCoordinator(stock, { reserve }, { capacity: 1000, overflow: 'error' });
 * ```
 */
export interface CoordinatorOptions {
  /**
   * Max calls waiting for their turn (the running one is not counted).
   * Default `Infinity`: callers are only ever delayed, never refused, as a
   * promise-returning API is expected to behave. Set a bound when callers can
   * outpace the commands for long.
   */
  readonly capacity?: number;
  /**
   * What a call does when `capacity` calls are already waiting: `'error'`
   * rejects it with `CommandQueueFullError` (a `QueueFullError`),
   * `'drop-newest'` rejects it with `CommandDroppedError`, `'drop-oldest'`
   * queues it and rejects the oldest waiting call with `CommandDroppedError`.
   * Default `'error'`, the same vocabulary and default as the bus.
   */
  readonly overflow?: OverflowPolicy;
}

/**
 * Options of `coordinator.close`.
 *
 * @example
 * ```ts
 * await inventory.close({ drain: false });
 * ```
 */
export interface CoordinatorCloseOptions {
  /**
   * `true` (default): queued commands still run, and `close` resolves after
   * the last one. `false`: queued commands are rejected with
   * `CoordinatorClosedError` (`queued: true`) and never run; a command already
   * running finishes and its caller still gets its reply.
   */
  readonly drain?: boolean;
}

/**
 * Serialised shared state with one async method per command. Create one with
 * {@link createCoordinator}.
 *
 * @example
 * ```ts
 * const counter = createCoordinator({ total: 0 }, { add: (s, by: number) => (s.total += by) });
 * await counter.add(5); // 5
 * counter.state.total;  // 5
 * ```
 */
export type Coordinator<S, C> = {
  readonly [K in keyof C]: CommandMethod<C[K]>;
} & {
  /**
   * The current state. Between commands it is the settled value; while a
   * command runs it is whatever that command has done to it so far (a
   * replacement shows once the command returns). Read it, never mutate it
   * outside a command.
   */
  readonly state: S;
  /**
   * The state now, then after every command that ran — succeeded or failed,
   * since a failing command may have mutated before it threw. Every
   * subscriber gets the current state first (like a `BehaviorSubject`), also
   * after close; it completes when the coordinator has closed. With in-place
   * mutation it emits the same object each time, so map to the fields you
   * need before `distinctUntilChanged`.
   */
  readonly state$: Observable<S>;
  /**
   * Stops accepting calls: later calls reject with `CoordinatorClosedError`.
   * With `drain: true` (default) queued commands still run; with `drain:
   * false` they are rejected. Resolves when no command runs any more, then
   * `state$` completes. Safe to call twice; a later `drain: false` rejects
   * what an earlier draining close has not run yet.
   */
  close(options?: CoordinatorCloseOptions): Promise<void>;
  /** `await using c = createCoordinator(...)` closes it (draining) at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * Returned from a command, replaces the state with `state` and sends `reply`
 * to the caller (default `undefined`). Use it for immutable updates, or when
 * the state is a primitive.
 *
 * @example
 * ```ts
 * const counter = createCoordinator(0, {
 *   add: (n, by: number) => replaceState(n + by, n + by),
 * });
 * await counter.add(2); // 2
 * counter.state;        // 2
 * ```
 */
export function replaceState<S, R = undefined>(state: S, reply?: R): StateReplacement<S, R> {
  return new Replacement(state, reply as R);
}

/** One caller's call, from arrival until its promise settles. */
interface Call {
  readonly name: string;
  readonly command: (state: unknown, ...args: unknown[]) => unknown;
  readonly args: unknown[];
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const RESERVED_NAMES: readonly ReservedCommandName[] = ['state', 'state$', 'close', 'then'];

/** The single owner of the state: runs calls one at a time and settles each caller. */
class StateOwner<S> {
  state: S;
  readonly state$: Observable<S>;
  readonly #subject: BehaviorSubject<S>;
  readonly #capacity: number;
  readonly #overflow: OverflowPolicy;
  // Grows as callers pile up, so an unbounded coordinator costs little until then.
  readonly #queue = new Deque<Call>();
  // True from the start of a command until the queue is empty: calls arriving
  // meanwhile (even synchronously, from a state$ subscriber) wait their turn.
  #busy = false;
  #closed = false;
  #completed = false;
  #closing: Promise<void> | undefined;
  #resolveClosing: (() => void) | undefined;

  constructor(initialState: S, capacity: number, overflow: OverflowPolicy) {
    this.state = initialState;
    this.#capacity = capacity;
    this.#overflow = overflow;
    this.#subject = new BehaviorSubject(initialState);
    this.state$ = new Observable<S>((subscriber) => {
      // A completed BehaviorSubject emits nothing to late subscribers; the
      // promise here is "current state first", so keep it after close too.
      if (this.#completed) {
        subscriber.next(this.state);
        subscriber.complete();
        return undefined;
      }
      return this.#subject.subscribe(subscriber);
    });
  }

  call(name: string, command: Call['command'], args: unknown[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new CoordinatorClosedError({ command: name }));
    return new Promise((resolve, reject) => {
      const call: Call = { name, command, args, resolve, reject };
      if (this.#busy) this.#enqueue(call);
      else this.#pump(call);
    });
  }

  close(options?: CoordinatorCloseOptions): Promise<void> {
    const { drain = true } = optionsOf(options, 'close() options');
    assertBoolean(drain, 'drain');
    this.#closed = true;
    if (!drain) {
      for (let call = this.#queue.shift(); call !== undefined; call = this.#queue.shift()) {
        call.reject(new CoordinatorClosedError({ command: call.name, queued: true }));
      }
    }
    if (this.#closing === undefined) {
      this.#closing = new Promise((resolve) => (this.#resolveClosing = resolve));
      if (!this.#busy) this.#finishClose();
    }
    return this.#closing;
  }

  #enqueue(call: Call): void {
    const queue = this.#queue;
    const capacity = this.#capacity;
    if (queue.size < capacity) {
      queue.push(call);
      return;
    }
    switch (this.#overflow) {
      case 'error':
        call.reject(new CommandQueueFullError({ command: call.name, capacity }));
        return;
      case 'drop-newest':
        call.reject(new CommandDroppedError({ command: call.name, capacity, overflow: 'drop-newest' }));
        return;
      case 'drop-oldest': {
        // With capacity 0 there is nothing older to evict: the new call itself is dropped.
        const evicted = capacity === 0 ? call : queue.shift()!;
        if (evicted !== call) queue.push(call);
        evicted.reject(new CommandDroppedError({ command: evicted.name, capacity, overflow: 'drop-oldest' }));
        return;
      }
    }
  }

  /**
   * Runs `first` (or the oldest waiting call) and keeps going while commands
   * finish synchronously. A loop rather than recursion, so thousands of
   * queued synchronous commands cannot overflow the stack.
   */
  #pump(first?: Call): void {
    let call = first ?? this.#queue.shift();
    while (call !== undefined) {
      this.#busy = true;
      if (!this.#run(call)) return; // an async command calls #pump again when it settles
      call = this.#queue.shift();
    }
    this.#busy = false;
    if (this.#closed) this.#finishClose();
  }

  /** Starts a call; returns true when it already settled (a synchronous command). */
  #run(call: Call): boolean {
    let result: unknown;
    try {
      result = call.command(this.state, ...call.args);
      const then = thenOf(result);
      if (then !== undefined) {
        // adopt() tames odd thenables (calling back twice, or both callbacks).
        adopt(result, then).then(
          (value) => this.#settleAndContinue(call, true, value),
          (error: unknown) => this.#settleAndContinue(call, false, error),
        );
        return false;
      }
    } catch (error) {
      this.#settle(call, false, error);
      return true;
    }
    this.#settle(call, true, result);
    return true;
  }

  #settleAndContinue(call: Call, ok: boolean, value: unknown): void {
    this.#settle(call, ok, value);
    this.#pump();
  }

  #settle(call: Call, ok: boolean, value: unknown): void {
    if (ok && value instanceof Replacement) {
      this.state = value.state as S;
      value = value.reply;
    }
    // #busy is still true here, so a state$ subscriber that calls a command
    // queues it behind the ones already waiting instead of jumping ahead.
    this.#subject.next(this.state);
    if (ok) call.resolve(value);
    else call.reject(value);
  }

  #finishClose(): void {
    if (this.#resolveClosing === undefined) return;
    const resolve = this.#resolveClosing;
    this.#resolveClosing = undefined;
    this.#completed = true;
    this.#subject.complete();
    resolve();
  }
}

/**
 * Creates a coordinator: an object with one async method per command, which
 * run against one shared state strictly one at a time, in arrival order.
 *
 * A call runs its command at once when nothing else runs (synchronously,
 * inside the call), otherwise it waits; the next command starts only after
 * the previous one's promise settles. A command may mutate the state in
 * place, or return {@link replaceState} to swap it. Its return value (or what
 * its promise resolves to) goes to that caller alone; a throw or rejection
 * rejects that caller alone and the coordinator goes on. A command must not
 * await another command of the same coordinator: that call waits behind the
 * running command, which waits for it — a deadlock, as in Go.
 *
 * @param initialState The state the first command sees.
 * @param commands Own enumerable properties, each a function `(state, ...args) => reply`;
 *   `state`, `state$`, `close` and `then` are reserved.
 * @param options `capacity` (default `Infinity`) and `overflow` (default `'error'`).
 * @throws TypeError when a command is not a function, a name is reserved, or an option has the wrong type.
 * @throws RangeError when `capacity` is not an integer ≥ 0 or `Infinity`.
 * @example
 * ```ts
 * const inventory = createCoordinator(new Map<string, number>([['sku-1', 3]]), {
 *   async reserve(stock, sku: string, qty: number) {
 *     const have = stock.get(sku) ?? 0;
 *     if (have < qty) throw new Error(`only ${have} of ${sku} left`);
 *     await audit.log({ sku, qty });   // other calls wait: no one can oversell meanwhile
 *     stock.set(sku, have - qty);
 *     return have - qty;
 *   },
 *   count: (stock, sku: string) => stock.get(sku) ?? 0,
 * });
 * const left = await inventory.reserve('sku-1', 2); // 1
 * inventory.state$.subscribe((stock) => render(stock));
 * await inventory.close();
 * ```
 */
export function createCoordinator<S, C extends Commands<NoInfer<S>>>(
  initialState: S,
  commands: C & CheckedCommands<NoInfer<S>, C>,
  options?: CoordinatorOptions,
): Coordinator<S, C> {
  if (commands === null || typeof commands !== 'object' || Array.isArray(commands)) {
    throw new TypeError(
      `Expected the commands to be an object of functions such as { add: (state, n) => ... }, got ${describeArgument(commands)}.`,
    );
  }
  const { capacity = Infinity, overflow = 'error' } = optionsOf(options, 'coordinator options');
  if (capacity !== Infinity) assertCount(capacity, 'capacity', 0);
  assertOneOf(overflow, 'overflow', OVERFLOW_POLICIES);
  const names = Object.keys(commands);
  // Check everything before building anything, so a bad argument leaves nothing behind.
  for (const name of names) {
    if ((RESERVED_NAMES as readonly string[]).includes(name)) {
      throw new TypeError(
        `'${name}' cannot be a command name: the coordinator's own '${name}' would be hidden. ` +
          `Reserved names are ${RESERVED_NAMES.map((r) => `'${r}'`).join(', ')}; rename the command.`,
      );
    }
    const command: unknown = (commands as Record<string, unknown>)[name];
    if (typeof command !== 'function') {
      throw new TypeError(`Expected command '${name}' to be a function (state, ...args) => reply, got ${describeArgument(command)}.`);
    }
  }

  const owner = new StateOwner<S>(initialState, capacity, overflow);
  const coordinator = {
    get state(): S {
      return owner.state;
    },
    state$: owner.state$,
    close: (closeOptions?: CoordinatorCloseOptions): Promise<void> => owner.close(closeOptions),
  };
  // Symbol.asyncDispose is missing in older browsers; only offer it where it exists.
  if (typeof Symbol.asyncDispose === 'symbol') {
    Object.defineProperty(coordinator, Symbol.asyncDispose, { value: () => owner.close() });
  }
  for (const name of names) {
    const command = (commands as Record<string, unknown>)[name] as Call['command'];
    // defineProperty, not assignment: a command named '__proto__' stays an
    // ordinary method instead of replacing the object's prototype.
    Object.defineProperty(coordinator, name, {
      value: (...args: unknown[]) => owner.call(name, command, args),
      enumerable: true,
    });
  }
  return coordinator as unknown as Coordinator<S, C>;
}
