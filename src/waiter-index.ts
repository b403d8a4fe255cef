/**
 * Where pending waiters live between registration and settlement, arranged so
 * that publishing an event touches only the waiters that could match it.
 *
 * - Waiters on an exact type sit in that type's bucket; waiters on a wildcard
 *   pattern sit in one shared wildcard bucket (and are pattern-tested).
 * - Inside a bucket, a waiter whose matcher pins a field to an exact primitive
 *   value (`{ url: '/api/7' }`) is filed under field → value, so an event is
 *   offered only to waiters whose pinned value equals the event's field.
 *   Other waiters (predicates, RegExps only) are offered every event of the
 *   bucket.
 *
 * So an unrelated publish costs a few Map lookups whether 10 or 10 000
 * waiters are pending, and registration and removal are O(1).
 */
import type { BusEvent } from './event-map.js';
import { readPath, type IndexableValue, type PinnedField } from './matcher.js';
import type { CompiledPattern } from './pattern.js';

/** What the index needs to know of a waiter. */
export interface IndexedWaiter {
  /** The waiter's type pattern. */
  readonly pattern: CompiledPattern;
  /** The field its matcher pins, if any. */
  readonly pinned: PinnedField | undefined;
  /**
   * Id of the last event published before it registered: it is offered only
   * newer events, even if it registers while an event is being dispatched.
   */
  readonly after: number;
  /** Offers a candidate event (the waiter still runs its full matcher). */
  offer(event: BusEvent): void;
  /** Ends the waiter with an error (used by close). */
  fail(error: Error): void;
}

/**
 * Waiters filed by the value of one field. Most pinned values (a URL, an id)
 * have a single waiter, so a lone waiter is stored as itself and becomes a
 * Set only when a second one arrives: an empty Set costs more than the waiter.
 */
interface FieldIndex {
  readonly path: readonly string[];
  readonly byValue: Map<IndexableValue, IndexedWaiter | Set<IndexedWaiter>>;
}

class Bucket {
  readonly unpinned = new Set<IndexedWaiter>();
  readonly fields = new Map<string, FieldIndex>();
  size = 0;

  add(waiter: IndexedWaiter): void {
    const pinned = waiter.pinned;
    this.size++;
    if (pinned === undefined) {
      this.unpinned.add(waiter);
      return;
    }
    let field = this.fields.get(pinned.pathKey);
    if (field === undefined) {
      field = { path: pinned.path, byValue: new Map() };
      this.fields.set(pinned.pathKey, field);
    }
    const slot = field.byValue.get(pinned.value);
    if (slot === undefined) field.byValue.set(pinned.value, waiter);
    else if (slot instanceof Set) slot.add(waiter);
    else field.byValue.set(pinned.value, new Set([slot, waiter]));
  }

  /** Removes the waiter; empty maps are dropped so memory follows the live waiters. */
  delete(waiter: IndexedWaiter): boolean {
    const pinned = waiter.pinned;
    let removed: boolean;
    if (pinned === undefined) {
      removed = this.unpinned.delete(waiter);
    } else {
      const field = this.fields.get(pinned.pathKey);
      const slot = field?.byValue.get(pinned.value);
      if (slot === undefined) {
        removed = false;
      } else if (slot instanceof Set) {
        removed = slot.delete(waiter);
        if (slot.size === 0) field!.byValue.delete(pinned.value);
      } else {
        removed = slot === waiter;
        if (removed) field!.byValue.delete(pinned.value);
      }
      if (field !== undefined && field.byValue.size === 0) this.fields.delete(pinned.pathKey);
    }
    if (removed) this.size--;
    return removed;
  }

