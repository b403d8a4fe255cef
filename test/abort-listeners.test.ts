import { afterEach, describe, expect, it, vi } from 'vitest';
import { addAbortTarget, checkAborted, removeAbortTarget, type AbortTarget } from '../src/abort-listeners.js';
import { abortListenerCount } from './support/abort-listener-count.js';

function target(log: unknown[], name: string): AbortTarget {
  return { onAbort: (reason) => log.push([name, reason]) };
}

/** A controller whose signal already has a listener that stops the 'abort' event from reaching later listeners. */
function stoppedController(): AbortController {
  const controller = new AbortController();
  controller.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
  return controller;
}

/** A duck-typed signal whose listeners are called with no event at all. */
function lookAlike() {
  const listeners = new Set<() => void>();
  return {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_type: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
    abort(reason: unknown) {
      this.aborted = true;
      this.reason = reason;
      for (const listener of [...listeners]) listener();
    },
    listeners,
  };
}

describe('abort targets', () => {
  it('adds one real listener per signal, however many targets wait on it', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    const targets = [target(log, 'a'), target(log, 'b'), target(log, 'c')];
    for (const t of targets) addAbortTarget(controller.signal, t);
    expect(abortListenerCount(controller.signal)).toBe(1);

    controller.abort('stop');

    expect(log).toEqual([
      ['a', 'stop'],
      ['b', 'stop'],
      ['c', 'stop'],
    ]);
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('removes the listener when a lone target leaves', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    const a = target(log, 'a');
    addAbortTarget(controller.signal, a);
    removeAbortTarget(controller.signal, a);
    expect(abortListenerCount(controller.signal)).toBe(0);
    controller.abort();
    expect(log).toEqual([]);
  });

  it('removes the listener only when the last of several targets leaves', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    const a = target(log, 'a');
    const b = target(log, 'b');
    addAbortTarget(controller.signal, a);
    addAbortTarget(controller.signal, b);
    removeAbortTarget(controller.signal, a);
    expect(abortListenerCount(controller.signal)).toBe(1);
    removeAbortTarget(controller.signal, b);
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('ignores a target that was never added, and adding the same lone target twice', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    const a = target(log, 'a');
    removeAbortTarget(controller.signal, a);
    addAbortTarget(controller.signal, a);
    addAbortTarget(controller.signal, a);
    removeAbortTarget(controller.signal, target(log, 'stranger'));
    controller.abort('x');
    expect(log).toEqual([['a', 'x']]);
  });

  it('tells every target even when the first ones remove the others as they react', () => {
    const controller = new AbortController();
    const log: string[] = [];
    const b: AbortTarget = { onAbort: () => log.push('b') };
    const a: AbortTarget = {
      onAbort: () => {
        log.push('a');
        removeAbortTarget(controller.signal, b);
      },
    };
    addAbortTarget(controller.signal, a);
    addAbortTarget(controller.signal, b);
    controller.abort();
    expect(log).toEqual(['a', 'b']);
  });

  it('works with a look-alike signal that calls its listeners without an event', () => {
    const signal = lookAlike();
    const log: unknown[] = [];
    const a = target(log, 'a');
    const b = target(log, 'b');
    addAbortTarget(signal as unknown as AbortSignal, a);
    addAbortTarget(signal as unknown as AbortSignal, b);
    expect(signal.listeners.size).toBe(1);

    signal.abort('gone');

    expect(log).toEqual([
      ['a', 'gone'],
      ['b', 'gone'],
    ]);
    expect(signal.listeners.size).toBe(0);
  });

  it('removes a look-alike signal’s listener when its last target leaves', () => {
    const signal = lookAlike();
    const a = target([], 'a');
    addAbortTarget(signal as unknown as AbortSignal, a);
    removeAbortTarget(signal as unknown as AbortSignal, a);
    expect(signal.listeners.size).toBe(0);
  });
});

