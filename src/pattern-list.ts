/**
 * A pattern argument that may also be an array of patterns
 * (`on(['order.created', 'order.cancelled'], ...)`): the patterns are
 * compiled one by one, and their union is a pattern of its own that matches
 * a type when any of them does.
 *
 * Subscribers index each part under its own source (a trie node per part),
 * and an event that matches two parts must still reach the subscriber once:
 * the indexes either merge by identity (handlers, see pattern-index.ts) or
 * let only the first matching part deliver it (streams, waiters; see
 * {@link firstPartMatching}). A single pattern, or an array of one, is the
 * plain compiled pattern: nothing on the hot path changes for it.
 */
import { compilePattern, type CompiledPattern } from './pattern.js';
import { assertPattern, describeArgument } from './validate.js';

/** The union of several compiled patterns; `parts` are in the order given, duplicates removed. */
export interface PatternUnion extends CompiledPattern {
  readonly parts: readonly CompiledPattern[];
}

/**
 * Compiles a pattern or a non-empty array of patterns. Throws a `TypeError`
 * naming the argument for anything else.
 *
 * @example
 * ```ts
 * const p = compilePatterns(['order.created', 'page.*']);
 * p.test('page.response'); // true
 * partsOf(p).length; // 2
 * ```
 */
export function compilePatterns(input: unknown, what = 'pattern'): CompiledPattern {
  if (!Array.isArray(input)) {
    assertPattern(input, what);
    return compilePattern(input);
  }
  if (input.length === 0) {
    throw new TypeError(`Expected the ${what} array to hold at least one pattern such as 'order.*', got an empty array.`);
  }
  const parts: CompiledPattern[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    if (typeof item !== 'string' || item.length === 0) {
      throw new TypeError(
        `Expected every ${what} in the array to be a non-empty string such as 'order.*', got ${describeArgument(item)} at index ${i}.`,
      );
    }
    if (seen.has(item)) continue;
    seen.add(item);
    parts.push(compilePattern(item));
  }
  if (parts.length === 1) return parts[0]!;
  const union: PatternUnion = {
    source: parts.map((part) => part.source).join(', '),
    exact: false,
    parts,
    test: (type) => firstPartMatching(parts, type) >= 0,
  };
  return union;
}

/**
 * The patterns to index a subscriber under: the parts of a union, or the
 * pattern itself.
 *
 * @example
 * ```ts
 * partsOf(compilePattern('order.*')); // [that pattern]
 * ```
 */
export function partsOf(pattern: CompiledPattern): readonly CompiledPattern[] {
  return (pattern as Partial<PatternUnion>).parts ?? [pattern];
}

/**
 * The index of the first part that matches `type`, or -1. A subscriber
 * indexed under several parts delivers an event only through the first part
 * that matches it, so it sees each event once, with no per-subscriber state.
 *
 * @example
 * ```ts
 * firstPartMatching(partsOf(compilePatterns(['a.*', 'a.b'])), 'a.b'); // 0
 * ```
 */
export function firstPartMatching(parts: readonly CompiledPattern[], type: string): number {
  for (let i = 0; i < parts.length; i++) if (parts[i]!.test(type)) return i;
  return -1;
}
