import { filter, type OperatorFunction } from 'rxjs';
import type { BusEvent, PatternMatches } from '../src/event-map.js';
import { compilePattern } from '../src/pattern.js';

/** The members of an envelope union whose type matches one of the patterns. */
export type OfType<V extends BusEvent, P extends string> =
  V extends BusEvent<infer K> ? (true extends PatternMatches<P, K> ? V : never) : never;

/**
 * Lets through the bus envelopes whose `type` matches one of the patterns (an
 * exact type, or `*` / `**` dot-segment wildcards), and narrows the envelope
 * union to those types.
 *
 * ```
 * source:  -a-b-c-|      a.type = 'order.created', b.type = 'user.login', c.type = 'order.paid'
 * ofType('order.*')
 * result:  -a---c-|
 * ```
 *
 * @example
 * ```ts
 * bus.events$().pipe(ofType('order.created', 'order.paid')).subscribe((e) => audit(e.type, e.payload));
 * ```
 */
export function ofType<V extends BusEvent, P extends string>(...patterns: [P, ...P[]]): OperatorFunction<V, OfType<V, P>> {
  if (patterns.length === 0) throw new TypeError("ofType() needs at least one pattern, e.g. ofType('order.*').");
  const compiled = patterns.map((p) => compilePattern(p));
  const [only] = compiled;
  const test = compiled.length === 1 ? (type: string) => only!.test(type) : (type: string) => compiled.some((p) => p.test(type));
  return filter((event: V): event is OfType<V, P> => test(event.type));
}
