/**
 * Type checks that hold for values from any realm (a `vm` context, an
 * iframe), where `instanceof RegExp` and friends answer false.
 */

/**
 * RegExp's own `source` getter is the brand check: it reads an internal slot
 * that only real RegExps (of any realm, subclasses included) have, and throws
 * for anything else. `Object.prototype.toString` would say '[object RegExp]'
 * for any object with `Symbol.toStringTag: 'RegExp'`. Looked up on first use,
 * so importing this module runs nothing.
 */
let regExpSource: ((this: unknown) => string) | undefined;

/**
 * True for real RegExps of any realm (subclasses included), false for
 * look-alikes that only claim `Symbol.toStringTag: 'RegExp'`.
 *
 * @example
 * ```ts
 * isRegExp(vm.runInNewContext('/api/')); // true
 * ```
 */
export function isRegExp(value: object): value is RegExp {
  // Cheap first: only what claims to be a RegExp gets the brand check below,
  // whose throw (for a look-alike) costs microseconds. (Both claims can
  // throw for a revoked Proxy.)
  let claims: boolean;
  try {
    claims = value instanceof RegExp || Object.prototype.toString.call(value) === '[object RegExp]';
  } catch {
    return false;
  }
  // The getter answers '(?:)' for RegExp.prototype itself, which has no slot.
  if (!claims || value === RegExp.prototype) return false;
  regExpSource ??= Object.getOwnPropertyDescriptor(RegExp.prototype, 'source')!.get! as (this: unknown) => string;
  try {
    regExpSource.call(value);
    return true;
  } catch {
    return false;
  }
}
