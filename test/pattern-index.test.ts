/**
 * The segment trie behind events$ and on(): the same answers as
 * compilePattern for every pattern and type, in subscription order, with no
 * residue after removal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patternArbitrary, typeArbitrary } from './support/pattern-arbitraries.js';
import { compilePattern } from '../src/pattern.js';
import { PatternIndex, PatternNode } from '../src/pattern-index.js';

interface Item {
  order: number;
  pattern: string;
}

const pattern = patternArbitrary();
const type = typeArbitrary();

describe('PatternIndex', () => {
  it('matches exactly the items whose pattern matches the type, in subscription order (property)', () => {
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 12 }), fc.array(type, { minLength: 1, maxLength: 8 }), (patterns, types) => {
        const index = new PatternIndex<Item>();
        const items = patterns.map((p, order) => ({ order, pattern: p }));
        for (const item of items) index.add(item.pattern, item);
        for (const t of types) {
          const expected = items.filter((item) => compilePattern(item.pattern).test(t));
          expect(index.match(t)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps answering right while items come and go (property, cached answers included)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), pattern, type), { minLength: 1, maxLength: 40 }), (steps) => {
        const index = new PatternIndex<Item>();
        const live: Item[] = [];
        let order = 0;
        for (const [add, p, t] of steps) {
          if (add || live.length === 0) {
            const item = { order: order++, pattern: p };
            live.push(item);
            index.add(p, item);
          } else {
            const [item] = live.splice(order % live.length, 1);
            expect(index.delete(item!.pattern, item!)).toBe(true);
          }
          expect(index.match(t)).toEqual(live.filter((item) => compilePattern(item.pattern).test(t)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no node behind after 100 000 add/delete cycles', () => {
    const index = new PatternIndex<Item>();
    for (let i = 0; i < 100_000; i++) {
      const item = { order: i, pattern: `tenant${i}.*.x.**` };
      index.add(item.pattern, item);
      index.match(`tenant${i}.a.x.b`);
      index.delete(item.pattern, item);
    }
    expect(index.size).toBe(0);
    expect(index.nodes).toBe(0);
  });

  it('finds a subscriber added to an intermediate node after its type was cached', () => {
    const index = new PatternIndex<Item>();
    index.add('a.b', { order: 0, pattern: 'a.b' });
    expect(index.match('a')).toEqual([]);
    const late = { order: 1, pattern: 'a' };
    index.add('a', late);
    expect(index.match('a')).toEqual([late]);
  });

  it('walks only the matching part of the trie: 20 000 tenants, one publish', () => {
    const index = new PatternIndex<Item>();
    for (let i = 0; i < 20_000; i++) index.add(`tenant${i}.*`, { order: i, pattern: `tenant${i}.*` });
    expect(index.nodesFor('tenant7.x')).toHaveLength(1);
    expect(index.match('tenant7.x').map((item) => item.order)).toEqual([7]);
  });

  it("treats '__proto__' and 'constructor' as ordinary segments", () => {
    const index = new PatternIndex<Item>();
    const item = { order: 0, pattern: '__proto__.constructor' };
    index.add(item.pattern, item);
    expect(index.match('__proto__.constructor')).toEqual([item]);
    expect(index.match('__proto__.x')).toEqual([]);
  });
});

describe('PatternNode', () => {
  const item = (order: number): Item => ({ order, pattern: 'p' });

  it('keeps insertion order through the switch from one item to a set and back down', () => {
    const node = new PatternNode<Item>(undefined, '', false);
    const [a, b, c] = [item(0), item(1), item(2)];
    node.add(a);
    expect(node.list()).toEqual([a]);
    node.add(b);
    expect(node.remove(a)).toBe(true);
    node.add(c);
    expect(node.list()).toEqual([b, c]);
    expect(node.count).toBe(2);
    expect(node.remove(b) && node.remove(c)).toBe(true);
    expect([node.count, node.list(), node.empty]).toEqual([0, [], true]);
  });

  it('counts an item added twice once, and removes only what it holds', () => {
    const node = new PatternNode<Item>(undefined, '', false);
    const [a, b] = [item(0), item(1)];
    node.add(a);
    node.add(a);
    expect(node.count).toBe(1);
    expect(node.remove(b)).toBe(false);
    node.add(b);
    node.add(b);
    expect(node.count).toBe(2);
    expect(node.remove(a)).toBe(true);
    expect(node.remove(a)).toBe(false);
    expect(node.list()).toEqual([b]);
  });

  it('hands out the same snapshot array until its items change', () => {
    const node = new PatternNode<Item>(undefined, '', false);
    node.add(item(0));
    const snapshot = node.list();
    expect(node.list()).toBe(snapshot);
    node.add(item(1));
    expect(node.list()).not.toBe(snapshot);
    expect(snapshot).toHaveLength(1);
  });
});
