/**
 * A growable first-in-first-out queue over a circular array: O(1) push,
 * shift and peek, with no node per item and no `Array#shift` (O(n) on a long
 * array). The array's length is a power of two, so wrapping is a mask rather
 * than a division, and it doubles when full (amortised O(1) per push).
 *
 * The one unbounded queue of rxbus: coordinator calls waiting for their turn,
 * rate-limited values waiting for a token. Bounded storage that evicts its
 * oldest item is `ring-buffer.ts` (the event history); queues whose items
 * leave from the middle are `linked-list.ts`.
 */

/** Slots of a deque's first array: most queues stay short. */
const INITIAL_SLOTS = 16;
/**
 * An emptied deque whose array grew beyond this many slots gives it back,
 * so a burst does not pin its peak memory for the life of the queue.
 */
const RETAINED_SLOTS = 1024;

/**
 * An unbounded FIFO queue.
 *
 * @example
 * ```ts
 * const line = new Deque<string>();
 * line.push('a'); line.push('b');
 * line.shift(); // 'a'
 * line.size;    // 1
 * ```
 */
export class Deque<T> {
  // Allocated on first push: many queues (one per rate-limit key) never hold anything.
  #items: (T | undefined)[] | undefined;
  #mask = 0;
  #head = 0;
  #size = 0;

  /** Number of queued items. */
  get size(): number {
    return this.#size;
  }

  /** Appends at the tail. */
  push(item: T): void {
    let items = this.#items;
    if (items === undefined) {
      items = this.#items = new Array<T | undefined>(INITIAL_SLOTS);
      this.#mask = INITIAL_SLOTS - 1;
    } else if (this.#size > this.#mask) {
      items = this.#grow(items);
    }
    items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the oldest item (`undefined` when empty). */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const items = this.#items!;
    const item = items[this.#head];
    // Clear the slot so the queue does not keep the item alive.
    items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    if (--this.#size === 0) this.#reset();
    return item;
  }

  /** The oldest item, without removing it (`undefined` when empty). */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items![this.#head];
  }

  /** Keeps only the items for which `keep` returns true, in order. */
  retain(keep: (item: T) => boolean): void {
    const items = this.#items;
    if (items === undefined) return;
    const mask = this.#mask;
    let kept = 0;
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) & mask;
      const item = items[from] as T;
      items[from] = undefined;
      if (keep(item)) items[(this.#head + kept++) & mask] = item;
    }
    this.#size = kept;
    if (kept === 0) this.#reset();
  }

  /** Removes every item. */
  clear(): void {
    this.#items = undefined;
    this.#mask = 0;
    this.#head = 0;
    this.#size = 0;
  }

  /** Doubles the array, unrolling the items to its start. */
  #grow(items: (T | undefined)[]): (T | undefined)[] {
    const length = items.length;
    const bigger = new Array<T | undefined>(length * 2);
    for (let i = 0; i < length; i++) bigger[i] = items[(this.#head + i) & this.#mask];
    this.#items = bigger;
    this.#mask = length * 2 - 1;
    this.#head = 0;
    return bigger;
  }

  /** Empty again: start over at slot 0, and let a big array go. */
  #reset(): void {
    this.#head = 0;
    if (this.#items !== undefined && this.#items.length > RETAINED_SLOTS) this.clear();
  }
}
