import { describe, expect, it } from 'vitest';
import { asyncScheduler, queueScheduler } from 'rxjs';
import {
  assertCount,
  assertDuration,
  assertEventType,
  assertFunction,
  assertOneOf,
  assertPattern,
  assertPositiveNumber,
  assertScheduler,
  assertSignal,
  assertTimeout,
  describeArgument,
} from '../src/validate.js';

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to throw');
}

describe('describeArgument', () => {
  it('describes each kind of value briefly', () => {
    expect(describeArgument('')).toBe('an empty string');
    expect(describeArgument('order')).toBe('"order"');
    expect(describeArgument('a"b')).toBe('"a\\"b"');
    expect(describeArgument(null)).toBe('null');
    expect(describeArgument(undefined)).toBe('undefined');
    expect(describeArgument({ a: 1 })).toBe('an object');
    expect(describeArgument([1])).toBe('an array');
    expect(describeArgument(() => 1)).toBe('a function');
    expect(describeArgument(42)).toBe('number 42');
    expect(describeArgument(NaN)).toBe('number NaN');
    expect(describeArgument(true)).toBe('boolean true');
    expect(describeArgument(5n)).toBe('bigint 5');
    expect(describeArgument(Symbol('s'))).toBe('symbol Symbol(s)');
  });
});

describe('assertPattern', () => {
  it('accepts non-empty strings, wildcards included', () => {
    for (const pattern of ['order.created', 'order.*', 'page.**', '**', '__proto__', ' ']) {
      expect(() => assertPattern(pattern)).not.toThrow();
    }
  });

  it('rejects non-strings and the empty string with a TypeError naming the pattern and the value', () => {
    const cases: [unknown, string][] = [
      [42, 'number 42'],
      ['', 'an empty string'],
      [undefined, 'undefined'],
      [null, 'null'],
      [['order.*'], 'an array'],
      [/order/, 'an object'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertPattern(value));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`Expected the pattern to be a non-empty string such as 'order.created' or 'order.*', got ${described}.`);
    }
  });

  it('names the argument it was told to', () => {
    const err = thrown(() => assertPattern(1, 'ofType pattern'));
    expect(err.message).toContain('Expected the ofType pattern to be a non-empty string');
  });
});

describe('assertEventType', () => {
  it('accepts any non-empty string, including __proto__ and constructor', () => {
    for (const type of ['order.created', '__proto__', 'constructor', 'a', 'order.*']) {
      expect(() => assertEventType(type)).not.toThrow();
    }
  });

  it('rejects non-strings and the empty string with a TypeError naming the event type and the value', () => {
    const cases: [unknown, string][] = [
      [undefined, 'undefined'],
      ['', 'an empty string'],
      [7, 'number 7'],
      [Symbol('t'), 'symbol Symbol(t)'],
      [{ type: 'x' }, 'an object'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertEventType(value));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`Expected the event type to be a non-empty string such as 'order.created', got ${described}.`);
    }
  });
});

describe('assertTimeout', () => {
  it('accepts 0, positive numbers, fractions and Infinity', () => {
    for (const value of [0, -0, 1, 1.5, 30_000, Infinity]) {
      expect(() => assertTimeout(value, 'timeout')).not.toThrow();
    }
  });

  it('rejects negatives and NaN with a RangeError, non-numbers with a TypeError, naming the option and the value', () => {
    const cases: [unknown, string][] = [
      [-1, 'number -1'],
      [-Infinity, 'number -Infinity'],
      [NaN, 'number NaN'],
      ['100', '"100"'],
      [undefined, 'undefined'],
      [null, 'null'],
      [10n, 'bigint 10'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertTimeout(value, 'defaultTimeout'));
      expect(err).toBeInstanceOf(typeof value === 'number' ? RangeError : TypeError);
      expect(err.message).toBe(`Expected 'defaultTimeout' to be a number of ms ≥ 0 (0 = no timeout), got ${described}.`);
    }
  });
});

describe('assertCount', () => {
  it('accepts integers at or above the minimum', () => {
    expect(() => assertCount(1, 'concurrency', 1)).not.toThrow();
    expect(() => assertCount(8, 'concurrency', 1)).not.toThrow();
    expect(() => assertCount(0, 'capacity', 0)).not.toThrow();
    expect(() => assertCount(Number.MAX_SAFE_INTEGER, 'capacity', 0)).not.toThrow();
  });

  it('rejects values below the minimum, fractions, Infinity and NaN with a RangeError, non-numbers with a TypeError', () => {
    const cases: [unknown, number, string][] = [
      [0, 1, 'number 0'],
      [-1, 0, 'number -1'],
      [1.5, 1, 'number 1.5'],
      [Infinity, 1, 'number Infinity'],
      [NaN, 0, 'number NaN'],
      ['8', 1, '"8"'],
      [undefined, 1, 'undefined'],
      [null, 0, 'null'],
    ];
    for (const [value, min, described] of cases) {
      const err = thrown(() => assertCount(value, 'concurrency', min));
      expect(err).toBeInstanceOf(typeof value === 'number' ? RangeError : TypeError);
      expect(err.message).toBe(`Expected 'concurrency' to be an integer ≥ ${min}, got ${described}.`);
    }
  });
});

