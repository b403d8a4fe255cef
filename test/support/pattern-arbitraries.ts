/**
 * fast-check generators of event types and type patterns for the tests of
 * the pattern indexes: few segment names, so patterns and types collide
 * often, plus the segments that break naive code (empty, `__proto__`,
 * `constructor`).
 */
import fc from 'fast-check';

const segment = fc.constantFrom('a', 'b', 'c', '', '__proto__', 'constructor');

/** A type pattern of 1 to `maxSegments` segments, each a name, `*` or `**`. */
export function patternArbitrary(maxSegments = 5): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(segment, fc.constant('*'), fc.constant('**')), { minLength: 1, maxLength: maxSegments })
    .map((s) => s.join('.'))
    .filter((p) => p.length > 0);
}

/** An event type of 1 to `maxSegments` segments. */
export function typeArbitrary(maxSegments = 6): fc.Arbitrary<string> {
  return fc
    .array(segment, { minLength: 1, maxLength: maxSegments })
    .map((s) => s.join('.'))
    .filter((t) => t.length > 0);
}
