import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, patternWork } from '../src/pattern.js';

const matches = (pattern: string, type: string): boolean => compilePattern(pattern).test(type);

/**
 * The oracle: the matcher rxbus used before matching was made linear, a
 * simulation of the pattern as an automaton over the type's segments (a set
 * of live pattern positions). Obviously right, and O(segments × pattern
 * length). `steps` counts its inner loop, to compare work.
 */
function automaton(pattern: string, type: string, meter = { steps: 0 }): boolean {
  const segments = pattern.split('.').map((part) => (part === '*' ? 0 : part === '**' ? 1 : part));
  if (segments.every((s) => typeof s === 'string')) return type === pattern;
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
      meter.steps++;
      if (live[i] === 0) continue;
      const p = segments[i];
      if (typeof p === 'string' ? p === seg : seg.length > 0) {
        next[i + 1] = 1;
        any = true;
        if (p === 1) next[i] = 1;
      }
    }
    if (!any) return false;
    [live, next] = [next, live];
    if (dot === -1) break;
    start = dot + 1;
  }
  return live[m] === 1;
}

/** Steps the linear matcher takes for one (uncached) answer. */
function work(pattern: string, type: string): { hit: boolean; steps: number } {
  const compiled = compilePattern(pattern);
  const before = patternWork();
  const hit = compiled.test(type);
  return { hit, steps: patternWork() - before };
}

const joined = (parts: readonly string[]): string => parts.join('.');

describe('compilePattern', () => {
  it('matches an exact type only by equality', () => {
    expect(matches('order.created', 'order.created')).toBe(true);
    expect(matches('order.created', 'order.created.v2')).toBe(false);
    expect(matches('order', 'order.created')).toBe(false);
    expect(compilePattern('order.created').exact).toBe(true);
  });

  it("matches exactly one non-empty segment with '*'", () => {
    expect(matches('order.*', 'order.created')).toBe(true);
    expect(matches('order.*', 'order.created.v2')).toBe(false);
    expect(matches('*.created', 'order.created')).toBe(true);
    expect(matches('*', 'order')).toBe(true);
    expect(matches('*', 'order.created')).toBe(false);
    expect(compilePattern('order.*').exact).toBe(false);
  });

  it("matches one or more non-empty segments with '**'", () => {
    expect(matches('page.**', 'page.response')).toBe(true);
    expect(matches('page.**', 'page.response.body.chunk')).toBe(true);
    expect(matches('page.**', 'page')).toBe(false);
    expect(matches('**', 'a')).toBe(true);
    expect(matches('**', 'a.b.c')).toBe(true);
    expect(matches('a.**.z', 'a.b.c.z')).toBe(true);
    expect(matches('a.**.z', 'a.z')).toBe(false);
    expect(matches('**.z', 'a.b.z')).toBe(true);
    expect(matches('a.**.*.z', 'a.b.c.z')).toBe(true);
    expect(matches('a.**.*.z', 'a.b.z')).toBe(false);
  });

  it('handles empty segments in types as segments no wildcard matches', () => {
    // 'order' has no second segment; 'order.' has an empty one; '.order' an empty first one.
    expect(matches('order.*', 'order')).toBe(false);
    expect(matches('order.*', 'order.')).toBe(false);
    expect(matches('*.order', '.order')).toBe(false);
    expect(matches('**', '.order')).toBe(false);
    expect(matches('order.*.x', 'order..x')).toBe(false);
    expect(matches('order.**', 'order..x')).toBe(false);
    expect(matches('order.**', 'order.')).toBe(false);
  });

  it('treats patterns with empty segments but no wildcard as exact types', () => {
    expect(matches('order.', 'order.')).toBe(true);
    expect(matches('order.', 'order')).toBe(false);
    expect(matches('.order', '.order')).toBe(true);
    expect(matches('order..x', 'order..x')).toBe(true);
    expect(matches('order..x', 'order.y.x')).toBe(false);
  });

  it("treats '*' inside a segment as an ordinary character", () => {
    expect(matches('order*', 'order*')).toBe(true);
    expect(matches('order*', 'orders')).toBe(false);
    expect(matches('a.b**', 'a.bcd')).toBe(false);
  });

  it('treats __proto__ and constructor as ordinary segments', () => {
    expect(matches('__proto__', '__proto__')).toBe(true);
    expect(matches('*.constructor', 'x.constructor')).toBe(true);
    expect(matches('constructor', 'toString')).toBe(false);
  });

  it('returns the same compiled object for the same text', () => {
    expect(compilePattern('x.*.y')).toBe(compilePattern('x.*.y'));
  });

  it('gives the same answer from the cache as from matching', () => {
    const p = compilePattern('a.**.b');
    for (let i = 0; i < 3; i++) {
      expect(p.test('a.x.b')).toBe(true);
      expect(p.test('a.b')).toBe(false);
    }
  });

  it('rejects a non-string or empty pattern with a TypeError', () => {
    expect(() => compilePattern('' as string)).toThrow(TypeError);
    expect(() => compilePattern(42 as unknown as string)).toThrow(/non-empty string.*got number 42/);
  });

  it('answers adversarial patterns without backtracking', () => {
    // A backtracking matcher takes exponential time on this. No timing
    // assertion: the test finishing at all is the proof (it would hang
    // otherwise); 'compilePattern work' below counts the steps.
    const pattern = Array.from({ length: 40 }, () => '**').join('.') + '.x';
    const type = Array.from({ length: 60 }, () => 'a').join('.') + '.y';
    expect(matches(pattern, type)).toBe(false);
    expect(matches(pattern, type.replace(/y$/, 'x'))).toBe(true);
  });
});

