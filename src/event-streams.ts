/**
 * The live `events$` subscriptions of a bus, and how `publish` reaches them.
 *
 * This is what a `Subject` would do, minus two costs on the publish path: a
 * Subject wraps each pattern-filtering observer in a Subscriber of its own
 * (two Subscriber layers per stream), and runs every `next` through a closure
 * for its error context. Here `publish` walks a plain array and calls each
 * stream's own Subscriber directly, testing its pattern inline — about twice
 * as fast with one subscriber. Semantics are the Subject's: subscribers are
 * called in subscription order; the array is copied on subscribe and
 * unsubscribe, so a publish walks a snapshot and a subscription made during a
 * publish sees only later events; an RxJS Subscriber reports its observer's
 * errors itself and ignores `next` once unsubscribed.
 */
import type { Subscriber } from 'rxjs';
import type { BusEvent } from './event-map.js';
import type { CompiledPattern } from './pattern.js';

interface Stream {
  /** `undefined` for `events$()`: every event. */
  readonly pattern: CompiledPattern | undefined;
  readonly subscriber: Subscriber<BusEvent>;
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
  #streams: readonly Stream[] = [];

  /** Number of live stream subscriptions. */
  get size(): number {
    return this.#streams.length;
  }

  /** Adds a subscription; the returned function removes it (idempotent). */
  add(pattern: CompiledPattern | undefined, subscriber: Subscriber<BusEvent>): () => void {
    const stream: Stream = { pattern, subscriber };
    this.#streams = [...this.#streams, stream];
    return () => {
      const i = this.#streams.indexOf(stream);
      if (i >= 0) this.#streams = [...this.#streams.slice(0, i), ...this.#streams.slice(i + 1)];
    };
  }

  /** Delivers an event to every stream whose pattern matches its type. */
  next(event: BusEvent): void {
    const streams = this.#streams;
    for (let i = 0; i < streams.length; i++) {
      const { pattern, subscriber } = streams[i]!;
      if (pattern === undefined || pattern.test(event.type)) subscriber.next(event);
    }
  }

  /** Completes every stream and forgets them. */
  complete(): void {
    const streams = this.#streams;
    this.#streams = [];
    for (const { subscriber } of streams) subscriber.complete();
  }
}
