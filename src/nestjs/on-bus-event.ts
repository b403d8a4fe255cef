/**
 * `@OnBusEvent(pattern, options)`: a provider method as a `bus.on` handler,
 * registered when the module initialises.
 */
import { addBinding, eventBinding, type OnBusEventOptions } from './bindings.js';

/**
 * Runs the method for every event matching `pattern` (an exact type, or
 * `*` / `**` wildcards), as `method(payload, event, { signal })`, on the
 * bus's bounded pool: the bus's `concurrency`, `capacity` and `overflow`
 * apply, plus this handler's own `concurrency` and `key`. A throw or
 * rejection becomes a `HandlerError` (logged through Nest's `Logger` unless
 * the module's `onError` says otherwise); other handlers go on.
 *
 * Handlers are registered in `RxBusModule`'s `onModuleInit`, before any
 * importing module's `onModuleInit`, before `onApplicationBootstrap` and
 * before the app listens. Methods of request-scoped or transient providers
 * get a fresh instance per event (see docs/nestjs.md). Several decorators
 * on one method register it once per pattern.
 *
 * @throws TypeError / RangeError at class definition for a bad pattern or option.
 * @example
 * ```ts fragment
 * @Injectable()
 * class Mailer {
 *   @OnBusEvent('order.created', { concurrency: 4, key: (order: Order) => order.customerId })
 *   async sendReceipt(order: Order, event: BusEvent<Order>, { signal }: HandlerContext) {
 *     await this.smtp.send(receiptFor(order), { signal });
 *   }
 * }
 * ```
 */
export function OnBusEvent<P = never>(pattern: string, options?: OnBusEventOptions<P>): MethodDecorator {
  const binding = eventBinding(pattern, options as OnBusEventOptions<unknown> | undefined);
  return (_target, _key, descriptor) => addBinding(descriptor.value, binding);
}
