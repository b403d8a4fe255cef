/** The one thenable check: read `then` once, call what was read. */
import { describe, expect, it } from 'vitest';
import { adopt, thenOf } from '../src/thenable.js';

describe('thenOf', () => {
  it('returns the then method of promises, objects and functions with one, and undefined otherwise', () => {
    expect(thenOf(Promise.resolve(1))).toBe(Promise.prototype.then);
    const fnThenable = Object.assign(() => undefined, { then: () => undefined });
    expect(thenOf(fnThenable)).toBe(fnThenable.then);
    for (const value of [null, undefined, 1, 'x', {}, { then: 1 }, () => undefined]) expect(thenOf(value)).toBeUndefined();
  });

  it('reads then once, and throws what its getter throws', () => {
    let reads = 0;
    const counted = {
      get then() {
        reads++;
        return reads === 1 ? (resolve: (v: unknown) => void) => resolve('first') : undefined;
      },
    };
    const then = thenOf(counted)!;
    expect(reads).toBe(1);
    return expect(adopt(counted, then)).resolves.toBe('first');
  });

  it('throws for a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => thenOf(proxy)).toThrow(TypeError);
  });
});

describe('adopt', () => {
  it('settles once for a thenable that calls back twice or throws after calling back', async () => {
    const twice = { then: (ok: (v: unknown) => void, fail: (e: unknown) => void) => (ok(1), ok(2), fail(3)) };
    await expect(adopt(twice, twice.then as never)).resolves.toBe(1);
    const throwsAfter = {
      then: (ok: (v: unknown) => void) => {
        ok('done');
        throw new Error('ignored');
      },
    };
    await expect(adopt(throwsAfter, throwsAfter.then as never)).resolves.toBe('done');
  });
});
