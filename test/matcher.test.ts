import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createBus, type BusEvent } from 'rxbus';
import { VirtualScheduler } from 'rxbus/testing';
import { compileMatcher, describeMatcher, readPath } from '../src/matcher.js';

/** Compiles an untyped matcher (the runtime language, free of payload typing). */
const compile = (matcher: unknown) => compileMatcher<unknown, unknown>(matcher);
const matches = (matcher: unknown, value: unknown, context?: unknown): boolean => compile(matcher).test(value, context);

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

class Response {
  #status: number;
  constructor(status: number) {
    this.#status = status;
  }
  /** A getter on the prototype: matchers read inherited properties. */
  get status(): number {
    return this.#status;
  }
}

describe('compileMatcher: predicates', () => {
  it('passes the value and the context to a root predicate', () => {
    const calls: unknown[][] = [];
    const m = compile((value: unknown, context: unknown) => {
      calls.push([value, context]);
      return true;
    });
    const payload = { id: 1 };
    const envelope = { type: 'order.created', payload };
    expect(m.test(payload, envelope)).toBe(true);
    expect(calls).toEqual([[payload, envelope]]);
    expect(calls[0]![0]).toBe(payload);
    expect(calls[0]![1]).toBe(envelope);
  });

  it('coerces truthy and falsy predicate results to booleans', () => {
    expect(matches(() => 1, 'x')).toBe(true);
    expect(matches(() => 'yes', 'x')).toBe(true);
    expect(matches(() => ({}), 'x')).toBe(true);
    expect(matches(() => 0, 'x')).toBe(false);
    expect(matches(() => '', 'x')).toBe(false);
    expect(matches(() => null, 'x')).toBe(false);
    expect(matches(() => undefined, 'x')).toBe(false);
    expect(matches(() => NaN, 'x')).toBe(false);
    // The result is a real boolean, not the predicate's value.
    expect(compile(() => 'yes').test('x', undefined)).toBe(true);
    expect(compile(() => 0).test('x', undefined)).toBe(false);
  });

  it('passes the field value and the context to a predicate leaf', () => {
    const calls: unknown[][] = [];
    const m = compile({
      order: {
        total: (value: unknown, context: unknown) => {
          calls.push([value, context]);
          return (value as number) > 100;
        },
      },
    });
    expect(m.test({ order: { total: 150 } }, 'ctx')).toBe(true);
    expect(m.test({ order: { total: 50 } }, 'ctx2')).toBe(false);
    expect(m.test({ order: {} }, 'ctx3')).toBe(false);
    expect(calls).toEqual([
      [150, 'ctx'],
      [50, 'ctx2'],
      [undefined, 'ctx3'],
    ]);
  });

  it('throws the predicate error from test', () => {
    const boom = new Error('boom');
    const m = compile(() => {
      throw boom;
    });
    expect(() => m.test(1, undefined)).toThrow(boom);
  });

  it('throws the error of a predicate leaf from test', () => {
    const boom = new Error('leaf boom');
    const m = compile({
      a: () => {
        throw boom;
      },
    });
    expect(() => m.test({ a: 1 }, undefined)).toThrow(boom);
    // An object matcher stops at the first failing field: no later predicate runs.
    const later = compile({
      a: 1,
      b: () => {
        throw boom;
      },
    });
    expect(later.test({ a: 2 }, undefined)).toBe(false);
  });

  it('does not call a predicate when the matcher is compiled', () => {
    let calls = 0;
    compile(() => {
      calls++;
      return true;
    });
    compile({
      a: () => {
        calls++;
        return true;
      },
    });
    expect(calls).toBe(0);
  });
});

