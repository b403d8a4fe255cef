/**
 * The matcher language shared by `bus.waitFor`, the `matching` and `waitFor`
 * operators and the test DSL:
 *
 * - a predicate `(value, context) => boolean`;
 * - a deep-partial object (or array) whose leaves are values (compared with
 *   `Object.is`), `RegExp`s (tested against string values) or predicates;
 * - a string (exact) or `RegExp` for string values; any other primitive is
 *   compared with `Object.is`.
 *
 * Matchers are synchronous: a predicate that returns a Promise (or any
 * thenable) throws a TypeError when tested, instead of matching. RegExps and
 * plain objects built in another realm (a `node:vm` context, an iframe) are
 * recognised like local ones.
 *
 * Matchers are compiled once into a tree of checks; the compiled form also
 * tells the waiter index which field, if any, is pinned to an exact primitive
 * value (see waiter-index.ts).
 */
import { describeValue, functionName } from './render-value.js';
import { isRegExp } from './realm.js';
import { thenOf } from './thenable.js';

/** A function that decides whether a value matches. */
export type MatchPredicate<T, C = unknown> = (value: T, context: C) => boolean;

/**
 * What matches an `unknown` value: anything. Spelled out because `unknown`
 * would absorb the rest of a union (`((v: unknown) => boolean) | unknown` is
 * `unknown`), leaving inline predicates, at the root or in nested fields, with
 * an implicit `any` parameter.
 */
type UnknownMatcher = {} | null | undefined | { readonly [key: string]: FieldMatcher<unknown> };

/** What may stand for one field in an object matcher. */
export type FieldMatcher<V> =
  | (unknown extends V ? UnknownMatcher : V)
  | ((value: V) => boolean)
  | (V extends string ? RegExp : never)
  | (V extends readonly unknown[] ? { readonly [I in keyof V]?: FieldMatcher<V[I]> } : never)
  | (V extends object ? (V extends (...args: never[]) => unknown ? never : ObjectMatcher<V>) : never);

/** A deep-partial object matcher: only the listed fields are checked. */
export type ObjectMatcher<T> = { readonly [K in keyof T]?: FieldMatcher<T[K]> };

/**
 * A matcher for values of type T (C is what a predicate receives as its
 * second argument: the envelope, for bus waiters).
 *
 * @example
 * ```ts
 * const ok: Matcher<{ url: string; status: number }> = { url: /\/api\/users/, status: 200 };
 * const slow: Matcher<{ ms: number }> = (p) => p.ms > 1000;
 * ```
 */
export type Matcher<T, C = unknown> =
  MatchPredicate<T, C> | (unknown extends T ? UnknownMatcher : T extends string ? T | RegExp : T extends object ? ObjectMatcher<T> : T);

/** A primitive that the waiter index can key on. */
export type IndexableValue = string | number | boolean | bigint | null;

/** A field pinned by a matcher to one exact primitive value. */
export interface PinnedField {
  /** Property names from the root value to the field; empty for the value itself. */
  readonly path: readonly string[];
  /**
   * One Map key for `path`, distinct for distinct paths: the name itself for
   * a one-name path, otherwise NUL followed by the path's JSON.
   */
  readonly pathKey: string;
  /** The exact value the field must have. */
  readonly value: IndexableValue;
}

/** A matcher compiled once for many tests. */
export interface CompiledMatcher<T = unknown, C = unknown> {
  /**
   * Does `value` match? Throws what a predicate or a read field (a getter, a
   * Proxy trap) throws, and a TypeError when a predicate returns a thenable.
   */
  test(value: T, context: C): boolean;
  /** A readable rendering for messages, e.g. `{ status: 200 }`. */
  readonly description: string;
  /** The first field pinned to an exact primitive, when there is one. */
  readonly pinned: PinnedField | undefined;
}

type PredicateFn = (value: unknown, context: unknown) => unknown;

type Node =
  | { readonly kind: 'any' }
  | { readonly kind: 'value'; readonly expected: unknown }
  | { readonly kind: 'regexp'; readonly re: RegExp }
  | { readonly kind: 'predicate'; readonly fn: PredicateFn }
  // Keys and their nodes in parallel arrays: no [key, node] pair per field.
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly nodes: readonly Node[] }
  // `{ key: value }` with one field and a plain value, the usual shape of an
  // indexed waiter's matcher (`{ url: '/api/7' }`): one node instead of an
  // object node, its nodes array and a value node (~120 of the ~830 bytes a
  // pending waiter cost before).
  | { readonly kind: 'field'; readonly key: string; readonly expected: unknown }
  | { readonly kind: 'array'; readonly items: readonly Node[] };

/**
 * A compiled matcher. A class, not a closure-bearing object literal: one
 * small object per waiter, with its methods shared on the prototype.
 */
class Compiled implements CompiledMatcher<unknown, unknown> {
  #description: string | undefined;
  constructor(
    private readonly root: Node,
    private readonly source: unknown,
    readonly pinned: PinnedField | undefined,
  ) {}

