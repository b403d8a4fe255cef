/** The intrusive list under the pool's job lists and the emitter line. */
import { describe, expect, it } from 'vitest';
import { LinkedList } from '../src/linked-list.js';

interface Item {
  name: string;
  prev: Item | undefined;
  next: Item | undefined;
}
const item = (name: string): Item => ({ name, prev: undefined, next: undefined });
const names = (list: LinkedList<Item>): string[] => {
  const out: string[] = [];
  for (let i = list.head; i !== undefined; i = i.next) out.push(i.name);
  return out;
};

describe('LinkedList', () => {
  it('keeps insertion order and removes from the head, the middle and the tail, clearing the links', () => {
    const list = new LinkedList<Item>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(item) as [Item, Item, Item, Item];
    for (const i of [a, b, c, d]) list.push(i);
    expect(names(list)).toEqual(['a', 'b', 'c', 'd']);
    list.remove(b);
    expect(names(list)).toEqual(['a', 'c', 'd']);
    expect([b.prev, b.next]).toEqual([undefined, undefined]);
    list.remove(a);
    list.remove(d);
    expect(names(list)).toEqual(['c']);
    expect([list.head, list.tail]).toEqual([c, c]);
    list.remove(c);
    expect([list.head, list.tail]).toEqual([undefined, undefined]);
    list.push(b);
    expect(names(list)).toEqual(['b']);
  });
});