describe('assertSignal', () => {
  it('accepts AbortSignals, aborted or not', () => {
    const controller = new AbortController();
    expect(() => assertSignal(controller.signal)).not.toThrow();
    controller.abort();
    expect(() => assertSignal(controller.signal)).not.toThrow();
    expect(() => assertSignal(AbortSignal.abort('why'))).not.toThrow();
  });

  it('accepts a look-alike with aborted, addEventListener and removeEventListener', () => {
    const lookAlike = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} };
    expect(() => assertSignal(lookAlike)).not.toThrow();
  });

  it('rejects anything else with a TypeError naming the signal and the value', () => {
    const cases: [unknown, string][] = [
      [undefined, 'undefined'],
      [null, 'null'],
      [true, 'boolean true'],
      [new AbortController(), 'an object'],
      [{ aborted: 'no', addEventListener() {}, removeEventListener() {} }, 'an object'],
      [{ aborted: false, addEventListener() {} }, 'an object'],
      [() => undefined, 'a function'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertSignal(value));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`Expected 'signal' to be an AbortSignal (e.g. new AbortController().signal), got ${described}.`);
    }
  });
});

describe('assertPositiveNumber', () => {
  it('accepts finite numbers above 0', () => {
    for (const value of [1, 0.001, 10, Number.MAX_VALUE]) expect(() => assertPositiveNumber(value, 'rate')).not.toThrow();
  });

  it('rejects 0, negatives and non-finite numbers with a RangeError, non-numbers with a TypeError, naming the option and the value', () => {
    const cases: [unknown, string][] = [
      [0, 'number 0'],
      [-1, 'number -1'],
      [Infinity, 'number Infinity'],
      [NaN, 'number NaN'],
      ['10', '"10"'],
      [undefined, 'undefined'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertPositiveNumber(value, 'rate'));
      expect(err).toBeInstanceOf(typeof value === 'number' ? RangeError : TypeError);
      expect(err.message).toBe(`Expected 'rate' to be a finite number > 0, got ${described}.`);
    }
  });
});

describe('assertDuration', () => {
  it('accepts finite numbers ≥ 0', () => {
    for (const value of [0, 1, 1.5, 30_000]) expect(() => assertDuration(value, 'ms')).not.toThrow();
  });

  it('with a minimum, accepts it and above and rejects below with a RangeError naming the minimum', () => {
    expect(() => assertDuration(100, 'jetstream.ackWait', 100)).not.toThrow();
    expect(() => assertDuration(99, 'jetstream.ackWait', 100)).toThrow(
      new RangeError("Expected 'jetstream.ackWait' to be at least 100 ms, got 99."),
    );
    expect(() => assertDuration(-1, 'jetstream.ackWait', 100)).toThrow(/finite number of ms ≥ 0, got number -1/);
  });

  it('rejects Infinity, negatives and NaN with a RangeError, non-numbers with a TypeError, naming the option and the value', () => {
    const cases: [unknown, string][] = [
      [Infinity, 'number Infinity'],
      [-1, 'number -1'],
      [NaN, 'number NaN'],
      [null, 'null'],
      ['5', '"5"'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertDuration(value, 'ms'));
      expect(err).toBeInstanceOf(typeof value === 'number' ? RangeError : TypeError);
      expect(err.message).toBe(`Expected 'ms' to be a finite number of ms ≥ 0, got ${described}.`);
    }
  });
});

describe('assertFunction', () => {
  it('accepts functions, including classes and async functions', () => {
    expect(() => assertFunction(() => 1, 'project')).not.toThrow();
    expect(() => assertFunction(async () => 1, 'project')).not.toThrow();
    expect(() => assertFunction(class {}, 'project')).not.toThrow();
  });

  it('rejects anything else with a TypeError naming the option and the value', () => {
    const cases: [unknown, string][] = [
      [undefined, 'undefined'],
      [{}, 'an object'],
      ['fn', '"fn"'],
      [1, 'number 1'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertFunction(value, 'onError'));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`Expected 'onError' to be a function, got ${described}.`);
    }
  });
});

describe('assertOneOf', () => {
  const policies = ['error', 'drop-newest', 'drop-oldest'] as const;

  it('accepts each allowed string', () => {
    for (const value of policies) expect(() => assertOneOf(value, 'overflow', policies)).not.toThrow();
  });

  it('rejects other values with a TypeError listing the allowed ones and naming the value', () => {
    const cases: [unknown, string][] = [
      ['drop', '"drop"'],
      ['Error', '"Error"'],
      ['', 'an empty string'],
      [undefined, 'undefined'],
      [['error'], 'an array'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertOneOf(value, 'overflow', policies));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`Expected 'overflow' to be one of 'error', 'drop-newest', 'drop-oldest', got ${described}.`);
    }
  });
});

describe('assertScheduler', () => {
  it('accepts RxJS schedulers and look-alikes with now() and schedule()', () => {
    expect(() => assertScheduler(asyncScheduler)).not.toThrow();
    expect(() => assertScheduler(queueScheduler)).not.toThrow();
    expect(() => assertScheduler({ now: () => 0, schedule: () => undefined })).not.toThrow();
  });

  it('rejects anything else with a TypeError naming the option and the value', () => {
    const cases: [unknown, string][] = [
      [undefined, 'undefined'],
      [null, 'null'],
      [{ now: () => 0 }, 'an object'],
      [{ schedule: () => undefined }, 'an object'],
      ['async', '"async"'],
    ];
    for (const [value, described] of cases) {
      const err = thrown(() => assertScheduler(value));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`Expected 'scheduler' to be an RxJS scheduler (e.g. asyncScheduler), got ${described}.`);
    }
    expect(thrown(() => assertScheduler(1, 'options.scheduler')).message).toContain("Expected 'options.scheduler'");
  });
});
