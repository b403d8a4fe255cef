/**
 * The live `events$` subscriptions of a bus, and how `publish` reaches them.
 *
 * Streams with a pattern sit in a {@link PatternIndex} (segment trie), and
 * `events$()` streams in one Set, so a publish touches only the streams
 * whose pattern matches its type, and subscribing or unsubscribing is O(1)
 * (amortised) however many streams exist. `publish` calls each stream's own
 * RxJS Subscriber directly: a Subject would wrap each pattern-filtering
 * observer in two Subscriber layers and run every `next` through a closure.
 *
 * Semantics are a Subject's: subscribers are called in subscription order
 * (every stream has an order number; streams from several trie nodes are
 * merged by it); a publish walks snapshot arrays (rebuilt only after a
 * change), so a stream subscribed during a publish sees only later events;
 * a stream unsubscribed during a publish is not called again (an RxJS
 * Subscriber ignores `next` once unsubscribed); an RxJS Subscriber reports
 * its observer's errors itself.
 */
import type { BusEvent } from './event-map.js';
import type { CompiledPattern } from './pattern.js';
import { PatternIndex, PatternNode, type IndexCensus } from './pattern-index.js';
import { firstPartMatching, partsOf } from './pattern-list.js';

/** What a stream delivers to: an RxJS Subscriber, or an `iterate()` buffer. */
export interface StreamSink {
  next(event: BusEvent): void;
  complete(): void;
}

interface Stream {
  readonly order: number;
  readonly subscriber: StreamSink;
}

/**
 * The stream subscriptions of one bus.
 *
 * @example
 * ```ts
 * const streams = new EventStreams();
 * const remove = streams.add(compilePattern('order.*'), subscriber);
 * streams.next(event); // subscriber.next(event) when its pattern matches
 * remove();
 * ```
 */
export class EventStreams {
  readonly #index = new PatternIndex<Stream>();
  /** The `events$()` streams: a trie node of their own, outside the trie. */
  readonly #all = new PatternNode<Stream>(undefined, '', false);
  #order = 0;
  /** Index entries beyond the first of streams with several patterns (so `size` counts subscriptions). */
  #extraParts = 0;

  /** Number of live stream subscriptions. */
  get size(): number {
    return this.#index.size - this.#extraParts + this.#all.count;
  }

  /** What the index holds (for leak tests). @internal */
  census(): IndexCensus {
    return { entries: this.#index.size + this.#all.count, nodes: this.#index.nodes };
  }

  /** Adds a subscription; the returned function removes it (idempotent). */
  add(pattern: CompiledPattern | undefined, subscriber: StreamSink): () => void {
    if (pattern === undefined) {
      const stream: Stream = { order: this.#order++, subscriber };
      this.#all.add(stream);
      return () => void this.#all.remove(stream);
    }
    const parts = partsOf(pattern);
    if (parts.length === 1) {
      const stream: Stream = { order: this.#order++, subscriber };
      this.#index.add(pattern.source, stream);
      return () => void this.#index.delete(pattern.source, stream);
    }
    // Several patterns: one entry per part, each passing on only the events
    // no earlier part matches, so an event matching two parts arrives once.
    const order = this.#order++;
    const streams = parts.map((part, i): Stream => ({
      order,
      subscriber: {
        next: (event) => {
          if (firstPartMatching(parts, event.type) === i) subscriber.next(event);
        },
        complete: () => subscriber.complete(),
      },
    }));
    for (let i = 0; i < parts.length; i++) this.#index.add(parts[i]!.source, streams[i]!);
    this.#extraParts += parts.length - 1;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      let present = false;
      for (let i = 0; i < parts.length; i++) present = this.#index.delete(parts[i]!.source, streams[i]!) || present;
      // complete() already forgot it (and reset the count).
      if (present) this.#extraParts -= parts.length - 1;
    };
  }

  /** Delivers an event to every stream whose pattern matches its type, in subscription order. */
  next(event: BusEvent): void {
    // Each list is a snapshot: streams subscribed by a subscriber below see only later events.
    let only: readonly Stream[] | undefined;
    let sources = 0;
    if (this.#all.count > 0) {
      only = this.#all.list();
      sources = 1;
    }
    const nodes = this.#index.size === 0 ? undefined : this.#index.nodesFor(event.type);
    if (nodes !== undefined) {
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i]!;
        if (node.count === 0) continue;
        only = node.list();
        sources++;
      }
    }
    if (sources === 0) return;
    if (sources > 1) only = this.#merged(nodes!);
    const streams = only!;
    for (let i = 0; i < streams.length; i++) streams[i]!.subscriber.next(event);
  }

  /** The streams of several trie nodes (and events$()) in subscription order. */
  #merged(nodes: ReadonlyArray<PatternNode<Stream>>): Stream[] {
    const merged: Stream[] = [...this.#all.list()];
    for (const node of nodes) merged.push(...node.list());
    return merged.sort(byOrder);
  }

  /** Completes every stream and forgets them. */
  complete(): void {
    const streams = [...this.#all.list(), ...this.#index.all()].sort(byOrder);
    for (const stream of streams) this.#all.remove(stream);
    this.#index.clear();
    this.#extraParts = 0;
    // The parts of a several-pattern stream complete the same sink: an RxJS
    // Subscriber (and an iterator) ignores all but the first complete.
    for (const stream of streams) stream.subscriber.complete();
  }
}

function byOrder(a: Stream, b: Stream): number {
  return a.order - b.order;
}