describe('compileMatcher: deep-partial objects', () => {
  it('matches when every listed field matches, ignoring extra fields', () => {
    const m = compile({ url: '/api/users', status: 200 });
    expect(m.test({ url: '/api/users', status: 200 }, undefined)).toBe(true);
    expect(m.test({ url: '/api/users', status: 200, body: 'x', headers: {} }, undefined)).toBe(true);
    expect(m.test({ url: '/api/users', status: 500 }, undefined)).toBe(false);
    expect(m.test({ url: '/api/orders', status: 200 }, undefined)).toBe(false);
  });

  it('does not match when a listed field is missing', () => {
    const m = compile({ url: '/api/users', status: 200 });
    expect(m.test({ url: '/api/users' }, undefined)).toBe(false);
    expect(m.test({}, undefined)).toBe(false);
  });

  it('matches nested objects partially at every level', () => {
    const m = compile({ req: { headers: { accept: 'json' } }, res: { status: 200 } });
    expect(m.test({ req: { url: '/a', headers: { accept: 'json', host: 'h' } }, res: { status: 200, body: 1 } }, undefined)).toBe(true);
    expect(m.test({ req: { headers: { accept: 'xml' } }, res: { status: 200 } }, undefined)).toBe(false);
    expect(m.test({ req: { headers: null }, res: { status: 200 } }, undefined)).toBe(false);
    expect(m.test({ req: {}, res: { status: 200 } }, undefined)).toBe(false);
    expect(m.test({ req: 'headers', res: { status: 200 } }, undefined)).toBe(false);
  });

  it('matches an empty object matcher against any object but no primitive', () => {
    const m = compile({});
    expect(m.test({}, undefined)).toBe(true);
    expect(m.test({ a: 1 }, undefined)).toBe(true);
    expect(m.test([], undefined)).toBe(true);
    expect(m.test(new Date(0), undefined)).toBe(true);
    expect(m.test(null, undefined)).toBe(false);
    expect(m.test(undefined, undefined)).toBe(false);
    expect(m.test('abc', undefined)).toBe(false);
    expect(m.test(0, undefined)).toBe(false);
  });

  it('does not read fields of primitives, so { length: 3 } does not match a string', () => {
    expect(matches({ length: 3 }, 'abc')).toBe(false);
    expect(matches({ length: 3 }, [1, 2, 3])).toBe(true);
  });

  it('reads fields of functions and inherited getters of class instances', () => {
    const fn = Object.assign(() => 1, { tag: 'x' });
    expect(matches({ tag: 'x' }, fn)).toBe(true);
    expect(matches({ status: 200 }, new Response(200))).toBe(true);
    expect(matches({ status: 200 }, new Response(404))).toBe(false);
  });

  it('treats null-prototype matcher objects as plain objects', () => {
    const matcher = Object.assign(Object.create(null) as object, { a: 1 });
    expect(matches(matcher, { a: 1, b: 2 })).toBe(true);
    expect(matches(matcher, { a: 2 })).toBe(false);
  });

  it('compiles frozen matchers and never writes to the matcher', () => {
    const matcher = Object.freeze({ a: Object.freeze({ b: 1 }), list: Object.freeze([1, 2]) });
    const m = compile(matcher);
    expect(m.test({ a: { b: 1 }, list: [1, 2] }, undefined)).toBe(true);
    expect(matcher).toEqual({ a: { b: 1 }, list: [1, 2] });
  });

  it('snapshots the matcher when compiled: later edits to it do not change the compiled form', () => {
    const matcher: Record<string, unknown> = { a: 1 };
    const m = compile(matcher);
    matcher['a'] = 2;
    matcher['b'] = 3;
    expect(m.test({ a: 1 }, undefined)).toBe(true);
    expect(m.test({ a: 2, b: 3 }, undefined)).toBe(false);
  });

  it('accepts the same sub-object twice (a shared node is not a cycle)', () => {
    const shared = { ok: true };
    const m = compile({ a: shared, b: shared, list: [shared, shared] });
    expect(m.test({ a: { ok: true }, b: { ok: true }, list: [{ ok: true }, { ok: true }] }, undefined)).toBe(true);
    expect(m.test({ a: { ok: true }, b: { ok: false }, list: [{ ok: true }, { ok: true }] }, undefined)).toBe(false);
  });
});

describe('compileMatcher: leaves compared with Object.is', () => {
  it('compares leaves with Object.is, so NaN matches NaN', () => {
    expect(matches({ n: NaN }, { n: NaN })).toBe(true);
    expect(matches({ n: NaN }, { n: 0 })).toBe(false);
    expect(matches(NaN, NaN)).toBe(true);
  });

  it('tells +0 from -0', () => {
    expect(matches({ n: 0 }, { n: -0 })).toBe(false);
    expect(matches({ n: -0 }, { n: 0 })).toBe(false);
    expect(matches({ n: -0 }, { n: -0 })).toBe(true);
    expect(matches(0, -0)).toBe(false);
  });

  it('tells null from undefined', () => {
    expect(matches({ v: null }, { v: undefined })).toBe(false);
    expect(matches({ v: null }, {})).toBe(false);
    expect(matches({ v: null }, { v: null })).toBe(true);
    expect(matches({ v: undefined }, { v: null })).toBe(false);
    // An undefined leaf means "absent or undefined", not "anything".
    expect(matches({ v: undefined }, {})).toBe(true);
    expect(matches({ v: undefined }, { v: undefined })).toBe(true);
    expect(matches({ v: undefined }, { v: 0 })).toBe(false);
  });

  it('does not coerce types: 1 does not match "1" or true', () => {
    expect(matches({ v: 1 }, { v: '1' })).toBe(false);
    expect(matches({ v: 1 }, { v: true })).toBe(false);
    expect(matches({ v: 1n }, { v: 1 })).toBe(false);
    expect(matches({ v: 1n }, { v: 1n })).toBe(true);
  });
});

