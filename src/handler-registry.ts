/**
 * The handlers registered with `bus.on`, and which of them an event type
 * reaches. The answer per type is computed once and cached until the set of
 * handlers changes, so publishing to a type with handlers is one Map lookup.
 */
import type { BusEvent } from './event-map.js';
import type { CompiledPattern } from './pattern.js';
import { HandlerSchedule, type HandlerFn, type PooledHandler } from './pool.js';
import { PatternIndex, type IndexCensus } from './pattern-index.js';
import { partsOf } from './pattern-list.js';

/** A key function for per-key ordering. */
export type KeyFn = (payload: unknown, event: BusEvent) => string | number;

/**
 * One registered handler: its options and whether it is still subscribed.
 * The pool's scheduling state for it is a separate record the entry holds
 * ({@link HandlerSchedule}), made once here so publishing allocates none.
 */
export class HandlerEntry implements PooledHandler {
  /** The pool's scheduling record for this handler. */
  readonly schedule: HandlerSchedule;
  /** False once unsubscribed: no new jobs, queued ones are discarded. */
  active = true;
  /** Unsubscribes it (removes it here, its abort listener, its queued jobs); set by the bus. */
  unsubscribe: (() => void) | undefined;

  constructor(
    /** Registration order, to deliver in the order handlers were added. */
    readonly order: number,
    readonly pattern: CompiledPattern,
    readonly fn: HandlerFn,
    /** Max jobs of this handler running at once. */
    readonly concurrency: number,
    readonly key: KeyFn | undefined,
    /** A name for error messages: the function's name, if any. */
    readonly name: string | undefined,
    /** True for request responders (`bus.handle`). */
    readonly responder = false,
    /** Per-job timeout in ms; 0 = none. */
    readonly timeout = 0,
  ) {
    this.schedule = new HandlerSchedule(this, key !== undefined);
  }
}

const CACHE_LIMIT = 1024;

/**
 * Handlers by pattern, in a {@link PatternIndex}: which handlers a type
 * reaches costs O(segments + matching handlers), however many others exist.
 *
 * @example
 * ```ts
 * const registry = new HandlerRegistry();
 * registry.add(entry);
 * registry.for('order.created'); // the entries whose pattern matches, in registration order
 * ```
 */
export class HandlerRegistry {
  readonly #index = new PatternIndex<HandlerEntry>();
  readonly #cache = new Map<string, readonly HandlerEntry[]>();
  /** Number of registered handlers with a key function (publish skips key work when 0). */
  keyed = 0;

  #size = 0;

  /** Number of registered handlers. */
  get size(): number {
    return this.#size;
  }

  add(entry: HandlerEntry): void {
    // A handler of several patterns sits under each; the index merges it back to one match.
    for (const part of partsOf(entry.pattern)) this.#index.add(part.source, entry);
    this.#size++;
    if (entry.key !== undefined) this.keyed++;
    this.#forget();
  }

  delete(entry: HandlerEntry): boolean {
    let removed = false;
    for (const part of partsOf(entry.pattern)) removed = this.#index.delete(part.source, entry) || removed;
    if (!removed) return false;
    this.#size--;
    if (entry.key !== undefined) this.keyed--;
    this.#forget();
    return true;
  }

  /** Drops the cached answers. (`Map#clear` allocates a new table even when empty: churn would pay for one per change.) */
  #forget(): void {
    if (this.#cache.size > 0) this.#cache.clear();
  }

  /** What the index holds (for leak tests). @internal */
  census(): IndexCensus {
    return { entries: this.#index.size, nodes: this.#index.nodes };
  }

  /** The handlers an event of `type` reaches, in registration order. */
  for(type: string): readonly HandlerEntry[] {
    let list = this.#cache.get(type);
    if (list === undefined) {
      list = this.#index.match(type);
      // rxbus's own `$` types reach only patterns that ask for them: an
      // `on('**')` audit handler must not get a job per request reply.
      if (type.charCodeAt(0) === 36 /* $ */) list = list.filter((entry) => entry.pattern.source.charCodeAt(0) === 36);
      // Types can be generated without bound (one per id); keep the cache bounded.
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(type, list);
    }
    return list;
  }

  /** Every registered handler (once each, also when it has several patterns). */
  all(): HandlerEntry[] {
    return [...new Set(this.#index.all())];
  }
}
