import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../src/matcher.js';

// Compiled matchers share their lists of property names (see matcher.ts);
// these check that sharing never mixes up two different lists.
describe('compileMatcher: shared name lists', () => {
  it('keeps a name containing NUL apart from the two names it would join', () => {
    const joined = compileMatcher<Record<string, number>>({ 'a\u0000b': 1 });
    const split = compileMatcher<Record<string, number>>({ a: 1, b: 2 });
    expect(joined.test({ 'a\u0000b': 1 }, undefined)).toBe(true);
    expect(joined.test({ a: 1, b: 2 }, undefined)).toBe(false);
    expect(split.test({ a: 1, b: 2 }, undefined)).toBe(true);
    expect(split.test({ 'a\u0000b': 1 }, undefined)).toBe(false);
  });

  it('gives matchers of one shape the same (frozen) pinned path, and other shapes their own', () => {
    const first = compileMatcher({ req: { url: '/a' } });
    const second = compileMatcher({ req: { url: '/b' } });
    const other = compileMatcher({ 'req\u0000url': '/a' });
    expect(first.pinned?.path).toEqual(['req', 'url']);
    expect(second.pinned?.path).toBe(first.pinned?.path);
    expect(Object.isFrozen(first.pinned?.path)).toBe(true);
    expect(other.pinned?.path).toEqual(['req\u0000url']);
  });

  it('matches a one-field matcher like the general object matcher', () => {
    const m = compileMatcher<unknown>({ id: 7 });
    expect(m.test({ id: 7, extra: true }, undefined)).toBe(true);
    expect(m.test({ id: '7' }, undefined)).toBe(false);
    expect(m.test({}, undefined)).toBe(false);
    expect(m.test(null, undefined)).toBe(false);
    expect(m.test(7, undefined)).toBe(false);
    expect(compileMatcher<unknown>({ n: NaN }).test({ n: NaN }, undefined)).toBe(true);
    expect(compileMatcher<unknown>({ n: 0 }).test({ n: -0 }, undefined)).toBe(false);
    // Fields are read as matchers read them: an inherited Object.prototype member is not one.
    expect(compileMatcher<unknown>({ constructor: undefined }).test({ constructor: 1 }, undefined)).toBe(false);
    expect(compileMatcher<unknown>({ constructor: 1 }).test(Object.create({ constructor: 1 }), undefined)).toBe(false);
    expect(m.pinned).toEqual({ path: ['id'], pathKey: 'id', value: 7 });
  });
});
