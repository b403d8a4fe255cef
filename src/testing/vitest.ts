/**
 * `rxbus/testing/vitest`: importing this module registers the bus matchers
 * with vitest's `expect` and types them, so they autocomplete:
 *
 * ```ts
 * import 'rxbus/testing/vitest'; // once, e.g. in a vitest setupFiles entry
 * expect(bus).toHavePublished('page.request', { url: '/users' });
 * ```
 *
 * A thin adapter: the matchers themselves are `busMatchers` from
 * `rxbus/testing`, which never loads vitest.
 *
 * @module rxbus/testing/vitest
 */
import { expect } from 'vitest';
import { busMatchers, type BusMatchers } from './matchers.js';

expect.extend(busMatchers);

declare module 'vitest' {
  // Vitest's documented way to type custom matchers: one interface serves
  // both `expect(x).…` (with T = the received type) and `expect.…`.
  interface Matchers<T> extends BusMatchers<void, T> {}
}

export { busMatchers, type BusMatchers };
