// Objects that throw whenever they are read: the hostile inputs error
// messages and renderings must survive (render-value, errors tests).

/** A function that throws `Error(what)` when called (a trap, a getter). */
export const fail = (what: string) => (): never => {
  throw new Error(what);
};

/** A Proxy whose every trap throws (`Error('get trap')`, ...). */
export const trapped = (target: object = {}): object =>
  new Proxy(target, {
    get: fail('get trap'),
    has: fail('has trap'),
    ownKeys: fail('ownKeys trap'),
    getOwnPropertyDescriptor: fail('getOwnPropertyDescriptor trap'),
    getPrototypeOf: fail('getPrototypeOf trap'),
  });

/** A revoked Proxy: any operation on it throws a TypeError. */
export const revoked = (target: object = {}): object => {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
};
