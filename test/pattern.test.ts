import { describe, expect, it } from 'vitest';
import { compilePattern } from '../src/pattern.js';

const matches = (pattern: string, type: string): boolean => compilePattern(pattern).test(type);

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

  it('gives the same answer from the cache as from the automaton', () => {
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

  it('runs in time linear in the input for adversarial patterns (no backtracking)', () => {
    // A backtracking matcher takes exponential time on this; the automaton
    // does at most segments × pattern-length steps. No timing assertion: the
    // test finishing at all is the proof (it would hang otherwise).
    const pattern = Array.from({ length: 40 }, () => '**').join('.') + '.x';
    const type = Array.from({ length: 60 }, () => 'a').join('.') + '.y';
    expect(matches(pattern, type)).toBe(false);
    expect(matches(pattern, type.replace(/y$/, 'x'))).toBe(true);
  });
});
