import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../src/ring-buffer.js';
import { seededRandom } from './support/async.js';

const filled = (capacity: number, ...items: number[]): RingBuffer<number> => {
  const ring = new RingBuffer<number>(capacity);
  for (const item of items) ring.push(item);
  return ring;
};

describe('RingBuffer', () => {
  it('returns items in FIFO order', () => {
    const ring = filled(4, 1, 2, 3);
    expect(ring.shift()).toBe(1);
    expect(ring.shift()).toBe(2);
    ring.push(4);
    expect(ring.shift()).toBe(3);
    expect(ring.shift()).toBe(4);
    expect(ring.shift()).toBeUndefined();
    expect(ring.size).toBe(0);
  });

  it('tracks size and free room', () => {
    const ring = new RingBuffer<string>(3);
    expect([ring.size, ring.free, ring.capacity]).toEqual([0, 3, 3]);
    ring.push('a');
    ring.push('b');
    expect([ring.size, ring.free]).toEqual([2, 1]);
    ring.shift();
    expect([ring.size, ring.free]).toEqual([1, 2]);
  });

  it('returns false from push and stores nothing when full', () => {
    const ring = filled(2, 1, 2);
    expect(ring.push(3)).toBe(false);
    expect([...ring]).toEqual([1, 2]);
    expect(ring.size).toBe(2);
    expect(ring.shift()).toBe(1);
    expect(ring.push(3)).toBe(true);
    expect([...ring]).toEqual([2, 3]);
  });

  it('returns the evicted oldest item from pushEvicting when full', () => {
    const ring = filled(2, 1, 2);
    expect(ring.pushEvicting(3)).toBe(1);
    expect([...ring]).toEqual([2, 3]);
    expect(ring.pushEvicting(4)).toBe(2);
    expect(ring.pushEvicting(5)).toBe(3);
    expect([...ring]).toEqual([4, 5]);
    expect(ring.size).toBe(2);
  });

  it('returns undefined from pushEvicting while there is room', () => {
    const ring = new RingBuffer<number>(2);
    expect(ring.pushEvicting(1)).toBeUndefined();
    expect(ring.pushEvicting(2)).toBeUndefined();
    expect([...ring]).toEqual([1, 2]);
  });

  it('stores nothing with capacity 0', () => {
    const ring = new RingBuffer<string>(0);
    expect(ring.push('a')).toBe(false);
    expect(ring.pushEvicting('b')).toBe('b');
    expect(ring.size).toBe(0);
    expect(ring.free).toBe(0);
    expect(ring.shift()).toBeUndefined();
    expect(ring.peek()).toBeUndefined();
    expect(ring.at(0)).toBeUndefined();
    expect([...ring]).toEqual([]);
    ring.clear();
    expect(ring.size).toBe(0);
  });

  it('holds one item with capacity 1', () => {
    const ring = new RingBuffer<string>(1);
    expect(ring.push('a')).toBe(true);
    expect(ring.push('b')).toBe(false);
    expect(ring.pushEvicting('c')).toBe('a');
    expect(ring.peek()).toBe('c');
    expect(ring.shift()).toBe('c');
    expect(ring.push('d')).toBe(true);
    expect([...ring]).toEqual(['d']);
  });

  it('peeks at the oldest item without removing it', () => {
    const ring = filled(3, 7, 8);
    expect(ring.peek()).toBe(7);
    expect(ring.peek()).toBe(7);
    expect(ring.size).toBe(2);
    ring.shift();
    expect(ring.peek()).toBe(8);
    ring.shift();
    expect(ring.peek()).toBeUndefined();
  });

  it('reads items by age with at(), across the wrap-around point', () => {
    const ring = filled(3, 1, 2, 3);
    ring.shift();
    ring.push(4); // physically stored at slot 0: the buffer has wrapped
    expect([ring.at(0), ring.at(1), ring.at(2)]).toEqual([2, 3, 4]);
    expect(ring.at(3)).toBeUndefined();
    expect(ring.at(-1)).toBeUndefined();
  });

  it('iterates from the oldest to the newest item after wrapping', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 0; i < 10; i++) ring.pushEvicting(i);
    expect([...ring]).toEqual([7, 8, 9]);
    expect(Array.from(ring)).toEqual([7, 8, 9]);
  });

  it('empties the buffer with clear and stays usable', () => {
    const ring = filled(3, 1, 2, 3);
    ring.shift();
    ring.push(4);
    ring.clear();
    expect([ring.size, ring.free]).toEqual([0, 3]);
    expect([...ring]).toEqual([]);
    expect(ring.peek()).toBeUndefined();
    expect(ring.at(0)).toBeUndefined();
    expect(ring.shift()).toBeUndefined();
    ring.push(5);
    ring.push(6);
    expect([...ring]).toEqual([5, 6]);
    expect(ring.at(1)).toBe(6);
  });

  it('stores undefined and null as ordinary items', () => {
    const ring = new RingBuffer<number | null | undefined>(3);
    ring.push(undefined);
    ring.push(null);
    expect(ring.size).toBe(2);
    expect([...ring]).toEqual([undefined, null]);
    expect(ring.shift()).toBeUndefined();
    expect(ring.shift()).toBeNull();
    expect(ring.size).toBe(0);
  });

  it('throws a RangeError for a negative, fractional or non-finite capacity', () => {
    for (const capacity of [-1, 1.5, NaN, Infinity, -Infinity]) {
      expect(() => new RingBuffer(capacity)).toThrow(RangeError);
    }
    expect(() => new RingBuffer(-1)).toThrow('RingBuffer capacity must be a non-negative integer, got -1.');
    expect(() => new RingBuffer(Infinity)).toThrow('got Infinity');
  });

  it('does not allocate a large capacity up front', () => {
    const ring = new RingBuffer<number>(2 ** 31);
    ring.push(1);
    expect([ring.size, ring.free]).toEqual([1, 2 ** 31 - 1]);
    expect([...ring]).toEqual([1]);
  });

  it('behaves like an array model over thousands of random operations', () => {
    // Calls expect only on a mismatch (45 000 steps of toEqual would be slow), with the step in the message.
    const check = (actual: unknown, expected: unknown, where: string): void => {
      const same =
        Array.isArray(actual) && Array.isArray(expected)
          ? actual.length === expected.length && actual.every((item, i) => Object.is(item, expected[i]))
          : Object.is(actual, expected);
      if (!same) expect(actual, where).toEqual(expected);
    };
    let steps = 0;
    for (const seed of [1, 42, 2024]) {
      for (const capacity of [1, 2, 3, 5, 8]) {
        const random = seededRandom(seed * 31 + capacity);
        const ring = new RingBuffer<number>(capacity);
        const model: number[] = [];
        let next = 0;
        for (let step = 0; step < 3000; step++) {
          const r = random();
          const where = `seed ${seed}, capacity ${capacity}, step ${step}`;
          if (r < 0.35) {
            const value = next++;
            const full = model.length === capacity;
            check(ring.push(value), !full, where);
            if (!full) model.push(value);
          } else if (r < 0.55) {
            const value = next++;
            const expected = model.length === capacity ? model.shift() : undefined;
            model.push(value);
            check(ring.pushEvicting(value), expected, where);
          } else if (r < 0.9) {
            check(ring.shift(), model.shift(), where);
          } else if (r < 0.99) {
            const index = Math.floor(random() * (capacity + 2)) - 1;
            check(ring.at(index), index >= 0 ? model[index] : undefined, where);
          } else {
            ring.clear();
            model.length = 0;
          }
          check(ring.size, model.length, where);
          check(ring.free, capacity - model.length, where);
          check(ring.peek(), model[0], where);
          check([...ring], model, where);
          steps++;
        }
      }
    }
    expect(steps).toBe(45_000);
  });

  it('no longer returns shifted or evicted items from at(), peek() or iteration', () => {
    const a = { id: 'a' };
    const b = { id: 'b' };
    const c = { id: 'c' };
    const ring = new RingBuffer<object>(2);
    ring.push(a);
    ring.push(b);
    expect(ring.shift()).toBe(a);
    expect(ring.pushEvicting(c)).toBeUndefined();
    expect(ring.pushEvicting({ id: 'd' })).toBe(b);
    const seen = [...ring, ring.peek(), ring.at(0), ring.at(1), ring.at(2)];
    expect(seen).not.toContain(a);
    expect(seen).not.toContain(b);
  });

  it('lets shifted items be garbage-collected (it clears their slots)', async () => {
    // Expose V8's gc() to this test only; no timers involved.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const ring = new RingBuffer<object>(4);
    const refs: WeakRef<object>[] = [];
    // Fill in a helper so no local variable keeps the items alive.
    const fill = (): void => {
      for (let i = 0; i < 3; i++) {
        const item = { payload: new Array(1000).fill(i) };
        refs.push(new WeakRef(item));
        ring.push(item);
      }
    };
    fill();
    ring.shift();
    ring.shift();
    // WeakRef targets stay alive until the current job ends: let it end first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    gc();
    expect(refs.map((ref) => ref.deref() !== undefined)).toEqual([false, false, true]);
    expect(ring.size).toBe(1);
  });
});
