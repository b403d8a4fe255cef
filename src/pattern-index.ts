/**
 * Subscriptions by type pattern, arranged as a segment trie (in the spirit
 * of the NATS server's subject list or an MQTT topic tree), so that finding
 * who an event type reaches costs O(segments × live trie states + matches),
 * not O(subscriptions).
 *
 * A pattern's segments are a path from the root: a literal segment is an
 * exact child, `*` the node's `one` child, `**` its `many` child. A type is
 * matched by walking its segments with a set of live nodes: from each live
 * node, a segment moves to the exact child of that name, and, when the
 * segment is non-empty, to the `one` and `many` children; a node reached
 * through `many` also stays live (`**` goes on consuming segments). The
 * items of the nodes live after the last segment are the matches.
 *
 * Items are kept per node in insertion order, with O(1) add and delete
 * (see {@link PatternNode}). Every item carries its
 * subscription `order`, so matches from several nodes are merged back into
 * subscription order.
 *
 * The live-node lists per type are cached (bounded), and the cache is
 * dropped on any change of the trie's shape (a node created or removed),
 * not on every subscription: adding a second subscriber to an existing
 * pattern keeps it.
 */
import { assertPattern } from './validate.js';

/** Something stored in the index: its position in subscription order. */
export interface Ordered {
  readonly order: number;
}

/**
 * One trie node: the items whose pattern ends here, and the children.
 *
 * Most nodes hold no item (the inner segments of a pattern) or one (a
 * pattern per tenant, order or session): a node keeps a lone item in a field
 * and makes a `Set` only for a second one. With tens of thousands of
 * distinct patterns, a `Set` per node was most of a subscription's memory,
 * and the garbage collector's work grew with it.
 */
export class PatternNode<T extends Ordered> {
  /** The lone item, when the node has exactly one and no `Set` yet. */
  #lone: T | undefined;
  /** Every item, in insertion order, once the node has had two at once. */
  #set: Set<T> | undefined;
  /** The items as an array, rebuilt after a change: publish walks arrays, not Set iterators. */
  #list: readonly T[] | undefined;
  exact: Map<string, PatternNode<T>> | undefined;
  one: PatternNode<T> | undefined;
  many: PatternNode<T> | undefined;
  /** Reached through `**`: stays live for further segments. */
  readonly loops: boolean;
  /** Marks the node as collected in the current walk (avoids duplicate states). */
  mark = 0;

  constructor(
    readonly parent: PatternNode<T> | undefined,
    readonly segment: string,
    loops: boolean,
  ) {
    this.loops = loops;
  }

  /** Number of items whose pattern ends here. */
  get count(): number {
    return this.#set !== undefined ? this.#set.size : this.#lone === undefined ? 0 : 1;
  }

