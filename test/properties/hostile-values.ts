/**
 * Values that fight back (CONTRACT: Re-entrancy and robustness): failures
 * that cannot be turned into a string, and payloads whose field throws when
 * read. The bus must turn the first into `HandlerError`s and confine the
 * second to the waiters that read the field.
 */
import type { FailureKind } from './operations.js';

/** What reading a hostile payload's `v` throws. */
export class GetterError extends Error {
  override name = 'GetterError';
}

/** The getter error of each hostile payload (the oracle must not read `v` to learn it). */
const getterErrors = new WeakMap<object, GetterError>();

/** A payload `{ n, k, v }` whose `v` getter throws a {@link GetterError}. */
export function hostilePayload(n: number, k: number): Record<string, unknown> {
  const error = new GetterError(`payload #${n}: v`);
  const payload: Record<string, unknown> = { n, k };
  Object.defineProperty(payload, 'v', {
    enumerable: true,
    get() {
      throw error;
    },
  });
  getterErrors.set(payload, error);
  return payload;
}

/** What reading `v` of `payload` throws, if it is hostile. */
export function getterErrorOf(payload: object): GetterError | undefined {
  return getterErrors.get(payload);
}

/** A value to throw or reject with; `hostile` when it cannot be rendered as a string. */
export function failureValue(kind: FailureKind, label: string): { value: unknown; hostile: boolean } {
  switch (kind) {
    case 'error':
      return { value: new Error(`${label} failed`), hostile: false };
    case 'string':
      return { value: `${label} failed`, hostile: false };
    case 'null':
      return { value: null, hostile: true };
    case 'null-prototype':
      return { value: Object.create(null) as object, hostile: true };
    case 'revoked-proxy': {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return { value: proxy, hostile: true };
    }
    case 'throwing-message': {
      const error = new Error('x');
      Object.defineProperty(error, 'message', {
        get() {
          throw new Error('message getter');
        },
      });
      Object.defineProperty(error, 'toString', {
        value() {
          throw new Error('toString');
        },
      });
      return { value: error, hostile: true };
    }
  }
}
