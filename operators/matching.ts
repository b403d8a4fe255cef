import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import { compileMatcher, type Matcher } from '../src/matcher.js';

/**
 * Lets through the values that match `matcher`: a predicate `(value, index)`,
 * a deep-partial object whose leaves are values (`Object.is`), `RegExp`s or
 * predicates, or a string / `RegExp` for string values. The matcher is
 * compiled once. A predicate that throws errors the stream, like `filter`.
 * The value type comes from the source, never from the matcher (`NoInfer`):
 * `{ status: 200 }` is checked against the source's values rather than
 * narrowing the stream to `{ status: number }`.
 *
 * ```
 * source:  -a-b-c-|      a = { status: 500 }, b = { status: 200 }, c = { status: 200 }
 * matching({ status: 200 })
 * result:  ---b-c-|
 * ```
 *
 * @example
 * ```ts
 * responses$.pipe(matching({ url: /\/api\/users/, status: 200 })).subscribe(render);
 * bus.events$('page.response').pipe(matching({ payload: { status: 500 } })).subscribe(alert);
 * ```
 */
export function matching<T>(matcher: NoInfer<Matcher<T, number>>): MonoTypeOperatorFunction<T> {
  const compiled = compileMatcher(matcher);
  return filter((value, index) => compiled.test(value, index));
}
