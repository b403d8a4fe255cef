/**
 * Short, safe renderings of arbitrary values for error messages: never throw,
 * never grow without bound.
 *
 * Payloads and thrown values are user data, and some are hostile: Proxies
 * whose traps throw, revoked Proxies, getters that throw, Errors whose
 * `message` throws. They are rendered where a throw would do real harm —
 * inside the timer that must reject a timed-out waiter, inside the pool
 * reporting a handler failure — so every read of user data is guarded. A part
 * that cannot be read or rendered is shown as `<unrenderable: Name: message>`
 * (what reading it threw) or bare `<unrenderable>` (when even the thrown value
 * cannot be described); the rest of the value is still rendered around it. No
 * value renders as angle brackets otherwise (strings are quoted), so the
 * marker cannot be mistaken for data.
 *
 * Dates, Maps and Sets are read through the built-in methods rather than the
 * object's own: their content lives in internal slots, and an own `getTime`
 * or `entries` (throwing or not) is not that content.
 */
import { isRegExp } from './realm.js';

const DEFAULT_LIMIT = 120;
/** How much of a thrown error's message an `<unrenderable: …>` marker quotes. */
const REASON_LIMIT = 80;

const dateTime = Date.prototype.getTime;
const dateToIso = Date.prototype.toISOString;
const mapSize = /*#__PURE__*/ getterOf(Map.prototype, 'size');
const mapEntries = Map.prototype.entries;
const setSize = /*#__PURE__*/ getterOf(Set.prototype, 'size');
const setValues = Set.prototype.values;
const objectTag = Object.prototype.toString;

/** A built-in accessor's getter (called only as a pure annotated call, so bundlers may drop it unused). */
function getterOf(proto: object, key: string): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(proto, key)!.get!;
}

/** Escapes line breaks, so a rendering stays on one line. */
const oneLine = (s: string): string => s.replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** Quotes a string on one line: line breaks are escaped, not printed. */
const quote = (s: string): string => `'${oneLine(s)}'`;

/** True for Errors of any realm (a `vm` context's, an iframe's), which `instanceof Error` misses. May throw for a Proxy. */
const isError = (obj: object): boolean => obj instanceof Error || objectTag.call(obj) === '[object Error]';

/**
 * The marker for a part whose reading threw `error`. Reads only an Error's
 * own `name` and `message` strings, never renders the error itself: a
 * hostile error could throw again, and rendering it would recurse.
 */
function unrenderable(error: unknown): string {
  let why: string | undefined;
  try {
    if (typeof error === 'object' && error !== null) {
      const { name, message } = error as { name?: unknown; message?: unknown };
      if (typeof name === 'string' && typeof message === 'string') why = message === '' ? name : `${name}: ${message}`;
    } else if (typeof error !== 'function') {
      why = String(error); // a primitive: String() renders symbols too
    }
  } catch {
    why = undefined;
  }
  if (why === undefined) return '<unrenderable>';
  return `<unrenderable: ${oneLine(why.length > REASON_LIMIT ? `${why.slice(0, REASON_LIMIT - 1)}…` : why)}>`;
}

/**
 * Renders a value as a one-line, truncated, JavaScript-like literal. Never
 * throws: cycles show as `[Circular]`, depth past 5 as `{…}` / `[…]`, and a
 * part that cannot be read (a getter or Proxy trap that throws, a revoked
 * Proxy) as `<unrenderable: Name: message>`, or `<unrenderable>` when even
 * what it threw cannot be described.
 *
 * @example
 * ```ts
 * describeValue({ url: '/api/users', status: 500 }); // "{ url: '/api/users', status: 500 }"
 * const { proxy, revoke } = Proxy.revocable({}, {});
 * revoke();
 * describeValue({ id: 7, body: proxy }); // "{ id: 7, body: <unrenderable: TypeError: Cannot perform 'IsArray' on a proxy that has been revoked> }"
 * ```
 */
export function describeValue(value: unknown, limit = DEFAULT_LIMIT): string {
  return new Rendering(limit).of(value);
}

/**
 * One rendering in progress: the pieces emitted so far, their length, and
 * the objects on the path from the root (for `[Circular]`). Every `render…`
 * method returns false once the limit is passed, and its callers stop
 * walking: rendering a huge payload costs O(limit), not O(payload).
 */
