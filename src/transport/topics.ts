/**
 * Where an event type travels on a broker: its topic (a NATS subject, a
 * Redis channel or stream key) under a base such as `rxbus.events`.
 *
 * Dot segments stay segments, so broker permissions and wildcards work on
 * them. A segment with a character a broker would read as syntax (space,
 * control characters, `*`, `>`, `%`, anything outside printable ASCII) is
 * percent-encoded byte by byte, and an empty segment becomes `%`: the
 * mapping is one-to-one, and the receiver checks that an envelope's type
 * maps to the topic it arrived on (a sender allowed to publish on one
 * subject cannot slip in an event of another type).
 *
 * Patterns map segment-wise: `*` to the broker's one-segment wildcard and
 * `**` to its many-segment one. NATS's `>` may only end a subject, so a
 * pattern with `**` in the middle (`a.**.b`) subscribes to `a.>` and the
 * bridge filters with rxbus's own pattern matcher.
 */
import { assertPattern } from '../validate.js';

/** A broker's wildcard tokens. */
export interface Wildcards {
  /** Matches exactly one segment (NATS `*`). */
  readonly one: string;
  /** Matches one or more segments (NATS `>`). */
  readonly many: string;
  /** True when `many` may only be the last token (NATS). */
  readonly manyLastOnly: boolean;
}

/** NATS subject wildcards. */
export const NATS_WILDCARDS: Wildcards = { one: '*', many: '>', manyLastOnly: true };

/** A pattern mapped to a topic pattern. */
export interface TopicPattern {
  /** The rxbus pattern. */
  readonly pattern: string;
  /** The broker topic pattern that covers it. */
  readonly topic: string;
  /** True when the topic pattern is wider than the rxbus pattern (filter locally). */
  readonly wider: boolean;
}

const SAFE = /^[\x21-\x7e]+$/;
const UNSAFE_CHAR = /[.*>%]/;

/**
 * The topic segment of one type segment.
 *
 * @example
 * ```ts
 * encodeSegment('created'); // 'created'
 * encodeSegment('a b');     // 'a%20b'
 * encodeSegment('');        // '%'
 * ```
 */
export function encodeSegment(segment: string): string {
  if (segment.length === 0) return '%';
  if (SAFE.test(segment) && !UNSAFE_CHAR.test(segment)) return segment;
  let out = '';
  for (const byte of new TextEncoder().encode(segment)) {
    const char = String.fromCharCode(byte);
    out += byte > 0x20 && byte < 0x7f && !UNSAFE_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Checks a topic base such as `rxbus` or `app.rxbus`: non-empty segments of printable ASCII, no wildcards.
 *
 * @throws TypeError when it is not one.
 * @example
 * ```ts
 * assertTopicBase('rxbus', 'prefix');
 * ```
 */
export function assertTopicBase(base: unknown, what: string): asserts base is string {
  if (typeof base !== 'string' || base.length === 0 || !base.split('.').every((s) => s.length > 0 && encodeSegment(s) === s)) {
    throw new TypeError(
      `Expected '${what}' to be dot-separated segments of letters, digits and punctuation without '*', '>' or '%', such as 'rxbus' or 'shop.rxbus', got ${typeof base === 'string' ? JSON.stringify(base) : typeof base}.`,
    );
  }
}

/**
 * Maps event types to topics under one base, remembering recent answers (the
 * same few types recur on every message).
 *
 * @example
 * ```ts
 * const topics = new TopicMap('rxbus.events');
 * topics.of('order.created'); // 'rxbus.events.order.created'
 * topics.pattern('order.**', NATS_WILDCARDS); // { topic: 'rxbus.events.order.>', wider: false, … }
 * ```
 */
export class TopicMap {
  readonly #cache = new Map<string, string>();

  constructor(readonly base: string) {}

  /** The topic of an event type. */
  of(type: string): string {
    let topic = this.#cache.get(type);
    if (topic === undefined) {
      topic = `${this.base}.${type.split('.').map(encodeSegment).join('.')}`;
      // Types can be generated without bound (one per id): keep the cache bounded.
      if (this.#cache.size >= 1024) this.#cache.clear();
      this.#cache.set(type, topic);
    }
    return topic;
  }

  /** The topic pattern covering an rxbus pattern. */
  pattern(pattern: string, wildcards: Wildcards): TopicPattern {
    assertPattern(pattern);
    const tokens: string[] = [];
    let wider = false;
    const segments = pattern.split('.');
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment === '**') {
        tokens.push(wildcards.many);
        if (wildcards.manyLastOnly && i < segments.length - 1) {
          wider = true;
          break;
        }
      } else {
        tokens.push(segment === '*' ? wildcards.one : encodeSegment(segment));
      }
    }
    return { pattern, topic: `${this.base}.${tokens.join('.')}`, wider };
  }
}

/**
 * Whether NATS subject pattern `a` matches every subject `b` matches (so
 * subscribing to both would deliver each message twice).
 *
 * @example
 * ```ts
 * natsCovers('x.>', 'x.y.*'); // true
 * natsCovers('x.*', 'x.y.z'); // false
 * ```
 */
export function natsCovers(a: string, b: string): boolean {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < as.length; i++) {
    const token = as[i]!;
    if (token === '>') return bs.length > i;
    if (i >= bs.length) return false;
    const other = bs[i]!;
    if (token === '*') {
      if (other === '>') return false;
      continue;
    }
    if (token !== other) return false;
  }
  return as.length === bs.length;
}

/**
 * The topic patterns to subscribe to: each pattern mapped, those covered by
 * another one left out, so one message arrives once.
 *
 * @example
 * ```ts
 * minimalPatterns([map('order.*'), map('order.created')], natsCovers); // [order.*]
 * ```
 */
export function minimalPatterns(patterns: readonly TopicPattern[], covers: (a: string, b: string) => boolean): TopicPattern[] {
  const kept: TopicPattern[] = [];
  patterns.forEach((candidate, i) => {
    const covered = patterns.some(
      (other, j) => j !== i && covers(other.topic, candidate.topic) && (other.topic !== candidate.topic || j < i),
    );
    if (!covered) kept.push(candidate);
  });
  return kept;
}
