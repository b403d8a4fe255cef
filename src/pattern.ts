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
 * How matching stays linear, with no backtracking and no regular expression
 * built from user input. A `**` is a `*` followed by a gap: zero or more
 * non-empty segments. So a pattern is a list of blocks of literals and `*`s
 * with a gap between each two; the first block is anchored at the start of
 * the type, the last at its end, and each block in between is placed at its
 * leftmost possible position after the one before. Leftmost is always right:
 * whatever the placement, the empty segments before a block's end are exactly
 * the ones its literal `''` segments and those of the blocks before it cover
 * (a gap or a `*` covers none), so ending earlier never leaves an empty segment
 * in a later gap that a later placement would not, and never leaves less room.
 * Since a gap followed by `*` matches what `*` followed by a gap matches,
 * the `*`s that end a middle block are moved over the gap to the start of
 * the next block, and the `*`s that start a block become a minimum distance
 * from the block before rather than something to compare.
 *
 * Each middle block is then found by scanning forward from the end of the one
 * before: with KMP over segments (compared as whole strings) when it has only
 * literals, and with a bit-parallel scan (Shift-And: one bit per block
 * position, a word per 32) when it has a `*` between literals. Every type
 * segment is scanned once per block search that reaches it and the searches
 * follow each other, so a match costs O(type length + pattern length), times
 * ⌈block length / 32⌉ for a block with an inner `*`: exact linearity for such
 * blocks would be pattern matching with don't-cares, for which no linear
 * algorithm is known (the best are O(n log m), with FFTs).
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

/** A pattern segment: a literal segment, or `null` for `*` (any one non-empty segment). */
type Token = string | null;

/** A block between two gaps: `lead` wildcards (a minimum distance), then `core`. */
interface MiddleBlock {
  readonly lead: number;
  /** Starts and ends with a literal. */
  readonly core: readonly Token[];
  /** Finds the leftmost start of `core` at or after `from` and at most `last`; -1 if none. */
  find(segments: readonly string[], from: number, last: number): number;
}

/** A wildcard pattern, ready to match: see the file header. */
interface Glob {
  /** Anchored at the start of the type. */
  readonly head: readonly Token[];
  readonly middles: readonly MiddleBlock[];
  /** Anchored at the end of the type; `undefined` when the pattern has no `**` (then `head` is the whole type). */
  readonly tail: readonly Token[] | undefined;
  /** The fewest segments a matching type has. */
  readonly minSegments: number;
}

// Event type sets are small in practice, so remembering answers per pattern
// turns matching into one Map lookup on the publish path. The cap keeps
// memory bounded when types are generated (e.g. one per id).
const RESULT_CACHE_LIMIT = 512;
const PATTERN_CACHE_LIMIT = 1024;
const compiled = new Map<string, CompiledPattern>();

/** Steps taken by wildcard matching since the module loaded: see {@link patternWork}. */
let work = 0;

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

/**
 * How many steps (segment comparisons and scan steps) wildcard matching has
 * taken since the module loaded, for tests that prove matching linear by
 * counting work rather than timing it. Cached answers take none.
 *
 * @internal
 * @example
 * ```ts
 * const before = patternWork();
 * compilePattern('a.**.z').test('a.b.c.z');
 * patternWork() - before; // a handful
 * ```
 */
export function patternWork(): number {
  return work;
}

function build(source: string): CompiledPattern {
  const parts = source.split('.');
  return parts.includes('*') || parts.includes('**') ? new WildcardPattern(source) : new ExactPattern(source);
}

/** A pattern without wildcards: it matches its own text. */
class ExactPattern implements CompiledPattern {
  readonly exact = true;
  constructor(readonly source: string) {}
  test(type: string): boolean {
    return type === this.source;
  }
}

/**
 * A pattern with `*` or `**`. Its glob and its answer cache are made on the
 * first test: a pattern held only by a subscription index (which matches by
 * its own trie walk) never needs them, and with tens of thousands of
 * distinct patterns they were a third of a subscription's memory.
 */
class WildcardPattern implements CompiledPattern {
  readonly exact = false;
  #glob: Glob | undefined;
  #answers: Map<string, boolean> | undefined;
  constructor(readonly source: string) {}

