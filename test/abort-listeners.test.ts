import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { addAbortTarget, removeAbortTarget, type AbortTarget } from '../src/abort-listeners.js';

function target(log: unknown[], name: string): AbortTarget {
  return { onAbort: (reason) => log.push([name, reason]) };
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
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);

    controller.abort('stop');

    expect(log).toEqual([
      ['a', 'stop'],
      ['b', 'stop'],
      ['c', 'stop'],
    ]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes the listener when a lone target leaves', () => {
    const controller = new AbortController();
    const log: unknown[] = [];
    const a = target(log, 'a');
    addAbortTarget(controller.signal, a);
    removeAbortTarget(controller.signal, a);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
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
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    removeAbortTarget(controller.signal, b);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
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
