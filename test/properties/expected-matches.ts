/**
 * What the contract says matches, computed without the bus: type patterns
 * (`*` one segment, `**` one or more) and what each generated matcher does
 * with a payload. The oracle must not trust the code it checks, so these are
 * written out here, naively.
 */
import { getterErrorOf } from './hostile-values.js';
import type { MatcherSpec } from './operations.js';

/** A matcher's verdict on a payload: `either` = it may throw or not match (depends on which field it reads first). */
export type MatchResult = 'match' | 'nomatch' | { readonly throws: unknown } | { readonly either: unknown } | 'type-error';

/** Does `pattern` match `type`? */
export function patternMatches(pattern: string, type: string): boolean {
  const p = pattern.split('.');
  const t = type.split('.');
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === t.length;
    if (p[i] === '**') {
      for (let k = j + 1; k <= t.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    if (j === t.length) return false;
    return (p[i] === '*' || p[i] === t[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

/** Handlers receive `$`-types only with a pattern that starts with `$` (CONTRACT: reserved types). */
export function handlerMatches(pattern: string, type: string): boolean {
  if (type.startsWith('$') && !pattern.startsWith('$')) return false;
  return patternMatches(pattern, type);
}

/** What the matcher generated from `spec` does with `payload` (`matcherError`: what a throwing one throws). */
export function expectedMatch(spec: MatcherSpec, matcherError: Error, payload: unknown): MatchResult {
  const { kind, k, v } = spec;
  if (typeof payload !== 'object' || payload === null) return kind === 'any' ? 'match' : kind === 'thenable' ? 'type-error' : 'nomatch';
  const fields = payload as { k?: unknown; v?: unknown };
  const getterError = getterErrorOf(payload);
  const readV = (): unknown => {
    if (getterError !== undefined) throw getterError;
    return fields.v;
  };
  try {
    switch (kind) {
      case 'any':
        return 'match';
      case 'pin-v':
        return Object.is(readV(), v) ? 'match' : 'nomatch';
      case 'pin-kv':
        if (getterError !== undefined) return fields.k === k ? { throws: getterError } : { either: getterError };
        return fields.k === k && Object.is(readV(), v) ? 'match' : 'nomatch';
      case 'predicate':
        return readV() === v ? 'match' : 'nomatch';
      case 'field-predicate':
        return (readV() as number) >= v ? 'match' : 'nomatch';
      case 'throws':
        if (readV() === v) return { throws: matcherError };
        return fields.k === 0 ? 'match' : 'nomatch';
      case 'thenable':
        return 'type-error';
    }
  } catch (error) {
    return { throws: error };
  }
}

export function describeResult(result: MatchResult): string {
  if (typeof result === 'string') return result;
  return 'throws' in result ? `throws ${describeError(result.throws)}` : `may throw ${describeError(result.either)}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