describe('abort targets when another listener stops the event', () => {
  it('tells every target although an earlier listener called stopImmediatePropagation()', () => {
    const controller = stoppedController();
    const log: unknown[] = [];
    addAbortTarget(controller.signal, target(log, 'a'));
    addAbortTarget(controller.signal, target(log, 'b'));
    // The stopper and rxbus's one listener.
    expect(abortListenerCount(controller.signal)).toBe(2);

    controller.abort('stop');

    expect(log).toEqual([
      ['a', 'stop'],
      ['b', 'stop'],
    ]);
    expect(abortListenerCount(controller.signal)).toBe(1);
  });

  it('still removes its propagation-proof listener when the last target leaves', () => {
    const controller = stoppedController();
    const log: unknown[] = [];
    const a = target(log, 'a');
    addAbortTarget(controller.signal, a);
    removeAbortTarget(controller.signal, a);
    expect(abortListenerCount(controller.signal)).toBe(1);
    controller.abort();
    expect(log).toEqual([]);
  });

  it('tells the remaining targets when one of them throws, then rethrows the first error', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    const boom = new Error('target failed');
    addAbortTarget(controller.signal, {
      onAbort: () => {
        throw boom;
      },
    });
    addAbortTarget(controller.signal, target(log, 'b'));
    expect(() => checkAborted(abortQuietly(controller))).toThrow(boom);
    expect(log).toEqual([['b', 'x']]);
    expect(checkAborted(controller.signal)).toBe(true);
    expect(log).toEqual([['b', 'x']]);
  });
});

/** Aborts with reason 'x' while no listener can hear it, so that checkAborted does the telling. */
function abortQuietly(controller: AbortController): AbortSignal {
  const { signal } = controller;
  const spy = vi.spyOn(signal, 'dispatchEvent').mockReturnValue(true);
  controller.abort('x');
  spy.mockRestore();
  return signal;
}

describe('checkAborted', () => {
  it('returns false and tells no one while the signal has not aborted', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    addAbortTarget(controller.signal, target(log, 'a'));
    expect(checkAborted(controller.signal)).toBe(false);
    expect(log).toEqual([]);
    expect(abortListenerCount(controller.signal)).toBe(1);
  });

  it('returns true and tells no one twice after the abort was delivered', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    addAbortTarget(controller.signal, target(log, 'a'));
    controller.abort('r');
    expect(checkAborted(controller.signal)).toBe(true);
    expect(log).toEqual([['a', 'r']]);
  });
});

describe('abort targets without a propagation-proof listener (browsers, Node < 20.16)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  /** The module as it behaves where `process.getBuiltinModule` does not exist. */
  async function withoutNodeEvents(): Promise<typeof import('../src/abort-listeners.js')> {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    vi.resetModules();
    return import('../src/abort-listeners.js');
  }

  it('listens in the capture phase, which browsers run before every bubbling listener', async () => {
    const fallback = await withoutNodeEvents();
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const a = target([], 'a');
    fallback.addAbortTarget(controller.signal, a);
    fallback.removeAbortTarget(controller.signal, a);
    expect(add).toHaveBeenCalledWith('abort', expect.any(Function), { capture: true });
    expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]![1], { capture: true });
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('delivers an abort the stopped event missed when checkAborted() is called, once', async () => {
    const fallback = await withoutNodeEvents();
    const controller = stoppedController();
    const log: unknown[] = [];
    fallback.addAbortTarget(controller.signal, target(log, 'a'));
    fallback.addAbortTarget(controller.signal, target(log, 'b'));

    controller.abort('stop');
    // Node's EventTarget runs listeners in registration order, capture or not: the stopper wins.
    expect(log).toEqual([]);

    expect(fallback.checkAborted(controller.signal)).toBe(true);
    expect(log).toEqual([
      ['a', 'stop'],
      ['b', 'stop'],
    ]);
    expect(fallback.checkAborted(controller.signal)).toBe(true);
    expect(log).toHaveLength(2);
    expect(abortListenerCount(controller.signal)).toBe(1);
  });
});
