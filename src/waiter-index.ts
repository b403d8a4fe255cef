/**
 * Where pending waiters live between registration and settlement, arranged so
 * that publishing an event touches only the waiters that could match it.
 *
 * - Waiters sit in the bucket of their pattern. An exact type's bucket is
 *   found by the event's type; the buckets of wildcard patterns are kept in
 *   a segment trie (pattern-index.ts), so a publish visits only the buckets
 *   whose pattern matches, however many wildcard patterns are waited on.
 * - Inside a bucket, a waiter whose matcher pins a field to an exact primitive
 *   value (`{ url: '/api/7' }`) is filed under field → value, so an event is
 *   offered only to waiters whose pinned value equals the event's field.
 *   Other waiters (predicates, RegExps only) are offered every event of the
 *   bucket.
 *
 * So an unrelated publish costs a few Map lookups whether 10 or 10 000
 * waiters are pending, on exact types or on wildcards, and registration and
 * removal are O(1) (amortised: a new pattern adds trie nodes).
 */
import type { BusEvent } from './event-map.js';
import { readPath, type IndexableValue, type PinnedField } from './matcher.js';
import type { CompiledPattern } from './pattern.js';
import { PatternIndex, type IndexCensus } from './pattern-index.js';

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
  /** Registration order, set by the index as the waiter enters it: candidates are offered an event in this order. */
  order: number;
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

  /** Adds the bucket's candidates for `event` to `out`, one list at a time (each in registration order). */
  gather(event: BusEvent, out: Candidates): void {
    if (this.unpinned.size > 0) out.add(this.unpinned);
    if (this.fields.size === 0) return;
    for (const field of this.fields.values()) {
      let value: unknown;
      // A getter or Proxy trap on the payload may throw. The try covers this
      // read only (no binding, nothing allocated): the rest of the publish
      // must go on whatever one payload field does.
      try {
        value = readPath(event.payload, field.path);
      } catch {
        gatherAll(field, out);
        continue;
      }
      // Map keys compare with SameValueZero; the waiter's own matcher applies
      // Object.is afterwards, so +0/-0 collide here harmlessly.
      const slot = field.byValue.get(value as IndexableValue);
      if (slot !== undefined) out.add(slot);
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
 * with what it throws (FirstMatchWait.offer), those that stop at an earlier
 * field do not, exactly as unindexed matchers behave.
 */
function gatherAll(field: FieldIndex, out: Candidates): void {
  for (const slot of field.byValue.values()) out.add(slot);
}

/**
 * The waiters one event is offered to, in registration order. Most events
 * reach one list (one bucket's unpinned waiters, or one pinned value's):
 * that list is offered as it is, in its own order, with no copy — a Set
 * tolerates deletion while it is walked, and waiters added meanwhile are
 * skipped by their `after`. Only a second list makes a sorted snapshot.
 */
class Candidates {
  #first: Set<IndexedWaiter> | IndexedWaiter | undefined;
  #all: IndexedWaiter[] | undefined;

  add(list: Set<IndexedWaiter> | IndexedWaiter): void {
    if (this.#first === undefined && this.#all === undefined) {
      this.#first = list;
      return;
    }
    if (this.#all === undefined) {
      this.#all = [];
      push(this.#all, this.#first!);
      this.#first = undefined;
    }
    push(this.#all, list);
  }

  offer(event: BusEvent): void {
    const first = this.#first;
    if (first instanceof Set) {
      for (const waiter of first) offer(waiter, event);
    } else if (first !== undefined) {
      offer(first, event);
    } else if (this.#all !== undefined) {
      // A waiter settled or removed while an earlier one's subscriber ran is closed and ignores its offer.
      const all = this.#all.sort(byOrder);
      for (let i = 0; i < all.length; i++) offer(all[i]!, event);
    }
  }
}

function push(out: IndexedWaiter[], list: Set<IndexedWaiter> | IndexedWaiter): void {
  if (list instanceof Set) for (const waiter of list) out.push(waiter);
  else out.push(list);
}

function byOrder(a: IndexedWaiter, b: IndexedWaiter): number {
  return a.order - b.order;
}

function offer(waiter: IndexedWaiter, event: BusEvent): void {
  if (event.id <= waiter.after) return;
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
  /** Buckets of exact types, by type: a publish looks its own type up here. */
  readonly #exact = new Map<string, PatternBucket>();
  /** Buckets of wildcard patterns, by pattern source (for registration and removal)... */
  readonly #wildcard = new Map<string, PatternBucket>();
  /** ...and in a segment trie: a publish visits only those whose pattern matches. */
  readonly #wildcards = new PatternIndex<PatternBucket>();
  #order = 0;
  /** Waiters registered so far (their `order`). */
  #registered = 0;
  #size = 0;
  /**
   * Entries beyond the first of waiters on several patterns (one entry per
   * pattern, see waiter.ts), kept by those waiters so `size` counts waiters.
   */
  facets = 0;

  /** Number of registered waiters. */
  get size(): number {
    return this.#size - this.facets;
  }

  add(waiter: IndexedWaiter): void {
    const { source, exact } = waiter.pattern;
    const buckets = exact ? this.#exact : this.#wildcard;
    let bucket = buckets.get(source);
    if (bucket === undefined) {
      bucket = new PatternBucket(this.#order++);
      buckets.set(source, bucket);
      if (!exact) this.#wildcards.add(source, bucket);
    }
    waiter.order = this.#registered++;
    bucket.add(waiter);
    this.#size++;
  }

  delete(waiter: IndexedWaiter): void {
    const { source, exact } = waiter.pattern;
    const buckets = exact ? this.#exact : this.#wildcard;
    const bucket = buckets.get(source);
    if (bucket === undefined || !bucket.delete(waiter)) return;
    this.#size--;
    if (bucket.size === 0) {
      buckets.delete(source);
      if (!exact) this.#wildcards.delete(source, bucket);
    }
  }

  /** What the index holds (for leak tests): trie nodes plus per-pattern buckets. @internal */
  census(): IndexCensus {
    return { entries: this.#size, nodes: this.#wildcards.nodes + this.#exact.size + this.#wildcard.size };
  }

  /**
   * Offers the event to every waiter that could match it, in registration
   * order (see {@link Candidates}); one registered meanwhile is not offered
   * this event (its `after` is this event's id or later).
   */
  dispatch(event: BusEvent): void {
    if (this.#size === 0) return;
    // Made only when some bucket may hold a candidate: an unrelated publish allocates nothing.
    let candidates: Candidates | undefined;
    // Looked up only when an exact type is waited on: with 20 000 wildcard
    // waiters and none exact, a miss in a big map was a cache miss per publish.
    if (this.#exact.size > 0) {
      const bucket = this.#exact.get(event.type);
      if (bucket !== undefined) bucket.gather(event, (candidates ??= new Candidates()));
    }
    if (this.#wildcards.size > 0) {
      const nodes = this.#wildcards.nodesFor(event.type);
      for (let i = 0; i < nodes.length; i++) {
        const buckets = nodes[i]!.list();
        for (let j = 0; j < buckets.length; j++) buckets[j]!.gather(event, (candidates ??= new Candidates()));
      }
    }
    candidates?.offer(event);
  }

  /** Fails every pending waiter (each removes itself as it settles). */
  failAll(error: Error): void {
    // Collect first: failing a waiter removes it from the maps being walked.
    const all: IndexedWaiter[] = [];
    for (const buckets of [this.#exact, this.#wildcard]) {
      for (const bucket of buckets.values()) for (const waiter of bucket.all()) all.push(waiter);
    }
    for (const waiter of all) waiter.fail(error);
  }
}

/** The bucket of one pattern, with its place in the wildcard trie. */
class PatternBucket extends Bucket {
  constructor(
    /** Creation order (the trie keeps its items in order). */
    readonly order: number,
  ) {
    super();
  }
}