  dispatch(event: BusEvent, checkPattern: boolean): void {
    // Sets tolerate deletion while iterating (a waiter removes itself when it
    // settles); waiters added meanwhile are skipped by the `after` check.
    if (this.unpinned.size > 0) {
      for (const waiter of this.unpinned) offer(waiter, event, checkPattern);
    }
    if (this.fields.size === 0) return;
    for (const field of this.fields.values()) {
      let value: unknown;
      // A getter or Proxy trap on the payload may throw. The try covers this
      // read only (no binding, nothing allocated): the rest of the publish
      // must go on whatever one payload field does.
      try {
        value = readPath(event.payload, field.path);
      } catch {
        offerAll(field, event, checkPattern);
        continue;
      }
      // Map keys compare with SameValueZero; the waiter's own matcher applies
      // Object.is afterwards, so +0/-0 collide here harmlessly.
      const slot = field.byValue.get(value as IndexableValue);
      if (slot === undefined) continue;
      if (slot instanceof Set) for (const waiter of slot) offer(waiter, event, checkPattern);
      else offer(slot, event, checkPattern);
    }
  }

  *all(): IterableIterator<IndexedWaiter> {
    yield* this.unpinned;
    for (const field of this.fields.values()) {
      for (const slot of field.byValue.values()) {
        if (slot instanceof Set) yield* slot;
        else yield slot;
      }
    }
  }
}

/**
 * The field could not be read: the index cannot tell which of its waiters
 * are candidates, so all of them are, as if there were no index. Each runs
 * its full matcher, which reads the field again: those that reach it reject
 * with what it throws (PendingWait.offer), those that stop at an earlier
 * field do not, exactly as unindexed matchers behave. Maps and Sets tolerate
 * the deletions of settling waiters during the walk, and waiters added
 * meanwhile are skipped by their `after`.
 */
function offerAll(field: FieldIndex, event: BusEvent, checkPattern: boolean): void {
  for (const slot of field.byValue.values()) {
    if (slot instanceof Set) for (const waiter of slot) offer(waiter, event, checkPattern);
    else offer(slot, event, checkPattern);
  }
}

function offer(waiter: IndexedWaiter, event: BusEvent, checkPattern: boolean): void {
  if (event.id <= waiter.after) return;
  if (checkPattern && !waiter.pattern.test(event.type)) return;
  waiter.offer(event);
}

/**
 * The registry of pending waiters of one bus.
 *
 * @example
 * ```ts
 * const index = new WaiterIndex();
 * index.add(waiter);
 * index.dispatch(event); // offers the event to candidate waiters only
 * index.delete(waiter);
 * ```
 */
export class WaiterIndex {
  readonly #byType = new Map<string, Bucket>();
  readonly #wildcard = new Bucket();
  #size = 0;

  /** Number of registered waiters. */
  get size(): number {
    return this.#size;
  }

  add(waiter: IndexedWaiter): void {
    if (waiter.pattern.exact) {
      const type = waiter.pattern.source;
      let bucket = this.#byType.get(type);
      if (bucket === undefined) {
        bucket = new Bucket();
        this.#byType.set(type, bucket);
      }
      bucket.add(waiter);
    } else {
      this.#wildcard.add(waiter);
    }
    this.#size++;
  }

  delete(waiter: IndexedWaiter): void {
    let removed: boolean;
    if (waiter.pattern.exact) {
      const type = waiter.pattern.source;
      const bucket = this.#byType.get(type);
      removed = bucket !== undefined && bucket.delete(waiter);
      if (bucket !== undefined && bucket.size === 0) this.#byType.delete(type);
    } else {
      removed = this.#wildcard.delete(waiter);
    }
    if (removed) this.#size--;
  }

  /** Offers the event to every waiter that could match it. */
  dispatch(event: BusEvent): void {
    if (this.#size === 0) return;
    const bucket = this.#byType.get(event.type);
    if (bucket !== undefined) bucket.dispatch(event, false);
    if (this.#wildcard.size > 0) this.#wildcard.dispatch(event, true);
  }

  /** Fails every pending waiter (each removes itself as it settles). */
  failAll(error: Error): void {
    // Collect first: failing a waiter removes it from the maps being walked.
    const all = [...this.#wildcard.all()];
    for (const bucket of this.#byType.values()) for (const waiter of bucket.all()) all.push(waiter);
    for (const waiter of all) waiter.fail(error);
  }
}