describe('compileMatcher: RegExp leaves', () => {
  it('tests a RegExp leaf against string values only', () => {
    const m = compile({ url: /\/api\/users/, status: /^2/ });
    expect(m.test({ url: '/v1/api/users/7', status: '200' }, undefined)).toBe(true);
    // 200 would stringify to '200', but a RegExp only matches strings.
    expect(m.test({ url: '/api/users', status: 200 }, undefined)).toBe(false);
    expect(matches({ v: /null/ }, { v: null })).toBe(false);
    expect(matches({ v: /undefined/ }, {})).toBe(false);
    expect(matches({ v: /abc/ }, { v: new String('abc') })).toBe(false);
    expect(matches({ v: /abc/ }, { v: ['abc'] })).toBe(false);
  });

  it('gives the same answer on repeated tests with a /g RegExp', () => {
    const m = compile({ v: /a/g });
    const results = [1, 2, 3, 4].map(() => m.test({ v: 'xa' }, undefined));
    expect(results).toEqual([true, true, true, true]);
    const root = compile(/a/g);
    expect([root.test('a', undefined), root.test('a', undefined), root.test('ba', undefined)]).toEqual([true, true, true]);
  });

  it('gives the same answer on repeated tests with a /y RegExp, anchored at the start', () => {
    const m = compile(/a/y);
    expect([m.test('ab', undefined), m.test('ab', undefined), m.test('ab', undefined)]).toEqual([true, true, true]);
    expect([m.test('ba', undefined), m.test('ba', undefined)]).toEqual([false, false]);
  });

  it("does not touch the caller's RegExp lastIndex", () => {
    const re = /a/g;
    re.lastIndex = 2;
    const m = compile({ v: re });
    expect(m.test({ v: 'aaaa' }, undefined)).toBe(true);
    expect(m.test({ v: 'aaaa' }, undefined)).toBe(true);
    expect(re.lastIndex).toBe(2);
  });

  it('works with frozen RegExps', () => {
    expect(matches({ v: Object.freeze(/api/) }, { v: '/api' })).toBe(true);
    expect(matches({ v: Object.freeze(/api/) }, { v: '/web' })).toBe(false);
    const global = compile(Object.freeze(/api/g));
    expect([global.test('/api', undefined), global.test('/api', undefined)]).toEqual([true, true]);
  });

  it('honours RegExp flags such as /i', () => {
    expect(matches(/^get$/i, 'GET')).toBe(true);
    expect(matches(/^get$/, 'GET')).toBe(false);
  });
});

describe('compileMatcher: arrays', () => {
  it('matches arrays of the same length element by element', () => {
    const m = compile([1, 'a', { id: 2 }]);
    expect(m.test([1, 'a', { id: 2, extra: true }], undefined)).toBe(true);
    expect(m.test([1, 'a', { id: 3 }], undefined)).toBe(false);
    expect(m.test([1, 'b', { id: 2 }], undefined)).toBe(false);
  });

  it('does not match arrays of another length', () => {
    const m = compile([1, 2]);
    expect(m.test([1], undefined)).toBe(false);
    expect(m.test([1, 2, 3], undefined)).toBe(false);
    expect(compile([]).test([], undefined)).toBe(true);
    expect(compile([]).test([1], undefined)).toBe(false);
  });

  it('matches only real arrays, not array-like objects', () => {
    expect(matches([1, 2], { 0: 1, 1: 2, length: 2 })).toBe(false);
    expect(matches([1, 2], '12')).toBe(false);
    expect(matches({ tags: ['a'] }, { tags: 'a' })).toBe(false);
  });

  it('allows RegExp and predicate elements', () => {
    const m = compile([/^a/, (v: unknown) => typeof v === 'number']);
    expect(m.test(['abc', 1], undefined)).toBe(true);
    expect(m.test(['xbc', 1], undefined)).toBe(false);
    expect(m.test(['abc', '1'], undefined)).toBe(false);
  });

  it('compares a hole in a sparse array matcher with undefined', () => {
    // eslint-disable-next-line no-sparse-arrays
    const m = compile([1, , 3]);
    expect(m.test([1, undefined, 3], undefined)).toBe(true);
    expect(m.test([1, 2, 3], undefined)).toBe(false);
    expect(compile(new Array(2)).test([undefined, undefined], undefined)).toBe(true);
  });
});

