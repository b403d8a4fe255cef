import { describe, expect, it } from 'vitest';
import { IndexedHeap, type HeapEntry } from '../src/indexed-heap.js';

const entry = (rank: number): HeapEntry => ({ rank, seq: 0, slot: -1 });

describe('IndexedHeap', () => {
  it('pops by rank, ties in insertion order', () => {
    const heap = new IndexedHeap<HeapEntry>();
    const items = [5, 1, 3, 1, 4].map(entry);
    for (const e of items) heap.push(e);
    const order: HeapEntry[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) order.push(e);
    expect(order).toEqual([items[1], items[3], items[2], items[4], items[0]]);
    expect(order.every((e) => e.slot === -1)).toBe(true);
  });

  it('removes any entry and keeps the order of the rest (random model check)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const heap = new IndexedHeap<HeapEntry>();
    const live = new Set<HeapEntry>();
    for (let step = 0; step < 5000; step++) {
      const r = random();
      if (r < 0.5 || live.size === 0) {
        const e = entry(Math.floor(random() * 100));
        heap.push(e);
        live.add(e);
      } else if (r < 0.8) {
        const victim = [...live][Math.floor(random() * live.size)]!;
        heap.remove(victim);
        live.delete(victim);
        expect(victim.slot).toBe(-1);
      } else {
        const top = heap.pop()!;
        const min = Math.min(...[...live].map((e) => e.rank));
        expect(top.rank).toBe(min);
        live.delete(top);
      }
      expect(heap.size).toBe(live.size);
    }
  });

  it('ignores removing an entry that is not in the heap', () => {
    const heap = new IndexedHeap<HeapEntry>();
    const a = entry(1);
    heap.push(entry(2));
    heap.remove(a);
    expect(heap.size).toBe(1);
  });
});
