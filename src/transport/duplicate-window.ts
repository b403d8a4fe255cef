/**
 * Recognises events seen before by their identity, origin + id, within a
 * bounded window of the most recent identities.
 *
 * At-least-once brokers deliver some events twice (a redelivery after a lost
 * ack, a publisher retrying after a reconnect); overlapping subscriptions
 * deliver one message to two of them. The window is a Map used as an
 * insertion-ordered set: O(1) per check, and the oldest identity leaves when
 * the window is full, so memory stays bounded whatever the traffic.
 *
 * An identity is *pending* while its event is being delivered and *done*
 * after: a copy that arrives while the first is still running is told apart
 * from one that arrives after it succeeded (an at-least-once bridge leaves
 * the first unacknowledged and lets the broker redeliver the second later).
 * A delivery that failed is forgotten, so the retry is not a duplicate.
 */

/** What the window knows of an identity. */
export type Seen = 'new' | 'pending' | 'done';

/**
 * A bounded window of event identities.
 *
 * @example
 * ```ts
 * const window = new DuplicateWindow(10_000);
 * window.check('proc-a', 7); // 'new' (now pending)
 * window.check('proc-a', 7); // 'pending'
 * window.done('proc-a', 7);
 * window.check('proc-a', 7); // 'done'
 * ```
 */
export class DuplicateWindow {
  readonly #seen = new Map<string, boolean>();

  /** @param size How many identities to remember (minimum 1). */
  constructor(readonly size: number) {}

  /** Identities remembered now. */
  get length(): number {
    return this.#seen.size;
  }

  /** Looks an identity up; a new one is remembered as pending. */
  check(origin: string, id: number): Seen {
    const key = identity(origin, id);
    const done = this.#seen.get(key);
    if (done !== undefined) return done ? 'done' : 'pending';
    if (this.#seen.size >= this.size) {
      // Map iteration is insertion order: the first key is the oldest.
      this.#seen.delete(this.#seen.keys().next().value!);
    }
    this.#seen.set(key, false);
    return 'new';
  }

  /** The identity's event was delivered: later copies are duplicates. */
  done(origin: string, id: number): void {
    const key = identity(origin, id);
    if (this.#seen.has(key)) this.#seen.set(key, true);
  }

  /** The identity's delivery failed: forget it, so a redelivery is new. */
  forget(origin: string, id: number): void {
    this.#seen.delete(identity(origin, id));
  }
}

// The id is an integer, so the last '#' separates it: no two pairs share a key.
function identity(origin: string, id: number): string {
  return `${origin}#${id}`;
}
