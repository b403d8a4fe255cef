import { describe, expect, it } from 'vitest';
import { fromAbortSignal } from '../../operators/from-abort-signal.js';
import { abortListenerCount } from '../support/abort-listener-count.js';
import { useTestScheduler } from '../support/test-scheduler.js';

describe('fromAbortSignal', () => {
  const testScheduler = useTestScheduler();

  it('emits the reason and completes when the signal aborts', () => {
    const ctrl = new AbortController();
    const reason = new Error('user left');
    testScheduler().run(({ expectObservable }) => {
      testScheduler().schedule(() => ctrl.abort(reason), 3);
      expectObservable(fromAbortSignal(ctrl.signal)).toBe('---(r|)', { r: reason });
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('emits at once, without adding a listener, when the signal is already aborted', () => {
    const ctrl = new AbortController();
    ctrl.abort('gone');
    testScheduler().run(({ expectObservable }) => {
      const result = fromAbortSignal(ctrl.signal);
      expect(abortListenerCount(ctrl.signal)).toBe(0);
      expectObservable(result).toBe('(r|)', { r: 'gone' });
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('removes its listener when the subscriber unsubscribes before the abort', () => {
    const ctrl = new AbortController();
    testScheduler().run(({ expectObservable }) => {
      testScheduler().schedule(() => expect(abortListenerCount(ctrl.signal)).toBe(1), 2);
      testScheduler().schedule(() => ctrl.abort('late'), 8);
      expectObservable(fromAbortSignal(ctrl.signal), '^----!').toBe('-----');
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('shares one real abort listener among many subscribers of the same signal', () => {
    const ctrl = new AbortController();
    const abort$ = fromAbortSignal(ctrl.signal);
    const subscriptions = Array.from({ length: 100 }, () => abort$.subscribe());
    expect(abortListenerCount(ctrl.signal)).toBe(1);
    // A second, separately created observable of the same signal shares it too.
    const other = fromAbortSignal(ctrl.signal).subscribe();
    expect(abortListenerCount(ctrl.signal)).toBe(1);
    other.unsubscribe();
    for (const sub of subscriptions.slice(0, 99)) sub.unsubscribe();
    expect(abortListenerCount(ctrl.signal)).toBe(1);
    subscriptions[99]!.unsubscribe();
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('adds a fresh listener when subscribed again after the last subscriber left', () => {
    const ctrl = new AbortController();
    const abort$ = fromAbortSignal(ctrl.signal);
    abort$.subscribe().unsubscribe();
    expect(abortListenerCount(ctrl.signal)).toBe(0);
    const seen: unknown[] = [];
    abort$.subscribe((reason) => seen.push(reason));
    expect(abortListenerCount(ctrl.signal)).toBe(1);
    ctrl.abort('again');
    expect(seen).toEqual(['again']);
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('delivers the reason to every subscriber exactly once and removes the shared listener', () => {
    const ctrl = new AbortController();
    const seen: string[] = [];
    let completed = 0;
    for (let i = 0; i < 5; i++) {
      fromAbortSignal(ctrl.signal).subscribe({ next: (r) => seen.push(`${i}:${String(r)}`), complete: () => completed++ });
    }
    ctrl.abort('stop');
    ctrl.signal.dispatchEvent(new Event('abort')); // a stray second event must not re-deliver
    expect(seen).toEqual(['0:stop', '1:stop', '2:stop', '3:stop', '4:stop']);
    expect(completed).toBe(5);
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('does not deliver to a subscriber that another subscriber unsubscribed during the abort', () => {
    const ctrl = new AbortController();
    const seen: string[] = [];
    const second = { unsubscribe: (): void => undefined };
    fromAbortSignal(ctrl.signal).subscribe(() => {
      seen.push('first');
      second.unsubscribe();
    });
    const sub = fromAbortSignal(ctrl.signal).subscribe(() => seen.push('second'));
    second.unsubscribe = () => sub.unsubscribe();
    ctrl.abort();
    expect(seen).toEqual(['first']);
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('keeps the listeners of different signals apart', () => {
    const a = new AbortController();
    const b = new AbortController();
    const seen: string[] = [];
    const subA = fromAbortSignal(a.signal).subscribe(() => seen.push('a'));
    fromAbortSignal(b.signal).subscribe(() => seen.push('b'));
    b.abort();
    expect(seen).toEqual(['b']);
    expect(abortListenerCount(a.signal)).toBe(1);
    subA.unsubscribe();
    expect(abortListenerCount(a.signal)).toBe(0);
  });

  it('throws a TypeError for something that is not an AbortSignal', () => {
    expect(() => fromAbortSignal({} as AbortSignal)).toThrow(TypeError);
    expect(() => fromAbortSignal(undefined as unknown as AbortSignal)).toThrow(/AbortSignal/);
  });

  it('emits the reason although an earlier abort listener stopped the event', () => {
    const ctrl = new AbortController();
    ctrl.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    const seen: unknown[] = [];
    fromAbortSignal(ctrl.signal).subscribe({ next: (r) => seen.push(r), complete: () => seen.push('done') });
    ctrl.abort('stop');
    expect(seen).toEqual(['stop', 'done']);
    expect(abortListenerCount(ctrl.signal)).toBe(1); // the stopper's own
  });
});
