/**
 * Injection tokens of the buses an app registers with `RxBusModule`. Tokens
 * are strings (not symbols or classes) so a missing bus shows up in Nest's
 * "can't resolve dependencies" message by a readable name.
 */
import { assertPattern } from '../validate.js';

const DEFAULT_BUS_TOKEN = 'rxbus:bus';

/**
 * The injection token of a bus: the default one (no name), or the one a
 * `RxBusModule.forRoot({ name })` registered. Use it with `@Inject(...)`,
 * `moduleRef.get(...)` or `Test.createTestingModule().overrideProvider(...)`.
 *
 * @throws TypeError when `name` is given and is not a non-empty string.
 * @example
 * ```ts fragment
 * const bus = app.get<Bus<AppEvents>>(getBusToken());
 * const audit = app.get<Bus<AuditEvents>>(getBusToken('audit'));
 * ```
 */
export function getBusToken(name?: string): string {
  if (name === undefined) return DEFAULT_BUS_TOKEN;
  assertPattern(name, 'bus name');
  return `${DEFAULT_BUS_TOKEN}:${name}`;
}