describe('compileMatcher: primitives and non-plain objects', () => {
  it('matches a string payload exactly with a string matcher', () => {
    const m = compile('order.created');
    expect(m.test('order.created', undefined)).toBe(true);
    expect(m.test('order.created.v2', undefined)).toBe(false);
    expect(m.test('Order.created', undefined)).toBe(false);
    expect(m.test({ toString: () => 'order.created' }, undefined)).toBe(false);
  });

  it('tests a string payload against a RegExp matcher', () => {
    const m = compile(/^order\./);
    expect(m.test('order.created', undefined)).toBe(true);
    expect(m.test('page.order.x', undefined)).toBe(false);
    expect(m.test(42, undefined)).toBe(false);
    expect(m.test({ type: 'order.x' }, undefined)).toBe(false);
  });

  it('compares other primitive matchers with Object.is', () => {
    expect(matches(42, 42)).toBe(true);
    expect(matches(42, '42')).toBe(false);
    expect(matches(true, true)).toBe(true);
    expect(matches(true, 1)).toBe(false);
    expect(matches(10n, 10n)).toBe(true);
    expect(matches(null, null)).toBe(true);
    expect(matches(null, undefined)).toBe(false);
    const sym = Symbol('s');
    expect(matches(sym, sym)).toBe(true);
    expect(matches(sym, Symbol('s'))).toBe(false);
  });

  it('compares Dates by identity, not by time', () => {
    const at = new Date(1000);
    expect(matches({ at }, { at })).toBe(true);
    expect(matches({ at }, { at: new Date(1000) })).toBe(false);
    expect(matches(at, at)).toBe(true);
    expect(matches(at, new Date(1000))).toBe(false);
  });

  it('compares class instances, Maps and other non-plain objects by identity', () => {
    const p = new Point(1, 2);
    expect(matches({ p }, { p })).toBe(true);
    expect(matches({ p }, { p: new Point(1, 2) })).toBe(false);
    expect(matches({ p }, { p: { x: 1, y: 2 } })).toBe(false);
    const map = new Map([['a', 1]]);
    expect(matches({ map }, { map })).toBe(true);
    expect(matches({ map }, { map: new Map([['a', 1]]) })).toBe(false);
    // An object whose prototype is another plain object is not plain.
    const derived = Object.create({ inherited: 1 }) as object;
    expect(matches(derived, derived)).toBe(true);
    expect(matches(derived, { inherited: 1 })).toBe(false);
  });

  it('matches everything with an undefined matcher', () => {
    const m = compile(undefined);
    for (const value of [undefined, null, 0, '', 'x', {}, [], NaN, () => 1]) expect(m.test(value, undefined)).toBe(true);
    expect(m.description).toBe('anything');
    expect(m.pinned).toBeUndefined();
  });
});

describe('compileMatcher: __proto__ and constructor keys', () => {
  it('matches an own __proto__ key (from JSON.parse) only against an own __proto__ field', () => {
    const matcher = JSON.parse('{"__proto__": {"x": 1}}') as object;
    expect(Object.keys(matcher)).toEqual(['__proto__']);
    const m = compile(matcher);
    expect(m.test({}, undefined)).toBe(false);
    expect(m.test({ x: 1 }, undefined)).toBe(false);
    expect(m.test(Object.create({ x: 1 }), undefined)).toBe(false);
    expect(m.test(JSON.parse('{"__proto__": {"x": 1}}'), undefined)).toBe(true);
    expect(m.test(JSON.parse('{"__proto__": {"x": 2}}'), undefined)).toBe(false);
  });

  it('does not pollute Object.prototype when compiling or testing __proto__ and constructor keys', () => {
    const matcher = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}') as object;
    const m = compile(matcher);
    m.test({}, undefined);
    m.test(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}'), undefined);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(Object.getPrototypeOf(matcher)).toBe(Object.prototype);
  });

  it('does not read constructor from the prototype', () => {
    const m = compile(JSON.parse('{"constructor": {"name": "Object"}}'));
    expect(m.test({}, undefined)).toBe(false);
    expect(m.test({ id: 1 }, undefined)).toBe(false);
    expect(m.test(JSON.parse('{"constructor": {"name": "Object"}}'), undefined)).toBe(true);
    expect(matches({ constructor: (v: unknown) => v === Point }, new Point(1, 2))).toBe(false);
    const seen: unknown[] = [];
    compile({ constructor: (v: unknown) => seen.push(v) > 0 }).test({}, undefined);
    expect(seen).toEqual([undefined]);
  });

  it('does not read other Object.prototype members such as toString from the prototype', () => {
    expect(matches({ toString: (v: unknown) => typeof v === 'function' }, {})).toBe(false);
    expect(matches({ hasOwnProperty: (v: unknown) => v !== undefined }, {})).toBe(false);
    expect(matches({ toString: 'x' }, { toString: 'x' })).toBe(true);
  });

  it('cannot be made to match by a polluted Object.prototype', () => {
    Object.defineProperty(Object.prototype, 'isAdmin', { value: true, configurable: true, writable: true });
    try {
      expect(({} as { isAdmin?: boolean }).isAdmin).toBe(true);
      expect(matches({ isAdmin: true }, {})).toBe(false);
      expect(matches({ isAdmin: true }, { isAdmin: true })).toBe(true);
      expect(readPath({}, ['isAdmin'])).toBeUndefined();
    } finally {
      delete (Object.prototype as Record<string, unknown>)['isAdmin'];
    }
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });
});