  test(value: unknown, context: unknown): boolean {
    return testNode(this.root, value, context);
  }

  // Rendered on first use (a timeout message), not at every registration.
  get description(): string {
    return (this.#description ??= describeMatcher(this.source));
  }
}

const ANY = /*#__PURE__*/ new Compiled({ kind: 'any' }, undefined, undefined);

/**
 * Compiles a matcher. `undefined` (no matcher) matches everything.
 *
 * @throws TypeError when an object matcher contains a cycle.
 * @example
 * ```ts
 * const m = compileMatcher({ url: /\/api\/users/, status: 200 });
 * m.test({ url: '/api/users/7', status: 200 }, undefined); // true
 * m.pinned; // { path: ['status'], pathKey: 'status', value: 200 }
 * ```
 */
export function compileMatcher<T, C = unknown>(matcher: Matcher<T, C> | undefined): CompiledMatcher<T, C> {
  if (matcher === undefined) return ANY as CompiledMatcher<T, C>;
  // A lone predicate is the common case: skip the tree walk.
  if (typeof matcher === 'function')
    return new Compiled({ kind: 'predicate', fn: matcher as PredicateFn }, matcher, undefined) as CompiledMatcher<T, C>;
  const root = compileNode(matcher, new Set(), []);
  return new Compiled(root, matcher, findPinned(root, [])) as CompiledMatcher<T, C>;
}

/**
 * Reads the field at `path` the way matchers read it: own or inherited
 * properties of objects, except that names of `Object.prototype` members
 * (`__proto__`, `constructor`, `toString`, …) must be own properties, so no
 * payload matches through what every object inherits. Throws what a getter
 * or a Proxy trap on the way throws.
 *
 * @example
 * ```ts
 * readPath({ req: { url: '/a' } }, ['req', 'url']); // '/a'
 * ```
 */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    current = readField(current, key);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * Renders a matcher for messages: `{ url: /\/api/, status: 200 }`, `predicate isOk`.
 *
 * @example
 * ```ts
 * describeMatcher((p: { ms: number }) => p.ms > 5); // 'predicate (anonymous)'
 * ```
 */
export function describeMatcher(matcher: unknown): string {
  if (matcher === undefined) return 'anything';
  if (typeof matcher === 'function') return `predicate ${functionName(matcher) || '(anonymous)'}`;
  return describeValue(matcher, 200);
}

function readField(value: unknown, key: string): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  // `constructor`, `__proto__` and friends are on every object: reading them
  // through the prototype would let `{ constructor: { name: 'Object' } }`
  // (e.g. from JSON) match any plain payload.
  if (Object.hasOwn(Object.prototype, key) && !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

/*
 * Matchers may be built in another realm (a `node:vm` context, an iframe),
 * whose RegExp and Object.prototype are not ours: `instanceof RegExp` and
 * `proto === Object.prototype` are false there, and such matchers used to be
 * compared by identity, so they never matched. Both checks below work across
 * realms. They run when a matcher is compiled, never per event.
 */

/**
 * Is this matcher object a tree to walk (an array or a plain object) rather
 * than a value to compare by identity? Plain means: no prototype, or a
 * prototype that is some realm's `Object.prototype`, recognised as an object
 * with no prototype of its own whose own `constructor` is a function named
 * `Object` that points back at it. Class instances, Dates, Maps and
 * `Object.create({})` fail this (their prototype has a prototype). Only
 * own-property descriptors are read, so no getter of the matcher runs. An
 * object built to imitate Object.prototype passes and is walked as a plain
 * object: that only changes how the caller's own matcher is read.
 */
function isStructural(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || proto === Object.prototype || isForeignObjectPrototype(proto);
}

function isForeignObjectPrototype(proto: object): boolean {
  if (Object.getPrototypeOf(proto) !== null) return false;
  const ctor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  return (
    typeof ctor === 'function' &&
    Object.getOwnPropertyDescriptor(ctor, 'prototype')?.value === proto &&
    Object.getOwnPropertyDescriptor(ctor, 'name')?.value === 'Object'
  );
}

function compileNode(matcher: unknown, seen: Set<object>, path: readonly string[]): Node {
  if (typeof matcher === 'function') {
    return { kind: 'predicate', fn: matcher as PredicateFn };
  }
  if (matcher !== null && typeof matcher === 'object' && isRegExp(matcher)) {
    // A /g or /y RegExp keeps state in lastIndex: test a private copy, so the
    // caller's RegExp (and its lastIndex) is never touched.
    return { kind: 'regexp', re: matcher.global || matcher.sticky ? new RegExp(matcher) : matcher };
  }
  if (matcher === null || typeof matcher !== 'object' || !isStructural(matcher)) {
    return { kind: 'value', expected: matcher };
  }
  if (seen.has(matcher)) {
    throw new TypeError(`The matcher contains a cycle at '${path.join('.') || '(root)'}'. Matchers must be trees of plain objects.`);
  }
  seen.add(matcher);
  try {
    if (Array.isArray(matcher)) {
      // Array.from visits holes (as undefined); `map` would leave them empty.
      return { kind: 'array', items: Array.from(matcher, (item: unknown, i) => compileNode(item, seen, [...path, String(i)])) };
    }
    const names = Object.keys(matcher);
    const keys = internList(keyOf(names), names);
    const nodes = keys.map((key) => compileNode((matcher as Record<string, unknown>)[key], seen, [...path, key]));
    if (nodes.length === 1 && nodes[0]!.kind === 'value') return { kind: 'field', key: keys[0]!, expected: nodes[0]!.expected };
    return { kind: 'object', keys, nodes };
  } finally {
    seen.delete(matcher);
  }
}

function testNode(node: Node, value: unknown, context: unknown): boolean {
  switch (node.kind) {
    case 'any':
      return true;
    case 'value':
      return Object.is(value, node.expected);
    case 'regexp':
      if (typeof value !== 'string') return false;
      // The copy of a /g or /y RegExp remembers lastIndex between calls; reset
      // it so the same matcher gives the same answer for the same value every
      // time. Others are not written to (they may be frozen).
      if (node.re.global || node.re.sticky) node.re.lastIndex = 0;
      return node.re.test(value);
    case 'predicate': {
      const result = node.fn(value, context);
      if (typeof result === 'boolean') return result; // the usual answer: no further checks
      // A Promise is truthy: an async predicate would match the first event.
      // A `then` getter that throws rejects the waiter with its error, like any throwing matcher.
      if (thenOf(result) !== undefined) throw asyncPredicateError(node.fn);
      return Boolean(result);
    }
    case 'field':
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
      return Object.is(readField(value, node.key), node.expected);
    case 'object':
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
      for (let i = 0; i < node.keys.length; i++) {
        if (!testNode(node.nodes[i]!, readField(value, node.keys[i]!), context)) return false;
      }
      return true;
    case 'array':
      if (!Array.isArray(value) || value.length !== node.items.length) return false;
      for (let i = 0; i < node.items.length; i++) {
        if (!testNode(node.items[i]!, value[i], context)) return false;
      }
      return true;
  }
}

/*
 * The thenable itself is left alone: subscribing to it would run the
 * caller's code again, and marking it handled would hide its rejection
 * (the caller's own async failure) from the process.
 */
function asyncPredicateError(fn: PredicateFn): TypeError {
  return new TypeError(
    `The matcher's ${describeMatcher(fn)} returned a Promise (or another thenable), but matchers are synchronous: ` +
      'the value would count as a match without being awaited. Do the async work before waiting (or in a handler) ' +
      'and match on its result, or wait with a synchronous matcher and filter after awaiting the event.',
  );
}

function isIndexable(value: unknown): value is IndexableValue {
  const t = typeof value;
  return value === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint';
}

function findPinned(node: Node, path: readonly string[]): PinnedField | undefined {
  if (node.kind === 'value' && isIndexable(node.expected)) {
    // One unambiguous key serves both: joining with a separator would let
    // { 'a\u0000b': 1 } and { a: { b: 1 } } share an index entry.
    const key = keyOf(path);
    return { path: internList(key, path), pathKey: key, value: node.expected };
  }
  if (node.kind === 'field') {
    return findPinned({ kind: 'value', expected: node.expected }, [...path, node.key]);
  }
  if (node.kind === 'object') {
    for (let i = 0; i < node.keys.length; i++) {
      const found = findPinned(node.nodes[i]!, [...path, node.keys[i]!]);
      if (found) return found;
    }
  }
  return undefined;
}

/*
 * Lists of property names are shared between compiled matchers. Thousands
 * of pending waiters usually have matchers of a few shapes (`{ url }`,
 * `{ id, status }`), and each of them kept two arrays of its own — its keys
 * and its pinned path: sharing them took a pending waiter from ~1 050 to
 * ~840 bytes (test/bench/heap.mjs).
 * The lists are frozen (nothing writes to them anyway) and the cache is
 * bounded like the pattern caches.
 */
const LIST_CACHE_LIMIT = 1024;
const lists = new Map<string, readonly string[]>();

function internList(key: string, list: readonly string[]): readonly string[] {
  const cached = lists.get(key);
  if (cached !== undefined) return cached;
  if (lists.size >= LIST_CACHE_LIMIT) lists.clear();
  const frozen = Object.freeze([...list]);
  lists.set(key, frozen);
  return frozen;
}

/**
 * The cache key of a list of names, with no two lists sharing one: a lone
 * name without NUL is itself, anything else is NUL followed by its JSON,
 * which no such name can equal.
 */
function keyOf(names: readonly string[]): string {
  return names.length === 1 && !names[0]!.includes('\u0000') ? names[0]! : `\u0000${JSON.stringify(names)}`;
}