class Rendering {
  readonly #out: string[] = [];
  #length = 0;
  readonly #seen = new Set<object>();

  constructor(readonly limit: number) {}

  /** The whole value, truncated to the limit. */
  of(value: unknown): string {
    this.#walk(value, 0);
    const text = this.#out.join('');
    return text.length > this.limit ? `${text.slice(0, this.limit - 1)}…` : text;
  }

  #emit(piece: string): boolean {
    this.#out.push(piece);
    this.#length += piece.length;
    return this.#length <= this.limit;
  }

  #truncated(text: string): string {
    return text.length > this.limit ? text.slice(0, this.limit) : text;
  }

  // Whatever a value throws while it is rendered, the pieces it emitted are
  // taken back and the marker stands for the whole value: `Map(2) { 'a' => `
  // followed by a marker would read as a broken Map.
  #walk(value: unknown, depth: number): boolean {
    const mark = this.#out.length;
    const markLength = this.#length;
    try {
      return this.#render(value, depth);
    } catch (error) {
      this.#out.length = mark;
      this.#length = markLength;
      return this.#emit(unrenderable(error));
    }
  }

  /** A field of `obj`, or the marker when reading it throws. */
  #field(obj: object, key: PropertyKey, depth: number): boolean {
    let child: unknown;
    try {
      child = (obj as Record<PropertyKey, unknown>)[key];
    } catch (error) {
      return this.#emit(unrenderable(error));
    }
    return this.#walk(child, depth);
  }

  #render(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'string':
        return this.#emit(quote(this.#truncated(value)));
      case 'number':
      case 'boolean':
      case 'undefined':
        return this.#emit(Object.is(value, -0) ? '-0' : String(value));
      case 'bigint':
        return this.#emit(`${value}n`);
      case 'symbol':
        return this.#emit(String(value));
      case 'function': {
        const name = functionName(value);
        return this.#emit(name ? `[Function ${name}]` : '[Function]');
      }
    }
    if (value === null) return this.#emit('null');
    const obj = value as object;
    if (isRegExp(obj)) return this.#emit(String(obj));
    if (obj instanceof Date) {
      const time = dateTime.call(obj);
      return this.#emit(Number.isNaN(time) ? 'Invalid Date' : dateToIso.call(obj));
    }
    if (this.#seen.has(obj)) return this.#emit('[Circular]');
    // Errors, Maps and Sets keep their content out of own enumerable keys:
    // without these cases a near miss would read `Map{}` or `Error{}`.
    if (isError(obj)) return this.#within(obj, () => this.#renderError(obj, depth));
    if (depth > 4) return this.#emit(Array.isArray(obj) ? '[…]' : '{…}');
    return this.#within(obj, () => {
      if (Array.isArray(obj)) return this.#renderArray(obj, depth);
      if (obj instanceof Map || obj instanceof Set) return this.#renderCollection(obj, depth);
      return this.#renderObject(obj, depth);
    });
  }

  /** Renders with `obj` on the path, so a reference back to it shows as `[Circular]`. */
  #within(obj: object, render: () => boolean): boolean {
    this.#seen.add(obj);
    try {
      return render();
    } finally {
      this.#seen.delete(obj);
    }
  }

  /** `Name: message` (a message that is the error itself is a cycle, caught by the path). */
  #renderError(error: object, depth: number): boolean {
    return this.#errorPart(error, 'name', depth + 1) && this.#emit(': ') && this.#errorPart(error, 'message', depth + 1);
  }

  /** An Error's name or message: a string as is (truncated), anything else rendered. */
  #errorPart(error: object, key: 'name' | 'message', depth: number): boolean {
    let part: unknown;
    try {
      part = (error as Record<string, unknown>)[key];
    } catch (thrown) {
      return this.#emit(unrenderable(thrown));
    }
    return typeof part === 'string' ? this.#emit(this.#truncated(part)) : this.#walk(part, depth);
  }

  #renderArray(array: readonly unknown[], depth: number): boolean {
    const size = array.length;
    if (!this.#emit('[')) return false;
    for (let i = 0; i < size; i++) {
      if (i > 0 && !this.#emit(', ')) return false;
      if (!this.#field(array, i, depth + 1)) return false;
    }
    return this.#emit(']');
  }

  #renderCollection(collection: Map<unknown, unknown> | Set<unknown>, depth: number): boolean {
    const isMap = collection instanceof Map;
    const size = isMap ? mapSize.call(collection) : setSize.call(collection);
    const head = `${isMap ? 'Map' : 'Set'}(${size})`;
    if (size === 0) return this.#emit(`${head} {}`);
    if (!this.#emit(`${head} { `)) return false;
    let first = true;
    for (const entry of isMap ? mapEntries.call(collection) : setValues.call(collection)) {
      if (!first && !this.#emit(', ')) return false;
      first = false;
      if (isMap) {
        const [key, item] = entry as [unknown, unknown];
        if (!this.#walk(key, depth + 1) || !this.#emit(' => ') || !this.#walk(item, depth + 1)) return false;
      } else if (!this.#walk(entry, depth + 1)) return false;
    }
    return this.#emit(' }');
  }

  #renderObject(obj: object, depth: number): boolean {
    const keys = Object.keys(obj);
    const name = className(obj);
    if (keys.length === 0) return this.#emit(`${name}{}`);
    if (!this.#emit(`${name}{ `)) return false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (i > 0 && !this.#emit(', ')) return false;
      const shown = this.#truncated(key);
      if (!this.#emit(/^[A-Za-z_$][\w$]*$/.test(shown) ? `${shown}: ` : `${quote(shown)}: `)) return false;
      if (!this.#field(obj, key, depth + 1)) return false;
    }
    return this.#emit(' }');
  }
}

/**
 * The text an error message gives for a thrown or rejected value (a cause):
 * an Error's message, a string as it is, a primitive as `String()` gives it,
 * any other value rendered by {@link describeValue}. Never throws, whatever
 * was thrown (a null-prototype object, a revoked Proxy, an Error whose
 * `message` getter throws).
 *
 * @example
 * ```ts
 * describeCause(new Error('db down')); // 'db down'
 * describeCause(Object.assign(Object.create(null), { code: 'E_DB' })); // "{ code: 'E_DB' }"
 * ```
 */
export function describeCause(cause: unknown, limit = DEFAULT_LIMIT): string {
  if (typeof cause === 'string') return cause;
  if (cause === null || (typeof cause !== 'object' && typeof cause !== 'function')) return String(cause);
  try {
    if (isError(cause)) {
      const message: unknown = (cause as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
  } catch {
    // A Proxy or a throwing getter: describeValue shows what can be read.
  }
  return describeValue(cause, limit);
}

/**
 * A template tag for messages that quote user values: strings and numbers
 * are interpolated as a plain template literal would, anything else is
 * rendered by {@link describeValue}. A type or name is typed `string`, but
 * plain JavaScript callers can pass a Symbol, a null-prototype object or a
 * revoked Proxy, and building the error that reports it must not throw.
 *
 * @example
 * ```ts
 * safeText`No responder for request '${Symbol('user.get')}'.`; // "No responder for request 'Symbol(user.get)'."
 * ```
 */
export function safeText(strings: TemplateStringsArray, ...values: unknown[]): string {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    text += (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : describeValue(v)) + strings[i + 1]!;
  }
  return text;
}

/**
 * A function's `name` for messages: `''` when it has none (or a name that is
 * not a string, like a class's `static name = {}`), the `<unrenderable: …>`
 * marker when reading it throws (a getter, a Proxy's trap).
 *
 * @example
 * ```ts
 * functionName(function isOk() {}); // 'isOk'
 * functionName(() => 1);            // ''
 * ```
 */
export function functionName(fn: Function): string {
  try {
    const name: unknown = fn.name;
    return typeof name === 'string' ? name : '';
  } catch (error) {
    return unrenderable(error);
  }
}

/** `'Foo '` for an instance of class Foo, `''` for plain objects (or when it cannot be told). */
function className(obj: object): string {
  try {
    // The class comes from the prototype: an own `constructor` field is
    // payload data (and may be a getter that throws).
    const ctor = (Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null)?.constructor;
    return ctor && ctor !== Object && typeof ctor.name === 'string' && ctor.name ? `${ctor.name} ` : '';
  } catch {
    return '';
  }
}
