import { Observable, Subject, take } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { takeUntilAborted } from '../../operators/take-until-aborted.js';
import { abortListenerCount } from '../support/abort-listener-count.js';
import { endlessSource } from '../support/endless-source.js';
import { useTestScheduler } from '../support/test-scheduler.js';

describe('takeUntilAborted', () => {
  const testScheduler = useTestScheduler();

  it('mirrors the source until the signal aborts, then errors with signal.reason', () => {
    const ctrl = new AbortController();
    const reason = new Error('cancelled');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a--b--c--|');
      testScheduler().schedule(() => ctrl.abort(reason), 5);
      expectObservable(source.pipe(takeUntilAborted(ctrl.signal))).toBe('-a--b#', undefined, reason);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it("completes instead of erroring with { onAbort: 'complete' }", () => {
    const ctrl = new AbortController();
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a--b--c--|');
      testScheduler().schedule(() => ctrl.abort(), 5);
      expectObservable(source.pipe(takeUntilAborted(ctrl.signal, { onAbort: 'complete' }))).toBe('-a--b|');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('errors at once without subscribing to the source when the signal is already aborted', () => {
    const ctrl = new AbortController();
    ctrl.abort('too late');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-|');
      expectObservable(source.pipe(takeUntilAborted(ctrl.signal))).toBe('#', undefined, 'too late');
      expectSubscriptions(source.subscriptions).toBe([]);
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('completes at once, without subscribing, when already aborted and onAbort is complete', () => {
    const ctrl = new AbortController();
    ctrl.abort();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-|');
      expectObservable(source.pipe(takeUntilAborted(ctrl.signal, { onAbort: 'complete' }))).toBe('|');
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('mirrors the source unchanged when there is no signal', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-#');
      const result = source.pipe(takeUntilAborted(undefined));
      expect(result).toBe(source);
      expectObservable(result).toBe('-a-b-#');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('removes its abort listener when the source completes, errors or is unsubscribed', () => {
    const ctrl = new AbortController();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const completing = cold('-a|');
      const failing = cold('--#');
      const endless = cold('-a-a-a-a-a-');
      testScheduler().schedule(() => expect(abortListenerCount(ctrl.signal)).toBe(1), 1);
      expectObservable(completing.pipe(takeUntilAborted(ctrl.signal))).toBe('-a|');
      expectObservable(failing.pipe(takeUntilAborted(ctrl.signal))).toBe('--#');
      expectObservable(endless.pipe(takeUntilAborted(ctrl.signal)), '^---!').toBe('-a-a-');
      expectSubscriptions(endless.subscriptions).toBe('^---!');
    });
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('shares one abort listener among all streams cut by the same signal', () => {
    const ctrl = new AbortController();
    const never$ = new Observable<number>(() => undefined);
    const errors: unknown[] = [];
    const subs = Array.from({ length: 50 }, () =>
      never$.pipe(takeUntilAborted(ctrl.signal)).subscribe({ error: (e: unknown) => errors.push(e) }),
    );
    expect(abortListenerCount(ctrl.signal)).toBe(1);
    subs[0]!.unsubscribe();
    ctrl.abort('bye');
    expect(errors).toHaveLength(49);
    expect(errors.every((e) => e === 'bye')).toBe(true);
    expect(abortListenerCount(ctrl.signal)).toBe(0);
  });

  it('unsubscribes the source when the signal aborts, so its teardown runs', () => {
    const ctrl = new AbortController();
    let tornDown = 0;
    const source = new Observable<number>(() => () => tornDown++);
    source.pipe(takeUntilAborted(ctrl.signal)).subscribe({ error: () => undefined });
    expect(tornDown).toBe(0);
    ctrl.abort();
    expect(tornDown).toBe(1);
  });

  it('throws a TypeError for a signal that is not an AbortSignal', () => {
    expect(() => takeUntilAborted({ aborted: false } as AbortSignal)).toThrow(TypeError);
  });

  it('errors with signal.reason although an earlier abort listener stopped the event', () => {
    const ctrl = new AbortController();
    ctrl.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    const source = new Subject<number>();
    const seen: unknown[] = [];
    source.pipe(takeUntilAborted(ctrl.signal)).subscribe({ next: (v) => seen.push(v), error: (e: unknown) => seen.push(['error', e]) });
    source.next(1);
    ctrl.abort('stop');
    source.next(2);
    expect(seen).toEqual([1, ['error', 'stop']]);
    expect(source.observed).toBe(false);
  });

  it('stops an endless synchronous source when the signal aborts during its emission, or the consumer has enough', () => {
    const ctrl = new AbortController();
    const aborting = endlessSource();
    const errors: unknown[] = [];
    aborting.source.pipe(takeUntilAborted(ctrl.signal)).subscribe({
      next: (v) => v === 2 && ctrl.abort('enough'),
      error: (e: unknown) => errors.push(e),
    });
    expect(errors).toEqual(['enough']);
    expect(aborting.pulled()).toBe(3);

    const taking = endlessSource();
    const values: number[] = [];
    taking.source.pipe(takeUntilAborted(new AbortController().signal), take(2)).subscribe((v) => values.push(v));
    expect(values).toEqual([0, 1]);
    expect(taking.pulled()).toBe(2);
  });
});

describe('takeUntilAborted where no abort listener is propagation-proof', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('ends with signal.reason at the next value after an abort it did not hear', async () => {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    vi.resetModules();
    const fallback = (await import('../../operators/take-until-aborted.js')).takeUntilAborted;
    const ctrl = new AbortController();
    ctrl.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    const source = new Subject<number>();
    const seen: unknown[] = [];
    source.pipe(fallback(ctrl.signal)).subscribe({ next: (v) => seen.push(v), error: (e: unknown) => seen.push(['error', e]) });
    source.next(1);
    ctrl.abort('stop');
    expect(seen).toEqual([1]);
    source.next(2);
    expect(seen).toEqual([1, ['error', 'stop']]);
    expect(source.observed).toBe(false);
    expect(abortListenerCount(ctrl.signal)).toBe(1); // the stopper's own
  });
});
