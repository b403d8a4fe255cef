/**
 * A fixed-capacity FIFO over a circular array: O(1) push and shift with no
 * reallocation (unlike `Array#shift`, which is O(n) on large arrays), and
 * memory bounded by the capacity, for storage that keeps the newest items and
 * lets the oldest go: the event history, the cursors a bus has issued, and
 * `boundedMerge`'s buffer. Queues without a bound are `deque.ts`; the handler
 * pool's queue is made of linked lists (`linked-list.ts`), since its jobs
 * also leave from the middle.
 */

/**
 * A bounded first-in-first-out buffer.
 *
 * @example
 * ```ts
 * const ring = new RingBuffer<number>(2);
 * ring.push(1); ring.push(2);
 * ring.pushEvicting(3); // returns 1, the evicted oldest value
 * [...ring]; // [2, 3]
 * ```
 */
export class RingBuffer<T> implements Iterable<T> {
  readonly capacity: number;
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`RingBuffer capacity must be a non-negative integer, got ${capacity}.`);
    }
    this.capacity = capacity;
    // Grown lazily up to `capacity`, so a large capacity costs nothing until used.
    this.#items = [];
  }

  /** Number of stored items. */
  get size(): number {
    return this.#size;
  }

  /** Room left before the buffer is full. */
  get free(): number {
    return this.capacity - this.#size;
  }

  /** Appends at the tail. Returns false (and stores nothing) when full. */
  push(item: T): boolean {
    if (this.#size === this.capacity) return false;
    this.#write(item);
    return true;
  }

  /**
   * Appends at the tail, evicting the oldest item first when full. Returns the
   * evicted item, or `undefined`. With capacity 0 the item itself is returned.
   */
  pushEvicting(item: T): T | undefined {
    if (this.capacity === 0) return item;
    if (this.#size < this.capacity) {
      this.#write(item);
      return undefined;
    }
    // Full (the steady state of the history, once per publish): the oldest
    // slot becomes the newest, one write instead of a shift and a push.
    const evicted = this.#items[this.#head];
    this.#items[this.#head] = item;
    this.#head = this.#head + 1 === this.capacity ? 0 : this.#head + 1;
    return evicted;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    // Clear the slot so the buffer does not keep the item alive.
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** The item at `index` from the oldest (0) to the newest (`size - 1`). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#items[(this.#head + index) % this.capacity];
  }

  /** Removes everything. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#items[(this.#head + i) % this.capacity] as T;
  }

  #write(item: T): void {
    const tail = (this.#head + this.#size) % this.capacity;
    if (tail === this.#items.length) this.#items.push(item);
    else this.#items[tail] = item;
    this.#size++;
  }
}