describe('compileMatcher: cycles', () => {
  it('throws a TypeError naming the path when an object matcher contains a cycle', () => {
    const inner: Record<string, unknown> = {};
    const matcher = { a: { b: inner } };
    inner['back'] = matcher;
    expect(() => compile(matcher)).toThrow(TypeError);
    expect(() => compile(matcher)).toThrow("The matcher contains a cycle at 'a.b.back'");
  });

  it('throws a TypeError for a matcher that contains itself', () => {
    const self: Record<string, unknown> = {};
    self['self'] = self;
    expect(() => compile(self)).toThrow("cycle at 'self'");
    const list: unknown[] = [1];
    list.push(list);
    expect(() => compile(list)).toThrow(TypeError);
    expect(() => compile(list)).toThrow("cycle at '1'");
  });
});

describe('compileMatcher: description', () => {
  it('renders object matchers as literals', () => {
    expect(compile({ url: /\/api\/users/, status: 200 }).description).toBe('{ url: /\\/api\\/users/, status: 200 }');
    expect(compile({ a: { b: [1, 'x'] }, c: null }).description).toBe("{ a: { b: [1, 'x'] }, c: null }");
    expect(compile({}).description).toBe('{}');
  });

  it('renders predicates by name', () => {
    function isOk(): boolean {
      return true;
    }
    expect(compile(isOk).description).toBe('predicate isOk');
    expect(compile([() => true][0]).description).toBe('predicate (anonymous)');
    expect(compile({ status: isOk }).description).toBe('{ status: [Function isOk] }');
  });

  it('renders strings, RegExps and other primitives', () => {
    expect(compile('order.created').description).toBe("'order.created'");
    expect(compile(/^order\./g).description).toBe('/^order\\./g');
    expect(compile(42).description).toBe('42');
    expect(compile(-0).description).toBe('-0');
    expect(compile(null).description).toBe('null');
    expect(describeMatcher(undefined)).toBe('anything');
  });

  it('truncates long matcher descriptions to 200 characters', () => {
    const description = compile({ body: 'x'.repeat(1000) }).description;
    expect(description).toHaveLength(200);
    expect(description.startsWith("{ body: 'xxx")).toBe(true);
    expect(description.endsWith('…')).toBe(true);
  });
});

