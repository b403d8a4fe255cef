/**
 * A binary min-heap that knows where each entry sits, so an entry can be
 * removed in O(log n) when it is cancelled — the operation that dominates
 * waiter and timer workloads (most timeouts never fire). Timers order it by
 * due time; the handler pool orders its lanes by the sequence number of
 * their oldest job, so the ordering field has a neutral name.
 */

/** An entry of an {@link IndexedHeap}: ordered by `rank`, then by `seq`. */
export interface HeapEntry {
  /**
   * What the heap orders by, smallest first: a due time (scheduler ms) for
   * deadlines and timers, a job sequence number for the pool's lanes.
   */
  rank: number;
  /** Insertion order, to break ties first-in-first-out. */
  seq: number;
  /** Position in the heap; -1 when not in one. Maintained by the heap. */
  slot: number;
}

/**
 * A min-heap by `(rank, seq)` with O(log n) insert, remove-anywhere and pop.
 *
 * @example
 * ```ts
 * const heap = new IndexedHeap<HeapEntry>();
 * const entry = { rank: 10, seq: 0, slot: -1 };
 * heap.push(entry);
 * heap.remove(entry); // entry.slot === -1 again
 * ```
 */
export class IndexedHeap<T extends HeapEntry> {
  readonly #items: T[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  /** The entry with the smallest rank, without removing it. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Inserts an entry (its `seq` is assigned here). */
  push(entry: T): void {
    entry.seq = this.#seq++;
    entry.slot = this.#items.length;
    this.#items.push(entry);
    this.#up(entry.slot);
  }

  /** Removes and returns the entry with the smallest rank. */
  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /**
   * Moves an entry to its place after its `rank` changed, keeping its `seq`:
   * one sift instead of a remove and a push.
   */
  update(entry: T): void {
    const i = entry.slot;
    if (i < 0 || this.#items[i] !== entry) return;
    this.#up(i);
    this.#down(entry.slot);
  }

  /** Removes an entry wherever it is; a no-op when it is not in the heap. */
  remove(entry: T): void {
    const i = entry.slot;
    if (i < 0 || this.#items[i] !== entry) return;
    const last = this.#items.pop()!;
    entry.slot = -1;
    if (last !== entry) {
      this.#items[i] = last;
      last.slot = i;
      this.#down(i);
      this.#up(last.slot);
    }
  }

  #less(a: T, b: T): boolean {
    return a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq);
  }

  #up(i: number): void {
    const items = this.#items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i]!, items[parent]!)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const items = this.#items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && this.#less(items[l]!, items[best]!)) best = l;
      if (r < items.length && this.#less(items[r]!, items[best]!)) best = r;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const a = items[i]!;
    const b = items[j]!;
    items[i] = b;
    items[j] = a;
    a.slot = j;
    b.slot = i;
  }
}
