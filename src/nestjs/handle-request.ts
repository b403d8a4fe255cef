/**
 * `@HandleRequest(type)`: a provider method as the `bus.handle` responder of
 * a request type, registered when the module initialises.
 */
import { addBinding, requestBinding, type HandleRequestOptions } from './bindings.js';

/**
 * Answers `bus.request(type, payload)` with the method's return value (or
 * what its promise resolves to), called as `method(payload, { signal })`;
 * what it throws rejects that request. `signal` aborts when the request
 * times out or is aborted, or the bus closes.
 *
 * A request type has one responder per bus: two decorated methods for the
 * same type make the module's init fail with `DuplicateRequestHandlerError`
 * naming both.
 *
 * @throws TypeError / RangeError at class definition for a bad type or option.
 * @example
 * ```ts fragment
 * @Injectable()
 * class Users {
 *   @HandleRequest('user.get')
 *   async get({ id }: { id: string }, { signal }: HandlerContext) {
 *     return this.repo.load(id, { signal });
 *   }
 * }
 * ```
 */
export function HandleRequest(type: string, options?: HandleRequestOptions): MethodDecorator {
  const binding = requestBinding(type, options);
  return (_target, _key, descriptor) => addBinding(descriptor.value, binding);
}