describe('compileMatcher: pinned field', () => {
  it('pins the first primitive leaf in key order', () => {
    expect(compile({ url: /\/api/, status: 200, method: 'GET' }).pinned).toEqual({
      path: ['status'],
      pathKey: 'status',
      value: 200,
    });
    expect(compile({ method: 'GET', status: 200 }).pinned).toEqual({ path: ['method'], pathKey: 'method', value: 'GET' });
  });

  it('pins a nested field with its full path', () => {
    const pinned = compile({ check: () => true, req: { headers: { accept: 'json' } }, status: 200 }).pinned;
    expect(pinned).toEqual({ path: ['req', 'headers', 'accept'], pathKey: '\u0000["req","headers","accept"]', value: 'json' });
  });

  it('pins null, booleans, bigints and NaN, but not undefined or objects', () => {
    expect(compile({ a: undefined, b: null }).pinned).toEqual({ path: ['b'], pathKey: 'b', value: null });
    expect(compile({ ok: false }).pinned?.value).toBe(false);
    expect(compile({ n: 7n }).pinned?.value).toBe(7n);
    expect(compile({ n: NaN }).pinned?.value).toBeNaN();
    expect(compile({ a: undefined }).pinned).toBeUndefined();
    expect(compile({ at: new Date(0), p: new Point(1, 2) }).pinned).toBeUndefined();
    expect(compile({ s: Symbol('s') }).pinned).toBeUndefined();
  });

  it('pins nothing for predicates, RegExps, arrays and empty objects', () => {
    expect(compile(() => true).pinned).toBeUndefined();
    expect(compile(/x/).pinned).toBeUndefined();
    expect(compile({ url: /x/, ok: () => true }).pinned).toBeUndefined();
    expect(compile([1, 2]).pinned).toBeUndefined();
    expect(compile({ tags: ['a'] }).pinned).toBeUndefined();
    expect(compile({}).pinned).toBeUndefined();
    expect(compile({ a: {} }).pinned).toBeUndefined();
  });

  it('pins the value itself (empty path) for a string or other primitive matcher', () => {
    expect(compile('order.created').pinned).toEqual({ path: [], pathKey: '\u0000[]', value: 'order.created' });
    expect(compile(42).pinned).toEqual({ path: [], pathKey: '\u0000[]', value: 42 });
    expect(compile(null).pinned).toEqual({ path: [], pathKey: '\u0000[]', value: null });
  });

  it('pins a field that readPath reads back from every matching payload', () => {
    const matcher = { req: { url: /\/api/, id: 7 }, status: 200 };
    const m = compile(matcher);
    const pinned = m.pinned!;
    const payloads = [
      { req: { url: '/api/x', id: 7 }, status: 200 },
      { req: { url: '/api/y', id: 7, extra: 1 }, status: 200 },
      { req: { url: '/api/x', id: 8 }, status: 200 },
      { req: { url: '/web', id: 7 }, status: 200 },
      { req: null, status: 200 },
      {},
    ];
    for (const payload of payloads) {
      if (m.test(payload, undefined)) expect(readPath(payload, pinned.path)).toBe(pinned.value);
    }
    expect(payloads.filter((p) => m.test(p, undefined))).toHaveLength(2);
  });
});

describe('readPath', () => {
  it('reads nested fields', () => {
    expect(readPath({ req: { url: '/a' } }, ['req', 'url'])).toBe('/a');
    expect(readPath({ a: [10, 20] }, ['a', '1'])).toBe(20);
  });

  it('returns the value itself for an empty path', () => {
    const value = { a: 1 };
    expect(readPath(value, [])).toBe(value);
    expect(readPath('abc', [])).toBe('abc');
  });

  it('returns undefined when a step is missing, null or a primitive', () => {
    expect(readPath({}, ['a', 'b'])).toBeUndefined();
    expect(readPath({ a: null }, ['a', 'b'])).toBeUndefined();
    expect(readPath({ a: 'text' }, ['a', 'length'])).toBeUndefined();
    expect(readPath(null, ['a'])).toBeUndefined();
    expect(readPath(undefined, ['a'])).toBeUndefined();
    expect(readPath(5, ['toFixed'])).toBeUndefined();
  });

  it('reads inherited getters but not __proto__ or constructor through the prototype', () => {
    expect(readPath(new Response(201), ['status'])).toBe(201);
    expect(readPath({}, ['__proto__'])).toBeUndefined();
    expect(readPath({}, ['constructor'])).toBeUndefined();
    expect(readPath(new Point(1, 2), ['constructor'])).toBeUndefined();
    expect(readPath(JSON.parse('{"__proto__": {"x": 1}}'), ['__proto__', 'x'])).toBe(1);
    expect(readPath({ constructor: 'own' }, ['constructor'])).toBe('own');
  });

  it('reads fields of functions', () => {
    const fn = Object.assign(() => 1, { meta: { id: 3 } });
    expect(readPath(fn, ['meta', 'id'])).toBe(3);
  });
});

