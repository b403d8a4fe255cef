import { describe, expect, it } from 'vitest';
import { describeValue } from '../src/describe.js';

class Order {
  constructor(
    readonly id: string,
    readonly total: number,
  ) {}
}
class Empty {}

describe('describeValue', () => {
  it('renders primitives as literals', () => {
    expect(describeValue('abc')).toBe("'abc'");
    expect(describeValue('')).toBe("''");
    expect(describeValue(42)).toBe('42');
    expect(describeValue(1.5)).toBe('1.5');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue(true)).toBe('true');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
  });

  it('renders -0 as -0', () => {
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(0)).toBe('0');
    expect(describeValue({ n: -0 })).toBe('{ n: -0 }');
  });

  it('renders bigints with an n suffix', () => {
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue({ big: -(2n ** 70n) })).toBe('{ big: -1180591620717411303424n }');
  });

  it('renders symbols with their description', () => {
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(Symbol())).toBe('Symbol()');
    expect(describeValue({ s: Symbol.iterator })).toBe('{ s: Symbol(Symbol.iterator) }');
  });

  it('renders functions by name, without their source', () => {
    function handler(): void {}
    expect(describeValue(handler)).toBe('[Function handler]');
    expect(describeValue([() => 1][0])).toBe('[Function]');
    expect(describeValue(Order)).toBe('[Function Order]');
    expect(describeValue({ onDone: handler })).toBe('{ onDone: [Function handler] }');
  });

  it('escapes line breaks so the rendering stays on one line', () => {
    expect(describeValue('a\nb')).toBe("'a\\nb'");
    expect(describeValue('a\r\nb')).toBe("'a\\r\\nb'");
    expect(describeValue({ 'x\ny': 1 })).toBe("{ 'x\\ny': 1 }");
    expect(describeValue({ body: 'HTTP/1.1 200 OK\r\n\r\n' })).not.toMatch(/[\r\n]/);
  });

  it('renders nested objects and arrays', () => {
    expect(describeValue({ url: '/api/users', status: 500 })).toBe("{ url: '/api/users', status: 500 }");
    expect(describeValue({ a: { b: { c: [1, 'x', null] } } })).toBe("{ a: { b: { c: [1, 'x', null] } } }");
    expect(describeValue([1, [2, 3], [], {}])).toBe('[1, [2, 3], [], {}]');
    expect(describeValue({})).toBe('{}');
    expect(describeValue([])).toBe('[]');
  });

  it('quotes keys that are not identifiers', () => {
    expect(describeValue({ 'content-type': 'json', _a: 1, $b: 2, '1x': 3, '': 4 })).toBe(
      "{ 'content-type': 'json', _a: 1, $b: 2, '1x': 3, '': 4 }",
    );
  });

  it('stops at depth 5 with {…} and […]', () => {
    expect(describeValue({ a: { b: { c: { d: { e: { f: 1 } } } } } })).toBe('{ a: { b: { c: { d: { e: {…} } } } } }');
    expect(describeValue([[[[[[1]]]]]])).toBe('[[[[[[…]]]]]]');
  });

  it('renders Dates as ISO strings and invalid Dates as Invalid Date', () => {
    expect(describeValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(describeValue(new Date(NaN))).toBe('Invalid Date');
    expect(describeValue({ at: new Date(Date.UTC(2024, 1, 29)) })).toBe('{ at: 2024-02-29T00:00:00.000Z }');
  });

  it('renders RegExps as literals with their flags', () => {
    expect(describeValue(/a\/b/gi)).toBe('/a\\/b/gi');
    expect(describeValue({ url: /^\/api/ })).toBe('{ url: /^\\/api/ }');
  });

  it('renders Maps and Sets with their size and entries', () => {
    expect(describeValue(new Map<unknown, unknown>([['a', 1], [2, { b: true }]]))).toBe("Map(2) { 'a' => 1, 2 => { b: true } }");
    expect(describeValue(new Set(['x', 3]))).toBe("Set(2) { 'x', 3 }");
    expect(describeValue(new Map())).toBe('Map(0) {}');
    expect(describeValue({ seen: new Set([1]) })).toBe('{ seen: Set(1) { 1 } }');
  });

  it('renders Errors as name: message', () => {
    expect(describeValue(new TypeError('bad id'))).toBe('TypeError: bad id');
    expect(describeValue({ ok: false, error: new Error('boom') })).toBe('{ ok: false, error: Error: boom }');
  });

  it('prefixes class instances with the class name', () => {
    expect(describeValue(new Order('42', 99))).toBe("Order { id: '42', total: 99 }");
    expect(describeValue(new Empty())).toBe('Empty {}');
    expect(describeValue(Object.create(Order.prototype) as object)).toBe('Order {}');
  });

  it('renders null-prototype objects like plain objects', () => {
    expect(describeValue(Object.assign(Object.create(null) as object, { a: 1 }))).toBe('{ a: 1 }');
  });

  it('takes the class name from the prototype, not from an own constructor field', () => {
    expect(describeValue(JSON.parse('{"constructor": {"name": "Evil"}}'))).toBe("{ constructor: { name: 'Evil' } }");
    expect(describeValue({ constructor: 'x', id: 1 })).toBe("{ constructor: 'x', id: 1 }");
  });

  it('renders a cycle as [Circular]', () => {
    const order: Record<string, unknown> = { id: 1 };
    order['self'] = order;
    expect(describeValue(order)).toBe('{ id: 1, self: [Circular] }');
    const list: unknown[] = [1];
    list.push(list);
    expect(describeValue(list)).toBe('[1, [Circular]]');
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { name: 'b', a };
    a['b'] = b;
    expect(describeValue(a)).toBe("{ name: 'a', b: { name: 'b', a: [Circular] } }");
  });

  it('renders a shared object that is not a cycle in full each time', () => {
    const shared = { x: 1 };
    expect(describeValue({ a: shared, b: shared })).toBe('{ a: { x: 1 }, b: { x: 1 } }');
  });

  it('renders a getter that throws as [getter threw] and goes on', () => {
    const value = {
      before: 1,
      get boom(): never {
        throw new Error('nope');
      },
      after: 2,
    };
    expect(describeValue(value)).toBe('{ before: 1, boom: [getter threw], after: 2 }');
    // The marker is not a string value: a real '[getter threw]' string is quoted.
    expect(describeValue({ boom: '[getter threw]' })).toBe("{ boom: '[getter threw]' }");
  });

  it('does not throw for an own constructor getter that throws', () => {
    const value = {
      get constructor(): never {
        throw new Error('nope');
      },
    };
    expect(describeValue(value)).toBe('{ constructor: [getter threw] }');
  });

  it('truncates long strings to the limit with …', () => {
    const text = describeValue('x'.repeat(500));
    expect(text).toHaveLength(120);
    expect(text).toBe(`'${'x'.repeat(118)}…`);
    expect(describeValue('y'.repeat(50), 10)).toBe(`'${'y'.repeat(8)}…`);
  });

  it('keeps a rendering of exactly the limit whole', () => {
    const value = 'z'.repeat(118); // quoted: 120 characters
    expect(describeValue(value)).toBe(`'${value}'`);
    expect(describeValue('z'.repeat(119))).toBe(`'${'z'.repeat(118)}…`);
  });

  it('truncates huge arrays and objects to the limit with …', () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i);
    const text = describeValue(big);
    expect(text).toHaveLength(120);
    expect(text.startsWith('[0, 1, 2, 3, ')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(describeValue(big, 20)).toBe('[0, 1, 2, 3, 4, 5, …');

    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}`, i]));
    const wideText = describeValue(wide, 40);
    expect(wideText).toBe('{ key0: 0, key1: 1, key2: 2, key3: 3, k…');
  });

  it('stops reading a huge array once the limit is passed', () => {
    let reads = 0;
    const big = new Proxy(
      Array.from({ length: 1_000_000 }, (_, i) => i),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    expect(describeValue(big)).toHaveLength(120);
    // '0, ' … '31, ' fill 120 characters: about 35 elements are read, not a million.
    expect(reads).toBeLessThan(50);
    expect(reads).toBeGreaterThan(20);
  });

  it('stops reading fields of a huge object once the limit is passed', () => {
    let reads = 0;
    const wide: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) {
      Object.defineProperty(wide, `k${i}`, {
        enumerable: true,
        get: () => {
          reads++;
          return i;
        },
      });
    }
    expect(describeValue(wide)).toHaveLength(120);
    expect(reads).toBeLessThan(30);
  });

  it('renders nothing longer than the limit whatever the value', () => {
    const nested = { list: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'] })) };
    for (const limit of [10, 50, 100, 200]) {
      const text = describeValue(nested, limit);
      expect(text).toHaveLength(limit);
      expect(text.endsWith('…')).toBe(true);
    }
  });
});
