/**
 * Errors that only the NestJS entry raises; every other failure is one of the
 * core's classes (`HandlerError`, `CloseTimeoutError`, ...).
 */
import { RxBusError } from '../errors.js';

/**
 * Two provider methods carry `@HandleRequest` for the same request type on the
 * same bus. A request type has exactly one responder, so the module refuses to
 * start rather than pick one; the message names both methods.
 *
 * @example
 * ```ts fragment
 * await app.init().catch((err) => {
 *   if (err instanceof DuplicateRequestHandlerError) console.error(err.type, err.handlers);
 * });
 * ```
 */
export class DuplicateRequestHandlerError extends RxBusError {
  override name = 'DuplicateRequestHandlerError';
  /** The request type. */
  readonly type: string;
  /** The two methods, as `Class.method`: the first one found, then the second. */
  readonly handlers: readonly [string, string];
  constructor(details: { type: string; handlers: readonly [string, string] }) {
    const [first, second] = details.handlers;
    super(
      `@HandleRequest('${details.type}') is on both ${first} and ${second}: a request type has exactly one responder. ` +
        `Remove one of the decorators, or register the second on another bus with { bus: 'name' }.`,
    );
    this.type = details.type;
    this.handlers = details.handlers;
  }
}