describe('compileMatcher: values from another realm', () => {
  it('tests a RegExp built in a vm context against strings', () => {
    const re: unknown = runInNewContext('/api/');
    expect(re instanceof RegExp).toBe(false); // the premise: instanceof cannot see it
    expect(matches(re, '/api/users')).toBe(true);
    expect(matches(re, '/web/users')).toBe(false);
    expect(matches(re, 5)).toBe(false);
  });

  it('tests a /g RegExp from a vm context the same way every time', () => {
    const re = runInNewContext('/a/g') as RegExp;
    const m = compile({ s: re });
    expect([m.test({ s: 'a' }, undefined), m.test({ s: 'a' }, undefined), m.test({ s: 'a' }, undefined)]).toEqual([true, true, true]);
    expect(re.lastIndex).toBe(0);
  });

  it('matches a plain object matcher from a vm context field by field', () => {
    const m = compile(runInNewContext('({ status: 200, url: /x/ })'));
    expect(m.test({ status: 200, url: '/x/1' }, undefined)).toBe(true);
    expect(m.test({ status: 200, url: '/y/1' }, undefined)).toBe(false);
    expect(m.test({ status: 500, url: '/x/1' }, undefined)).toBe(false);
    expect(m.pinned).toMatchObject({ path: ['status'], value: 200 });
  });

  it('matches array and nested object matchers from a vm context', () => {
    const m = compile(runInNewContext('({ req: { tags: ["a", /^b/] } })'));
    expect(m.test({ req: { tags: ['a', 'bc'] } }, undefined)).toBe(true);
    expect(m.test({ req: { tags: ['a', 'cb'] } }, undefined)).toBe(false);
  });

  it('matches payloads built in a vm context', () => {
    const payload: unknown = runInNewContext('({ status: 200, url: "/x/1", tags: ["a"] })');
    expect(matches({ status: 200, url: /x/, tags: ['a'] }, payload)).toBe(true);
  });

  it('still compares class instances and Dates from a vm context by identity', () => {
    const point: unknown = runInNewContext('new (class Point { constructor() { this.x = 1; } })()');
    expect(matches(point, { x: 1 })).toBe(false);
    expect(matches(point, point)).toBe(true);
    const date: unknown = runInNewContext('new Date(0)');
    expect(matches({ at: date }, { at: new Date(0) })).toBe(false);
    expect(matches({ at: date }, { at: date })).toBe(true);
  });

  it('does not take an object whose Symbol.toStringTag says RegExp for a RegExp', () => {
    const fake = { [Symbol.toStringTag]: 'RegExp', source: 'x', test: () => true };
    expect(Object.prototype.toString.call(fake)).toBe('[object RegExp]');
    // Not a RegExp and not plain (it is compared by identity as a value)…
    expect(matches(fake, 'x')).toBe(false);
    expect(matches(fake, fake)).toBe(true);
  });

  it('treats a RegExp subclass instance as a RegExp', () => {
    class Route extends RegExp {}
    expect(matches(new Route('^/api'), '/api/1')).toBe(true);
    expect(matches(new Route('^/api'), '/web/1')).toBe(false);
  });

  it('resolves bus.waitFor with a matcher from a vm context', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<{ 'page.response': { status: number; url: string }; line: string }>({ scheduler });
    const response = bus.waitFor('page.response', runInNewContext('({ status: 200, url: /x/ })') as { status: number }, { timeout: 1000 });
    const line = bus.waitFor('line', runInNewContext('/api/') as RegExp, { timeout: 1000 });
    bus.publish('page.response', { status: 200, url: '/y' });
    bus.publish('page.response', { status: 200, url: '/x/2' });
    bus.publish('line', 'GET /web');
    bus.publish('line', 'GET /api/7');
    scheduler.advance(1000); // a waiter that missed its event times out instead of hanging the test
    expect((await response).id).toBe(2);
    expect((await line).payload).toBe('GET /api/7');
    expect(bus.stats().waiters).toBe(0);
  });
});

describe('compileMatcher: matchers are synchronous', () => {
  it('throws a TypeError when a root predicate returns a Promise', () => {
    const m = compile(async () => true);
    expect(() => m.test(1, undefined)).toThrow(TypeError);
    expect(() => m.test(1, undefined)).toThrow(/synchronous/);
  });

  it('throws a TypeError when a predicate returns a non-Promise thenable', () => {
    const m = compile(() => ({ then() {} }));
    expect(() => m.test(1, undefined)).toThrow(TypeError);
  });

  it('throws a TypeError naming the predicate when a predicate leaf returns a Promise', () => {
    const m = compile({ status: 200, total: async (t: number) => t > 10 });
    expect(() => m.test({ status: 200, total: 50 }, undefined)).toThrow(/predicate total/);
    expect(() => m.test({ status: 200, total: 50 }, undefined)).toThrow(TypeError);
    // A field checked before it fails first: the predicate is not called.
    expect(m.test({ status: 500, total: 50 }, undefined)).toBe(false);
  });

  it('still accepts truthy non-thenable objects and functions as a match', () => {
    expect(matches(() => ({ then: 1 }), 'x')).toBe(true);
    expect(matches(() => () => false, 'x')).toBe(true);
  });

  it('rejects only the waiter whose predicate returns a thenable, with a TypeError saying what to do', async () => {
    const bus = createBus<{ tick: number }>({ scheduler: new VirtualScheduler() });
    // The types refuse an async predicate; plain JS (or an `any`) does not.
    const asyncWait = bus.waitFor('tick', (async (n: number) => n > 1) as unknown as (n: number) => boolean, { timeout: 1000 });
    const thenableWait = bus.waitFor('tick', (() => ({ then() {} })) as unknown as (n: number) => boolean, { timeout: 1000 });
    const other = bus.waitFor('tick', (n) => n === 2, { timeout: 1000 });
    const seen: number[] = [];
    bus.events$('tick').subscribe((e) => seen.push(e.payload));
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    const error = await asyncWait.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/synchronous/);
    expect((error as Error).message).toMatch(/before|handler|after/);
    await expect(thenableWait).rejects.toBeInstanceOf(TypeError);
    expect((await other).payload).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(bus.stats().waiters).toBe(0);
  });

  it('rejects a waiter whose object matcher has an async predicate leaf', async () => {
    const bus = createBus<{ order: { id: string; total: number } }>({ scheduler: new VirtualScheduler() });
    const wait = bus.waitFor('order', { id: '1', total: (async () => true) as unknown as (t: number) => boolean }, { timeout: 1000 });
    bus.publish('order', { id: '1', total: 5 });
    await expect(wait).rejects.toThrow(/matchers are synchronous/i);
    expect(bus.stats().waiters).toBe(0);
  });
});

