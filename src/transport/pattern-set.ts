/**
 * A bridge option's patterns (`publish`, `subscribe`, `requests`): one
 * pattern or a list, compiled once, tested per event.
 */
import { compilePattern, type CompiledPattern } from '../pattern.js';
import type { Patterns } from './bridge-api.js';

/**
 * Compiled patterns, matched as a union.
 *
 * @throws TypeError when an entry is not a non-empty string.
 * @example
 * ```ts
 * const set = new PatternSet(['order.*', 'user.**'], 'publish');
 * set.test('order.created'); // true
 * ```
 */
export class PatternSet {
  readonly patterns: readonly CompiledPattern[];

  constructor(patterns: Patterns | undefined, what: string) {
    const list = patterns === undefined ? [] : typeof patterns === 'string' ? [patterns] : patterns;
    if (!Array.isArray(list)) throw new TypeError(`Expected '${what}' to be a pattern or an array of patterns, such as ['order.*'].`);
    this.patterns = list.map((pattern: unknown, i) => {
      if (typeof pattern !== 'string' || pattern.length === 0) {
        throw new TypeError(
          `Expected '${what}[${i}]' to be a non-empty pattern such as 'order.*', got ${typeof pattern === 'string' ? 'an empty string' : typeof pattern}.`,
        );
      }
      if (pattern.charCodeAt(0) === 36 /* $ */) {
        throw new TypeError(`'${what}' cannot carry rxbus's reserved '$' types, got '${pattern}'.`);
      }
      return compilePattern(pattern);
    });
  }

  /** No patterns at all. */
  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Does any pattern match `type`? */
  test(type: string): boolean {
    for (const pattern of this.patterns) if (pattern.test(type)) return true;
    return false;
  }
}
