/**
 * Checks of public arguments at the API boundary. Each failure is a
 * `TypeError` (wrong type) or `RangeError` (a number out of range) that names the argument, what was expected and
 * what was given, and nothing has been changed when it is thrown.
 */

/**
 * Asserts a pattern argument: a non-empty string.
 *
 * @example
 * ```ts
 * assertPattern('order.*'); // ok
 * assertPattern(42);        // TypeError: Expected the pattern to be a non-empty string …, got number 42.
 * ```
 */
export function assertPattern(pattern: unknown, what = 'pattern'): asserts pattern is string {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new TypeError(
      `Expected the ${what} to be a non-empty string such as 'order.created' or 'order.*', got ${describeArgument(pattern)}.`,
    );
  }
}

/**
 * Asserts an event type argument: any non-empty string is a type, including
 * `'__proto__'` and `'constructor'` (types live in `Map`s, never object keys).
 *
 * @example
 * ```ts
 * assertEventType('order.created'); // ok
 * ```
 */
export function assertEventType(type: unknown): asserts type is string {
  if (typeof type !== 'string' || type.length === 0) {
    throw new TypeError(`Expected the event type to be a non-empty string such as 'order.created', got ${describeArgument(type)}.`);
  }
}

/**
 * Asserts a timeout in ms: a finite number ≥ 0 or `Infinity`. (`0` means "no
 * timeout" wherever rxbus takes one.)
 *
 * @example
 * ```ts
 * assertTimeout(5000, 'timeout'); // ok
 * ```
 */
export function assertTimeout(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(
      `Expected '${what}' to be a number of ms ≥ 0 (0 = no timeout), got ${describeArgument(value)}.`,
    );
  }
}

/**
 * Asserts an optional positive integer option such as `concurrency` or `capacity`.
 *
 * @example
 * ```ts
 * assertCount(8, 'concurrency', 1); // ok
 * ```
 */
export function assertCount(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(
      `Expected '${what}' to be an integer ≥ ${min}, got ${describeArgument(value)}.`,
    );
  }
}

/**
 * Asserts that `signal` is an `AbortSignal` (or a look-alike with `aborted`,
 * `reason` and `addEventListener`).
 *
 * @example
 * ```ts
 * assertSignal(new AbortController().signal); // ok
 * ```
 */
export function assertSignal(signal: unknown): asserts signal is AbortSignal {
  const s = signal as Partial<AbortSignal> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function' ||
    typeof s.removeEventListener !== 'function'
  ) {
    throw new TypeError(`Expected 'signal' to be an AbortSignal (e.g. new AbortController().signal), got ${describeArgument(signal)}.`);
  }
}

/**
 * A short description of a bad argument for error messages.
 *
 * @example
 * ```ts
 * describeArgument(''); // 'an empty string'
 * ```
 */
export function describeArgument(value: unknown): string {
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}

/**
 * Asserts a finite number > 0, such as a token bucket's `rate` or `per`.
 *
 * @example
 * ```ts
 * assertPositiveNumber(10, 'rate'); // ok
 * assertPositiveNumber(0, 'rate');  // RangeError: Expected 'rate' to be a finite number > 0, got number 0.
 * ```
 */
export function assertPositiveNumber(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(
      `Expected '${what}' to be a finite number > 0, got ${describeArgument(value)}.`,
    );
  }
}

/**
 * Asserts a duration in ms: a finite number ≥ 0 (unlike {@link assertTimeout},
 * `Infinity` is refused: a pause must end), and at least `min` when given
 * (a RangeError naming the minimum).
 *
 * @example
 * ```ts
 * assertDuration(30_000, 'ms'); // ok
 * assertDuration(50, 'ackWait', 100); // RangeError: Expected 'ackWait' to be at least 100 ms, got 50.
 * ```
 */
export function assertDuration(value: unknown, what: string, min = 0): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(
      `Expected '${what}' to be a finite number of ms ≥ 0, got ${describeArgument(value)}.`,
    );
  }
  if (value < min) throw new RangeError(`Expected '${what}' to be at least ${min} ms, got ${value}.`);
}

/**
 * Asserts that an argument or option is a function.
 *
 * @example
 * ```ts
 * assertFunction((x: number) => x, 'project'); // ok
 * ```
 */
export function assertFunction(value: unknown, what: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new TypeError(`Expected '${what}' to be a function, got ${describeArgument(value)}.`);
  }
}

/**
 * Asserts that an option is one of a few allowed strings.
 *
 * @example
 * ```ts
 * assertOneOf('drop-oldest', 'overflow', ['error', 'drop-newest', 'drop-oldest']); // ok
 * ```
 */
export function assertOneOf<const A extends readonly string[]>(value: unknown, what: string, allowed: A): asserts value is A[number] {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new TypeError(`Expected '${what}' to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeArgument(value)}.`);
  }
}

/**
 * Asserts an RxJS `SchedulerLike` (something with `now()` and `schedule()`).
 *
 * @example
 * ```ts
 * assertScheduler(asyncScheduler); // ok
 * ```
 */
export function assertScheduler(value: unknown, what = 'scheduler'): asserts value is import('rxjs').SchedulerLike {
  const s = value as { now?: unknown; schedule?: unknown } | null;
  if (s === null || typeof s !== 'object' || typeof s.now !== 'function' || typeof s.schedule !== 'function') {
    throw new TypeError(`Expected '${what}' to be an RxJS scheduler (e.g. asyncScheduler), got ${describeArgument(value)}.`);
  }
}

const NO_OPTIONS = Object.freeze({});

/**
 * Asserts an options argument: an object, or `undefined` (then an empty,
 * frozen object is returned). `null`, primitives and arrays are a `TypeError` naming the
 * argument, instead of an internal "Cannot read properties of null".
 *
 * @example
 * ```ts
 * const { timeout = 0 } = optionsOf(options, 'emit() options');
 * ```
 */
export function optionsOf<T extends object>(value: T | undefined, what: string): Partial<T> {
  // One shared empty object: the common call passes no options, and this runs on every emit.
  if (value === undefined) return NO_OPTIONS;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`Expected the ${what} to be an object or undefined, got ${describeArgument(value)}.`);
  }
  return value;
}

/**
 * Asserts a boolean option.
 *
 * @example
 * ```ts
 * assertBoolean(false, 'drain'); // ok
 * assertBoolean('no', 'drain');  // TypeError: Expected 'drain' to be true or false, got "no".
 * ```
 */
export function assertBoolean(value: unknown, what: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`Expected '${what}' to be true or false, got ${describeArgument(value)}.`);
  }
}
