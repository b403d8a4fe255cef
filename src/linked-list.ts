/**
 * A doubly linked list whose items carry their own links (`prev`/`next`):
 * O(1) append and O(1) removal from anywhere, with no node objects. Used
 * where items leave from the middle — a handler's jobs discarded from the
 * queue, an emitter that gives up while others wait — so an array's
 * `splice` or a Set's hashing is not paid per item. An item is in at most
 * one list at a time (the links are its own).
 */

/** What an item of a {@link LinkedList} carries. */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * The list: oldest item at `head`, newest at `tail`.
 *
 * @example
 * ```ts
 * const line = new LinkedList<Job>();
 * line.push(job);
 * line.remove(job);
 * ```
 */
export class LinkedList<T extends Linked<T>> {
  head: T | undefined;
  tail: T | undefined;

  /** Appends `item` (which must not be in a list). */
  push(item: T): void {
    item.prev = this.tail;
    item.next = undefined;
    if (this.tail === undefined) this.head = item;
    else this.tail.next = item;
    this.tail = item;
  }

  /** Takes `item` (which must be in this list) out. */
  remove(item: T): void {
    if (item.prev === undefined) this.head = item.next;
    else item.prev.next = item.next;
    if (item.next === undefined) this.tail = item.prev;
    else item.next.prev = item.prev;
    item.prev = item.next = undefined;
  }
}