describe('compilePattern against the automaton it replaced', () => {
  it('agrees on random short patterns and types, empty segments included', () => {
    const pattern = fc
      .array(fc.constantFrom('a', 'b', '', '*', '**'), { minLength: 1, maxLength: 8 })
      .map(joined)
      .filter((p) => p !== '');
    const type = fc.array(fc.constantFrom('a', 'b', ''), { minLength: 1, maxLength: 10 }).map(joined);
    fc.assert(
      fc.property(pattern, type, (p, t) => {
        expect(compilePattern(p).test(t)).toBe(automaton(p, t));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on long patterns whose middle blocks span several 32-segment words', () => {
    const pattern = fc
      .array(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom('a', 'b') },
          { weight: 2, arbitrary: fc.constant('*') },
          { weight: 1, arbitrary: fc.constantFrom('**', '') },
        ),
        {
          minLength: 1,
          maxLength: 90,
        },
      )
      .map(joined)
      .filter((p) => p !== '');
    const type = fc
      .array(fc.oneof({ weight: 12, arbitrary: fc.constantFrom('a', 'b') }, { weight: 1, arbitrary: fc.constant('') }), {
        minLength: 1,
        maxLength: 160,
      })
      .map(joined);
    fc.assert(
      fc.property(pattern, type, (p, t) => {
        expect(compilePattern(p).test(t)).toBe(automaton(p, t));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees when the type is built to contain the pattern', () => {
    // Random types rarely match long patterns; instantiate the pattern instead, then perturb one segment.
    const token = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('a', 'b') },
      { weight: 2, arbitrary: fc.constant('*') },
      { weight: 2, arbitrary: fc.constant('**') },
      { weight: 1, arbitrary: fc.constant('') },
    );
    const case_ = fc
      .array(token, { minLength: 1, maxLength: 60 })
      .filter((parts) => joined(parts) !== '')
      .chain((parts) =>
        fc.tuple(
          fc.constant(parts),
          fc.array(fc.array(fc.constantFrom('a', 'b'), { minLength: 1, maxLength: 4 }), {
            minLength: parts.length,
            maxLength: parts.length,
          }),
          fc.nat(),
          fc.constantFrom('a', 'b', 'c', ''),
        ),
      );
    fc.assert(
      fc.property(case_, ([parts, fills, at, swap]) => {
        const segments: string[] = parts.flatMap((part, i): string[] =>
          part === '*' ? [fills[i]![0]!] : part === '**' ? fills[i]! : [part],
        );
        const p = joined(parts);
        const t = joined(segments);
        expect(compilePattern(p).test(t)).toBe(true);
        expect(automaton(p, t)).toBe(true);
        segments[at % segments.length] = swap;
        const perturbed = joined(segments);
        expect(compilePattern(p).test(perturbed)).toBe(automaton(p, perturbed));
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on middle blocks longer than 32 segments with inner wildcards, placed in the type', () => {
    const letter = fc.constantFrom('a', 'b');
    const case_ = fc.record({
      block: fc.array(fc.oneof(letter, fc.constant('*')), { minLength: 31, maxLength: 100 }),
      first: letter,
      last: letter,
      fill: fc.array(letter, { minLength: 102, maxLength: 102 }),
      before: fc.array(letter, { minLength: 1, maxLength: 40 }),
      after: fc.array(letter, { minLength: 1, maxLength: 40 }),
      flips: fc.array(fc.nat(), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(case_, ({ block, first, last, fill, before, after, flips }) => {
        const parts = [first, ...block, last];
        const p = joined(['**', ...parts, '**']);
        const placed = parts.map((part, i) => (part === '*' ? fill[i]! : part));
        for (const at of flips) placed[at % placed.length] = placed[at % placed.length] === 'a' ? 'b' : 'a';
        const t = joined([...before, ...placed, ...after]);
        expect(compilePattern(p).test(t)).toBe(automaton(p, t));
        if (flips.length === 0) expect(compilePattern(p).test(t)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('compilePattern work', () => {
  // '*.a.a.….a.c' against 'a.a.….a.': the automaton keeps every pattern position in its loop for every segment.
  const worstPattern = (n: number): string => '*.' + 'a.'.repeat(n - 1) + 'c';
  const worstType = (n: number): string => 'a.'.repeat(n);

  it('answers the 20 000-segment worst case of the automaton in steps linear in the input', () => {
    const n = 20_000;
    const { hit, steps } = work(worstPattern(n), worstType(n));
    expect(hit).toBe(false);
    // Type and pattern have n + 1 segments each.
    expect(steps).toBeLessThanOrEqual(2 * (2 * (n + 1)));

    const small = 2_000;
    const meter = { steps: 0 };
    expect(automaton(worstPattern(small), worstType(small), meter)).toBe(false);
    expect(meter.steps).toBeGreaterThan((small + 1) * (small + 1) - 1);
    expect(work(worstPattern(small), worstType(small)).steps * 500).toBeLessThan(meter.steps);
  });

  it.each([
    [
      "a literal middle block ('**.a.….a.c.**')",
      (n: number) => '**.' + 'a.'.repeat(n - 1) + 'c.**',
      (n: number) => 'a.'.repeat(2 * n) + 'b',
    ],
    [
      "a middle block with an empty segment ('**.a.….a..c.**')",
      (n: number) => '**.' + 'a.'.repeat(n - 1) + '.c.**',
      (n: number) => 'a.'.repeat(2 * n) + 'b',
    ],
    [
      "'**' between every segment",
      (n: number) => Array.from({ length: n }, () => 'a').join('.**.') + '.c',
      (n: number) => 'a.'.repeat(2 * n) + 'b',
    ],
    [
      'many wildcards then a miss',
      (n: number) => Array.from({ length: n }, () => '**').join('.') + '.x',
      (n: number) => 'a.'.repeat(2 * n) + 'y',
    ],
  ])('grows linearly with the input for %s', (_name, pattern, type) => {
    const small = work(pattern(1_000), type(1_000));
    const large = work(pattern(10_000), type(10_000));
    expect(large.hit).toBe(automaton(pattern(300), type(300)));
    // Linear: ten times the input, about ten times the work (quadratic would be a hundred).
    expect(large.steps).toBeLessThanOrEqual(11 * small.steps);
    expect(large.steps).toBeLessThanOrEqual(6 * (3 * 10_000));
  });

  it('bounds a middle block with inner wildcards by the type length times its 32-segment words', () => {
    // 'a.*' repeated: a 2 000-segment block with a '*' between literals, against 20 000 'a's and a final miss.
    const k = 1_000;
    const pattern = '**.' + 'a.*.'.repeat(k) + 'c.**';
    const type = 'a.'.repeat(20_000) + 'b';
    const { hit, steps } = work(pattern, type);
    expect(hit).toBe(false);
    const words = Math.ceil((2 * k + 1) / 32);
    expect(steps).toBeLessThanOrEqual(2 * 20_001 * words);
  });
});
