/**
 * Event type patterns: an exact type, or dot-separated segments where a whole
 * segment `*` matches exactly one segment and `**` matches one or more.
 *
 * Rules (documented in docs/events.md):
 * - A pattern without a `*` or `**` segment is an exact type: `'order.'` matches
 *   only the type `'order.'`.
 * - Wildcards match non-empty segments only: `'order.*'` matches `'order.created'`
 *   but not `'order'`, `'order.'` or `'order..x'`.
 * - `*` inside a segment (`'order*'`) is an ordinary character.
 *
 * Matching simulates the pattern as a small automaton over the type's segments
 * (a set of live pattern positions), so it runs in O(segments × pattern length)
 * with no backtracking and no regular expression built from user input.
 */
import { assertPattern } from './validate.js';

/** A compiled pattern. Compile once with {@link compilePattern}, test many times. */
export interface CompiledPattern {
  /** The pattern text as given. */
  readonly source: string;
  /** True when the pattern has no wildcard: it matches exactly one type, `source`. */
  readonly exact: boolean;
  /** Does the event type match? */
  test(type: string): boolean;
}

const enum Segment {
  One = 0,
  Many = 1,
}
type CompiledSegment = string | Segment;

// Event type sets are small in practice, so remembering answers per pattern
// turns the automaton into one Map lookup on the publish path. The cap keeps
// memory bounded when types are generated (e.g. one per id).
const RESULT_CACHE_LIMIT = 512;
const PATTERN_CACHE_LIMIT = 1024;
const compiled = new Map<string, CompiledPattern>();


/**
 * Compiles a pattern (cached: compiling the same text twice returns the same object).
 *
 * @throws TypeError when `pattern` is not a non-empty string.
 * @example
 * ```ts
 * const p = compilePattern('order.*');
 * p.test('order.created'); // true
 * p.test('order.created.v2'); // false ('**' would match)
 * ```
 */
export function compilePattern(pattern: string): CompiledPattern {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  assertPattern(pattern);
  if (compiled.size >= PATTERN_CACHE_LIMIT) compiled.clear();
  const result = build(pattern);
  compiled.set(pattern, result);
  return result;
}

function build(source: string): CompiledPattern {
  const parts = source.split('.');
  const segments: CompiledSegment[] = parts.map((part) => (part === '*' ? Segment.One : part === '**' ? Segment.Many : part));
  if (segments.every((s) => typeof s === 'string')) {
    return { source, exact: true, test: (type) => type === source };
  }
  const cache = new Map<string, boolean>();
  return {
    source,
    exact: false,
    test(type) {
      let hit = cache.get(type);
      if (hit === undefined) {
        hit = run(segments, type);
        if (cache.size >= RESULT_CACHE_LIMIT) cache.clear();
        cache.set(type, hit);
      }
      return hit;
    },
  };
}

/** Runs the segment automaton over `type`: `live[i]` means "pattern position i reached". */
function run(segments: readonly CompiledSegment[], type: string): boolean {
  const m = segments.length;
  let live = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  live[0] = 1;
  let start = 0;
  for (;;) {
    const dot = type.indexOf('.', start);
    const seg = dot === -1 ? type.slice(start) : type.slice(start, dot);
    next.fill(0);
    let any = false;
    for (let i = 0; i < m; i++) {
      if (live[i] === 0) continue;
      const p = segments[i];
      if (typeof p === 'string' ? p === seg : seg.length > 0) {
        next[i + 1] = 1;
        any = true;
        // `**` may go on consuming segments.
        if (p === Segment.Many) next[i] = 1;
      }
    }
    if (!any) return false;
    [live, next] = [next, live];
    if (dot === -1) break;
    start = dot + 1;
  }
  return live[m] === 1;
}
