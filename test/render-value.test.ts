import fc from 'fast-check';
import { fail, revoked, trapped } from './support/hostile-objects.js';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { describeValue } from '../src/render-value.js';

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
    expect(
      describeValue(
        new Map<unknown, unknown>([
          ['a', 1],
          [2, { b: true }],
        ]),
      ),
    ).toBe("Map(2) { 'a' => 1, 2 => { b: true } }");
    expect(describeValue(new Set(['x', 3]))).toBe("Set(2) { 'x', 3 }");
    expect(describeValue(new Map())).toBe('Map(0) {}');
    expect(describeValue({ seen: new Set([1]) })).toBe('{ seen: Set(1) { 1 } }');
  });

  it('renders Errors as name: message', () => {
    expect(describeValue(new TypeError('bad id'))).toBe('TypeError: bad id');
    expect(describeValue({ ok: false, error: new Error('boom') })).toBe('{ ok: false, error: Error: boom }');
  });

  it('renders Errors from another realm as name: message', () => {
    expect(describeValue(runInNewContext('new RangeError("far away")'))).toBe('RangeError: far away');
  });

  it('renders an Error whose message is the error itself as [Circular]', () => {
    const error = new Error();
    Object.defineProperty(error, 'message', { value: error });
    expect(describeValue(error)).toBe('Error: [Circular]');
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

  it('renders a getter that throws as <unrenderable: …> and goes on', () => {
    const value = {
      before: 1,
      get boom(): never {
        throw new Error('nope');
      },
      after: 2,
    };
    expect(describeValue(value)).toBe('{ before: 1, boom: <unrenderable: Error: nope>, after: 2 }');
    // The marker is not a string value: a real '<unrenderable: …>' string is quoted.
    expect(describeValue({ boom: '<unrenderable: Error: nope>' })).toBe("{ boom: '<unrenderable: Error: nope>' }");
  });

  it('does not throw for an own constructor getter that throws', () => {
    const value = {
      get constructor(): never {
        throw new Error('nope');
      },
    };
    expect(describeValue(value)).toBe('{ constructor: <unrenderable: Error: nope> }');
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

describe('describeValue with hostile values', () => {
  it('renders a Proxy whose traps throw as <unrenderable: …>, alone or inside a payload', () => {
    expect(describeValue(trapped())).toBe('<unrenderable: Error: getPrototypeOf trap>');
    expect(describeValue({ id: 1, body: trapped(), ok: true })).toBe(
      '{ id: 1, body: <unrenderable: Error: getPrototypeOf trap>, ok: true }',
    );
    expect(describeValue(trapped(() => undefined))).toBe('[Function <unrenderable: Error: get trap>]');
  });

  it('renders a revoked Proxy as <unrenderable: TypeError: …>', () => {
    expect(describeValue(revoked())).toMatch(/^<unrenderable: TypeError: .*revoked.*>$/);
    expect(describeValue([1, revoked([]), 3])).toMatch(/^\[1, <unrenderable: TypeError: .*revoked.*>, 3\]$/);
  });

  it('renders the elements of an array around an index getter that throws', () => {
    const list = [1, 2, 3];
    Object.defineProperty(list, 1, { get: fail('index 1') });
    expect(describeValue(list)).toBe('[1, <unrenderable: Error: index 1>, 3]');
    const longList = new Proxy([1, 2], { get: (t, k) => (k === 'length' ? fail('length')() : Reflect.get(t, k)) });
    expect(describeValue({ list: longList })).toBe('{ list: <unrenderable: Error: length> }');
  });

  it('renders an Error whose message or name getter throws with the part it could read', () => {
    const noMessage = new Error('hidden');
    Object.defineProperty(noMessage, 'message', { get: fail('message getter') });
    expect(describeValue(noMessage)).toBe('Error: <unrenderable: Error: message getter>');
    const noName = new TypeError('bad id');
    Object.defineProperty(noName, 'name', { get: fail('name getter') });
    expect(describeValue(noName)).toBe('<unrenderable: Error: name getter>: bad id');
    const oddMessage = new Error();
    Object.defineProperty(oddMessage, 'message', { value: Object.create(null) as object });
    expect(describeValue(oddMessage)).toBe('Error: {}');
  });

  it('renders a Map or Set whose own methods throw from its real content', () => {
    const map = new Map([['a', 1]]);
    Object.defineProperty(map, 'entries', { value: fail('entries') });
    Object.defineProperty(map, 'size', { get: fail('size') });
    expect(describeValue(map)).toBe("Map(1) { 'a' => 1 }");
    const set = new Set([1]);
    Object.defineProperty(set, 'values', { value: fail('values') });
    expect(describeValue(set)).toBe('Set(1) { 1 }');
    expect(describeValue(new Proxy(new Map(), {}))).toMatch(/^<unrenderable: TypeError: .*>$/);
  });

  it('renders a Date whose getTime or toISOString throws from its real time', () => {
    const date = new Date(0);
    Object.defineProperty(date, 'getTime', { value: fail('getTime') });
    Object.defineProperty(date, 'toISOString', { value: fail('toISOString') });
    expect(describeValue(date)).toBe('1970-01-01T00:00:00.000Z');
    expect(describeValue(new Proxy(new Date(0), {}))).toMatch(/^<unrenderable: TypeError: .*>$/);
  });

  it('renders a function whose name getter throws as [Function <unrenderable: …>]', () => {
    function handler(): void {}
    Object.defineProperty(handler, 'name', { get: fail('name') });
    expect(describeValue({ onDone: handler })).toBe('{ onDone: [Function <unrenderable: Error: name>] }');
    class Named {}
    Object.defineProperty(Named, 'name', { value: Object.create(null) as object });
    expect(describeValue(Named)).toBe('[Function]');
  });

  it('renders a RegExp whose flags getter throws as <unrenderable: …>', () => {
    const re = /x/;
    Object.defineProperty(re, 'flags', { get: fail('flags') });
    expect(describeValue({ re })).toBe('{ re: <unrenderable: Error: flags> }');
  });

  it('renders <unrenderable> when even the thrown value cannot be described', () => {
    const value = {
      get a(): never {
        throw revoked();
      },
      get b(): never {
        throw trapped();
      },
      get c(): never {
        throw Symbol('why');
      },
      get d(): never {
        throw 'line\nbreak';
      },
    };
    expect(describeValue(value)).toBe(
      '{ a: <unrenderable>, b: <unrenderable>, c: <unrenderable: Symbol(why)>, d: <unrenderable: line\\nbreak> }',
    );
  });

  it('keeps rendering deep and cyclic structures with hostile parts inside', () => {
    const root: Record<string, unknown> = { level: 0 };
    let node = root;
    for (let i = 1; i < 10; i++) {
      const next: Record<string, unknown> = { level: i, bad: revoked(), self: root };
      node['next'] = next;
      node = next;
    }
    const text = describeValue(root, 1000);
    expect(text).toContain('next: { level: 1, bad: <unrenderable: TypeError: ');
    expect(text).toContain('self: [Circular]');
    expect(text).toContain('{…}');
  });

  it('never throws and never passes the limit, whatever the value', () => {
    const hostile: Array<() => unknown> = [
      () => trapped(),
      () => revoked(),
      () => trapped([1]),
      () => revoked(() => 1),
      () => Symbol('s'),
      () => {
        const e = new Error('m');
        Object.defineProperty(e, 'message', { get: fail('m') });
        return e;
      },
      () => {
        const list = [1];
        Object.defineProperty(list, 0, { get: fail('index') });
        return list;
      },
    ];
    // fast-check inspects the values it generates (and the hostile ones throw
    // at that), so it generates recipes and the property builds the values.
    type Recipe = { plain: unknown } | { hostile: number } | { list: Recipe[] } | { fields: Record<string, Recipe> };
    const build = (r: Recipe): unknown =>
      'plain' in r
        ? r.plain
        : 'hostile' in r
          ? hostile[r.hostile]!()
          : 'list' in r
            ? r.list.map(build)
            : Object.fromEntries(Object.entries(r.fields).map(([k, v]) => [k, build(v)]));
    const recipe = fc.letrec<{ node: Recipe }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc
          .anything({ withMap: true, withSet: true, withDate: true, withBigInt: true, withNullPrototype: true, withTypedArray: true })
          .map((plain) => ({ plain })),
        fc.nat(hostile.length - 1).map((i) => ({ hostile: i })),
        fc.array(tie('node'), { maxLength: 4 }).map((list) => ({ list })),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }).map((fields) => ({ fields })),
      ),
    })).node;
    fc.assert(
      fc.property(recipe, fc.integer({ min: 1, max: 300 }), (r, limit) => {
        const text = describeValue(build(r), limit);
        expect(typeof text).toBe('string');
        expect(text.length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 300 },
    );
  });
});

describe('describeValue across realms', () => {
  it('renders a RegExp from a vm context as a RegExp', async () => {
    const { runInNewContext } = await import('node:vm');
    const { describeValue } = await import('../src/render-value.js');
    expect(describeValue(runInNewContext('/api\\/users/i'))).toBe('/api\\/users/i');
  });
});
