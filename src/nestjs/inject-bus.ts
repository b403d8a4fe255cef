/**
 * `@InjectBus()`: constructor injection of a bus by its explicit token, so it
 * works whatever the app's compiler (no `design:paramtypes` needed).
 */
import { Inject } from '@nestjs/common';
import { getBusToken } from './tokens.js';

/**
 * Injects the default bus, or the bus registered with `forRoot({ name })`.
 * The parameter's type is yours to state (`Bus<AppEvents>`): the token
 * carries no event map.
 *
 * @example
 * ```ts fragment
 * @Injectable()
 * class Orders {
 *   constructor(@InjectBus() private readonly bus: Bus<AppEvents>, @InjectBus('audit') private readonly audit: Bus<AuditEvents>) {}
 * }
 * ```
 */
export function InjectBus(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getBusToken(name));
}