describe('bus.waitFor: a matcher that throws', () => {
  it('rejects with the error only the waiter whose matcher throws; other waiters on the same event resolve', async () => {
    const bus = createBus<{ order: { id: string; total: number } }>({ scheduler: new VirtualScheduler() });
    const boom = new Error('boom');
    const handled: string[] = [];
    bus.on('order', (p) => void handled.push(p.id));
    const before = bus.waitFor('order', { id: '1' }, { timeout: 1000 });
    const throwing = bus.waitFor(
      'order',
      () => {
        throw boom;
      },
      { timeout: 1000 },
    );
    const leaf = bus.waitFor(
      'order',
      {
        id: '1',
        total: () => {
          throw boom;
        },
      },
      { timeout: 1000 },
    );
    const after = bus.waitFor('order', (p: { total: number }, e: BusEvent) => p.total === 5 && e.type === 'order', { timeout: 1000 });
    bus.publish('order', { id: '1', total: 5 });
    await expect(throwing).rejects.toBe(boom);
    await expect(leaf).rejects.toBe(boom);
    expect((await before).payload.id).toBe('1');
    expect((await after).payload.id).toBe('1');
    await bus.settled();
    expect(handled).toEqual(['1']);
    expect(bus.stats().waiters).toBe(0);
  });
});

// Compiled matchers share their lists of property names (see matcher.ts);
// these check that sharing never mixes up two different lists.
describe('compileMatcher: shared name lists', () => {
  it('keeps a name containing NUL apart from the two names it would join', () => {
    const joined = compileMatcher<Record<string, number>>({ 'a\u0000b': 1 });
    const split = compileMatcher<Record<string, number>>({ a: 1, b: 2 });
    expect(joined.test({ 'a\u0000b': 1 }, undefined)).toBe(true);
    expect(joined.test({ a: 1, b: 2 }, undefined)).toBe(false);
    expect(split.test({ a: 1, b: 2 }, undefined)).toBe(true);
    expect(split.test({ 'a\u0000b': 1 }, undefined)).toBe(false);
  });

  it('gives matchers of one shape the same (frozen) pinned path, and other shapes their own', () => {
    const first = compileMatcher({ req: { url: '/a' } });
    const second = compileMatcher({ req: { url: '/b' } });
    const other = compileMatcher({ 'req\u0000url': '/a' });
    expect(first.pinned?.path).toEqual(['req', 'url']);
    expect(second.pinned?.path).toBe(first.pinned?.path);
    expect(Object.isFrozen(first.pinned?.path)).toBe(true);
    expect(other.pinned?.path).toEqual(['req\u0000url']);
  });

  it('matches a one-field matcher like the general object matcher', () => {
    const m = compileMatcher<unknown>({ id: 7 });
    expect(m.test({ id: 7, extra: true }, undefined)).toBe(true);
    expect(m.test({ id: '7' }, undefined)).toBe(false);
    expect(m.test({}, undefined)).toBe(false);
    expect(m.test(null, undefined)).toBe(false);
    expect(m.test(7, undefined)).toBe(false);
    expect(compileMatcher<unknown>({ n: NaN }).test({ n: NaN }, undefined)).toBe(true);
    expect(compileMatcher<unknown>({ n: 0 }).test({ n: -0 }, undefined)).toBe(false);
    // Fields are read as matchers read them: an inherited Object.prototype member is not one.
    expect(compileMatcher<unknown>({ constructor: undefined }).test({ constructor: 1 }, undefined)).toBe(false);
    expect(compileMatcher<unknown>({ constructor: 1 }).test(Object.create({ constructor: 1 }), undefined)).toBe(false);
    expect(m.pinned).toEqual({ path: ['id'], pathKey: 'id', value: 7 });
  });
});
