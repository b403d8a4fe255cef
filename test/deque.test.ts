import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Deque } from '../src/deque.js';

const drain = <T>(deque: Deque<T>): T[] => {
  const out: T[] = [];
  for (let item = deque.shift(); item !== undefined; item = deque.shift()) out.push(item);
  return out;
};

describe('Deque', () => {
  it('answers undefined and size 0 when empty, before and after use', () => {
    const deque = new Deque<number>();
    expect([deque.size, deque.shift(), deque.peek()]).toEqual([0, undefined, undefined]);
    deque.push(1);
    deque.shift();
    expect([deque.size, deque.shift(), deque.peek()]).toEqual([0, undefined, undefined]);
  });

  it('returns items in FIFO order while it grows past its first array', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 100; i++) deque.push(i);
    expect(deque.size).toBe(100);
    expect(deque.peek()).toBe(0);
    expect(drain(deque)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps the order when it grows while its items wrap around the array end', () => {
    const deque = new Deque<number>();
    // Move the head to the middle of the first 16 slots, then fill past them.
    for (let i = 0; i < 10; i++) deque.push(-1);
    for (let i = 0; i < 9; i++) deque.shift();
    deque.shift();
    for (let i = 0; i < 40; i++) deque.push(i);
    expect(drain(deque)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('retain keeps the matching items in order, across a wrapped array', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 12; i++) deque.push(-1);
    for (let i = 0; i < 12; i++) deque.shift();
    for (let i = 0; i < 10; i++) deque.push(i); // slots 12..15 then 0..5
    deque.retain((n) => n % 3 !== 0);
    expect(deque.size).toBe(6);
    deque.push(10);
    expect(drain(deque)).toEqual([1, 2, 4, 5, 7, 8, 10]);
  });

  it('retain that keeps nothing empties it, and it works afterwards', () => {
    const deque = new Deque<string>();
    deque.retain(() => true); // never used: nothing to do
    deque.push('a');
    deque.push('b');
    deque.retain(() => false);
    expect([deque.size, deque.peek()]).toEqual([0, undefined]);
    deque.push('c');
    expect(drain(deque)).toEqual(['c']);
  });

  it('clear removes everything and it works afterwards', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 2000; i++) deque.push(i);
    deque.clear();
    expect([deque.size, deque.shift()]).toEqual([0, undefined]);
    deque.push(7);
    expect(drain(deque)).toEqual([7]);
  });

  it('behaves like an array used as a queue, for any sequence of operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), count: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('shift' as const), count: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('retain' as const), modulo: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const deque = new Deque<number>();
        let model: number[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            for (let i = 0; i < o.count; i++) {
              deque.push(next);
              model.push(next++);
            }
          } else if (o.kind === 'shift') {
            for (let i = 0; i < o.count; i++) expect(deque.shift()).toBe(model.shift());
          } else if (o.kind === 'retain') {
            deque.retain((n) => n % o.modulo !== 0);
            model = model.filter((n) => n % o.modulo !== 0);
          } else {
            deque.clear();
            model = [];
          }
          expect(deque.size).toBe(model.length);
          expect(deque.peek()).toBe(model[0]);
        }
        expect(drain(deque)).toEqual(model);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('lets shifted and retained-out items be garbage-collected (it clears their slots)', async () => {
    // Expose V8's gc() to this test only; no timers involved.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const deque = new Deque<{ id: number }>();
    const refs: WeakRef<object>[] = [];
    // Fill in a helper so no local variable keeps the items alive.
    const fill = (): void => {
      for (let i = 0; i < 4; i++) {
        const item = { id: i, payload: new Array(1000).fill(i) };
        refs.push(new WeakRef(item));
        deque.push(item);
      }
    };
    fill();
    deque.shift();
    deque.retain((item) => item.id !== 2);
    // WeakRef targets stay alive until the current job ends: let it end first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    gc();
    expect(refs.map((ref) => ref.deref() !== undefined)).toEqual([false, true, false, true]);
    expect(deque.size).toBe(2);
  });
});