  /** Adds an item (ignored when it is already here, as a `Set` would). */
  add(item: T): void {
    if (this.#set !== undefined) {
      if (this.#set.has(item)) return;
      this.#set.add(item);
    } else if (this.#lone === undefined) {
      this.#lone = item;
    } else {
      if (this.#lone === item) return;
      this.#set = new Set([this.#lone!, item]);
      this.#lone = undefined;
    }
    this.#list = undefined;
  }

  remove(item: T): boolean {
    if (this.#set !== undefined) {
      if (!this.#set.delete(item)) return false;
    } else {
      if (this.#lone !== item) return false;
      this.#lone = undefined;
    }
    this.#list = undefined;
    return true;
  }

  /** The items in subscription order; the same array until the items change (so a publish walks a snapshot). */
  list(): readonly T[] {
    return (this.#list ??= this.#set !== undefined ? [...this.#set] : this.#lone === undefined ? [] : [this.#lone]);
  }

  get empty(): boolean {
    return this.count === 0 && this.exact === undefined && this.one === undefined && this.many === undefined;
  }
}

const CACHE_LIMIT = 1024;

/** What a subscription index holds: for tests that prove unsubscribing leaves nothing behind. @internal */
export interface IndexCensus {
  /** Entries (one per subscription and pattern). */
  readonly entries: number;
  /** Nodes and buckets the entries need (trie nodes besides the root, per-pattern buckets). */
  readonly nodes: number;
}

/** The key under which a bus reports the census of its three indexes (streams, handlers, waiters). @internal */
export const INDEX_CENSUS: unique symbol = Symbol.for('rxbus.index-census') as never;

/**
 * The pattern index of one kind of subscription.
 *
 * @example
 * ```ts
 * const index = new PatternIndex<{ order: number; name: string }>();
 * index.add('order.*', { order: 0, name: 'a' });
 * index.add('**', { order: 1, name: 'b' });
 * index.match('order.created'); // [{ order: 0, name: 'a' }, { order: 1, name: 'b' }]
 * ```
 */
export class PatternIndex<T extends Ordered> {
  readonly #root = new PatternNode<T>(undefined, '', false);
  readonly #cache = new Map<string, ReadonlyArray<PatternNode<T>>>();
  #size = 0;
  #walk = 0;

  /** Number of items. */
  get size(): number {
    return this.#size;
  }

  /** Number of trie nodes besides the root (for tests: no residue after removals). */
  get nodes(): number {
    let count = 0;
    const visit = (node: PatternNode<T>): void => {
      for (const child of children(node)) {
        count++;
        visit(child);
      }
    };
    visit(this.#root);
    return count;
  }

  /** Adds an item under a pattern (O(segments)). */
  add(pattern: string, item: T): void {
    assertPattern(pattern);
    let node = this.#root;
    let created = false;
    for (const segment of pattern.split('.')) {
      let next: PatternNode<T> | undefined;
      if (segment === '*') next = node.one;
      else if (segment === '**') next = node.many;
      else next = node.exact?.get(segment);
      if (next === undefined) {
        next = new PatternNode<T>(node, segment, segment === '**');
        if (segment === '*') node.one = next;
        else if (segment === '**') node.many = next;
        else (node.exact ??= new Map()).set(segment, next);
        created = true;
      }
      node = next;
    }
    node.add(item);
    this.#size++;
    if (created && this.#cache.size > 0) this.#cache.clear();
  }

  /** Removes an item; prunes the nodes it leaves empty. Returns false when it was not there. */
  delete(pattern: string, item: T): boolean {
    let node: PatternNode<T> | undefined = this.#root;
    for (const segment of pattern.split('.')) {
      if (segment === '*') node = node.one;
      else if (segment === '**') node = node.many;
      else node = node.exact?.get(segment);
      if (node === undefined) return false;
    }
    if (!node.remove(item)) return false;
    this.#size--;
    let pruned = false;
    while (node.parent !== undefined && node.empty) {
      const parent: PatternNode<T> = node.parent;
      if (parent.one === node) parent.one = undefined;
      else if (parent.many === node) parent.many = undefined;
      else {
        parent.exact!.delete(node.segment);
        if (parent.exact!.size === 0) parent.exact = undefined;
      }
      node = parent;
      pruned = true;
    }
    if (pruned && this.#cache.size > 0) this.#cache.clear();
    return true;
  }

  /**
   * The nodes whose items an event of `type` reaches (cached per type,
   * bounded: types may be generated without limit).
   */
  nodesFor(type: string): ReadonlyArray<PatternNode<T>> {
    let nodes = this.#cache.get(type);
    if (nodes === undefined) {
      nodes = this.#collect(type);
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(type, nodes);
    }
    return nodes;
  }

  /** The items an event of `type` reaches, in subscription order (a new array). */
  match(type: string): T[] {
    const nodes = this.nodesFor(type);
    const out: T[] = [];
    let sources = 0;
    for (const node of nodes) {
      if (node.count === 0) continue;
      sources++;
      for (const item of node.list()) out.push(item);
    }
    // One node's Set is already in subscription order.
    if (sources > 1) {
      out.sort(byOrder);
      // An item added under several patterns (an array of patterns) is one
      // match: after the sort its copies are neighbours.
      let kept = 1;
      for (let i = 1; i < out.length; i++) if (out[i] !== out[kept - 1]) out[kept++] = out[i]!;
      out.length = kept;
    }
    return out;
  }

  /** Removes every item and node. */
  clear(): void {
    const root = this.#root;
    for (const item of root.list()) root.remove(item);
    root.exact = root.one = root.many = undefined;
    this.#size = 0;
    this.#cache.clear();
  }

  /** Every item, in no particular order. */
  *all(): IterableIterator<T> {
    const stack: Array<PatternNode<T>> = [this.#root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      yield* node.list();
      stack.push(...children(node));
    }
  }

  /**
   * Walks the type's segments over the trie. Nodes without items are kept:
   * one may get items later without the trie changing shape (and so without
   * the cache being dropped).
   */
  #collect(type: string): Array<PatternNode<T>> {
    let live: Array<PatternNode<T>> = [this.#root];
    let start = 0;
    for (;;) {
      const dot = type.indexOf('.', start);
      const segment = dot === -1 ? type.slice(start) : type.slice(start, dot);
      const walk = ++this.#walk;
      const next: Array<PatternNode<T>> = [];
      const visit = (node: PatternNode<T> | undefined): void => {
        if (node !== undefined && node.mark !== walk) {
          node.mark = walk;
          next.push(node);
        }
      };
      for (const node of live) {
        visit(node.exact?.get(segment));
        if (segment.length > 0) {
          visit(node.one);
          visit(node.many);
          if (node.loops) visit(node);
        }
      }
      if (next.length === 0) return next;
      live = next;
      if (dot === -1) break;
      start = dot + 1;
    }
    return live;
  }
}

function children<T extends Ordered>(node: PatternNode<T>): Array<PatternNode<T>> {
  const out: Array<PatternNode<T>> = [];
  if (node.exact !== undefined) out.push(...node.exact.values());
  if (node.one !== undefined) out.push(node.one);
  if (node.many !== undefined) out.push(node.many);
  return out;
}

function byOrder(a: Ordered, b: Ordered): number {
  return a.order - b.order;
}