  test(type: string): boolean {
    const answers = (this.#answers ??= new Map());
    let hit = answers.get(type);
    if (hit === undefined) {
      hit = matchGlob((this.#glob ??= compileGlob(this.source.split('.'))), type.split('.'));
      if (answers.size >= RESULT_CACHE_LIMIT) answers.clear();
      answers.set(type, hit);
    }
    return hit;
  }
}

function compileGlob(parts: readonly string[]): Glob {
  // Split at each `**` into blocks, keeping the `*` that a `**` begins with.
  const blocks: Token[][] = [[]];
  for (const part of parts) {
    const block = blocks[blocks.length - 1]!;
    if (part === '**') {
      block.push(null);
      blocks.push([]);
    } else {
      block.push(part === '*' ? null : part);
    }
  }
  const head = blocks[0]!;
  if (blocks.length === 1) return { head, middles: [], tail: undefined, minSegments: head.length };

  const middles: MiddleBlock[] = [];
  // Wildcards carried over the gap from the end of the block before.
  let carried = 0;
  for (let b = 1; b < blocks.length - 1; b++) {
    const block = blocks[b]!;
    let start = 0;
    while (start < block.length && block[start] === null) start++;
    if (start === block.length) {
      carried += block.length;
      continue;
    }
    let end = block.length;
    while (block[end - 1] === null) end--;
    const core = block.slice(start, end);
    middles.push(core.includes(null) ? shiftAndBlock(carried + start, core) : kmpBlock(carried + start, core as string[]));
    carried = block.length - end;
  }
  const tail: Token[] = [...new Array<Token>(carried).fill(null), ...blocks[blocks.length - 1]!];
  let minSegments = head.length + tail.length;
  for (const m of middles) minSegments += m.lead + m.core.length;
  return { head, middles, tail, minSegments };
}

function matchGlob(glob: Glob, segments: readonly string[]): boolean {
  const n = segments.length;
  const { head, tail } = glob;
  work += n;
  if (tail === undefined) return n === head.length && matchesAt(head, segments, 0);
  if (n < glob.minSegments || !matchesAt(head, segments, 0)) return false;

  // nextEmpty[i]: the first empty segment at or after i (n if none). A gap
  // cannot cross one, so it bounds where the next block may start.
  let nextEmpty: Int32Array | undefined;
  if (segments.includes('')) {
    nextEmpty = new Int32Array(n + 1);
    nextEmpty[n] = n;
    for (let i = n - 1; i >= 0; i--) nextEmpty[i] = segments[i] === '' ? i : nextEmpty[i + 1]!;
  }

  let pos = head.length;
  for (const block of glob.middles) {
    const from = pos + block.lead;
    const gapEnd = nextEmpty === undefined ? n : nextEmpty[pos]!;
    const last = Math.min(gapEnd, n - block.core.length);
    if (from > last) return false;
    const start = block.find(segments, from, last);
    if (start < 0) return false;
    pos = start + block.core.length;
  }
  const tailStart = n - tail.length;
  if (tailStart < pos) return false;
  if (nextEmpty !== undefined && nextEmpty[pos]! < tailStart) return false;
  return matchesAt(tail, segments, tailStart);
}

/** Do `tokens` match `segments` from `start` on (which has room for them)? */
function matchesAt(tokens: readonly Token[], segments: readonly string[], start: number): boolean {
  for (let j = 0; j < tokens.length; j++) {
    work++;
    const token = tokens[j];
    const segment = segments[start + j]!;
    if (token === null ? segment === '' : token !== segment) return false;
  }
  return true;
}

/** A literal-only middle block, found with Knuth–Morris–Pratt over segments. */
function kmpBlock(lead: number, core: readonly string[]): MiddleBlock {
  const m = core.length;
  // failure[q]: length of the longest proper border of core[0..q].
  const failure = new Int32Array(m);
  for (let q = 1, k = 0; q < m; q++) {
    while (k > 0 && core[q] !== core[k]) k = failure[k - 1]!;
    if (core[q] === core[k]) k++;
    failure[q] = k;
  }
  return {
    lead,
    core,
    find(segments, from, last) {
      let q = 0;
      for (let i = from; i < segments.length; i++) {
        // The candidate start only moves right; past `last`, none is left.
        if (i - q > last) return -1;
        const segment = segments[i];
        work++;
        while (q > 0 && core[q] !== segment) {
          q = failure[q - 1]!;
          work++;
        }
        if (core[q] === segment && ++q === m) return i - m + 1;
      }
      return -1;
    },
  };
}

/**
 * A middle block with a `*` between literals, found with Shift-And: bit j of
 * the state says "core[0..j] matches the segments ending here".
 */
function shiftAndBlock(lead: number, core: readonly Token[]): MiddleBlock {
  const m = core.length;
  const words = Math.ceil(m / 32);
  const star = new Int32Array(words);
  const literal = new Map<string, Int32Array>();
  for (let j = 0; j < m; j++) {
    const token = core[j]!;
    let mask: Int32Array = star;
    if (token !== null) {
      mask = literal.get(token) ?? new Int32Array(words);
      literal.set(token, mask);
    }
    mask[j >>> 5]! |= 1 << (j & 31);
  }
  const top = words - 1;
  const topBit = 1 << ((m - 1) & 31);
  return {
    lead,
    core,
    find(segments, from, last) {
      const state = new Int32Array(words);
      let live = false;
      for (let i = from; i < segments.length; i++) {
        // A new candidate starts here only up to `last`; after that, finish the live ones.
        const fresh = i <= last;
        if (!fresh && !live) return -1;
        const segment = segments[i]!;
        const mask = literal.get(segment);
        const nonEmpty = segment !== '';
        live = false;
        for (let w = top; w >= 0; w--) {
          work++;
          const carry = w > 0 ? state[w - 1]! >>> 31 : fresh ? 1 : 0;
          const next = ((state[w]! << 1) | carry) & ((mask === undefined ? 0 : mask[w]!) | (nonEmpty ? star[w]! : 0));
          state[w] = next;
          if (next !== 0) live = true;
        }
        if ((state[top]! & topBit) !== 0) return i - m + 1;
      }
      return -1;
    },
  };
}
